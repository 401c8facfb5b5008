import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppError, AppInfo, Locale } from '../../shared/contract';
import { deskApi } from '../api';
import { applyLocale } from '../i18n';

/** What the app knows about itself: `app.info`, and the interface language. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const error = ref<AppError | null>(null);

  /** The information, in its language (loaded first if it is English: the page shows no half-translated state). */
  async function adopt(next: AppInfo) {
    await applyLocale(next.locale);
    info.value = next;
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
      if (event.name === 'app.localeChanged' && info.value) void adopt({ ...info.value, locale: event.payload.locale });
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
