import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppError, AppInfo, Locale } from '../../shared/contract';
import { deskApi } from '../api';
import { applyLocale, i18n } from '../i18n';

/** What the app knows about itself: `app.info`, and the interface language. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const error = ref<AppError | null>(null);

  /**
   * The host's information, once the page shows its language (English loads first: no
   * half-translated screen), with the language the page shows (Italian when English could
   * not load). An update announced while the language loaded stays announced.
   */
  async function adopt(next: AppInfo) {
    const shown = await applyLocale(next.locale);
    // Overtaken: the later choice sets the language, once loaded (the rest is this answer's if nothing came before).
    if (shown === null && info.value) return;
    const locale = shown ?? (i18n.global.locale.value as Locale);
    info.value = { ...next, locale, updateReady: next.updateReady ?? info.value?.updateReady ?? null };
    error.value = null;
  }

  async function load() {
    const result = await deskApi().call('app.info', {});
    if (result.ok) await adopt(result.value);
    else error.value = result.error;
  }

  async function setLocale(locale: Locale) {
    void applyLocale(locale); // immediate feedback; the host confirms below
    const result = await deskApi().call('app.setLocale', { locale });
    if (result.ok) await adopt(result.value);
    else error.value = result.error;
  }

  function listen() {
    return deskApi().onEvent((event) => {
      // The information as it is once the language has loaded, not as it was when the event came.
      if (event.name === 'app.localeChanged')
        void applyLocale(event.payload.locale).then((shown) => {
          if (shown !== null && info.value) info.value = { ...info.value, locale: shown };
        });
      if (event.name === 'app.updateReady' && info.value) info.value = { ...info.value, updateReady: event.payload.version };
    });
  }

  /** Restart into the downloaded update (the main process refuses while an identification is in progress). */
  async function installUpdate(): Promise<AppError | null> {
    const result = await deskApi().call('app.installUpdate', {});
    return result.ok ? null : result.error;
  }

  return { info, error, load, setLocale, listen, installUpdate };
});
