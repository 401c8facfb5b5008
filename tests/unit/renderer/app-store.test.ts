import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it, vi } from 'vitest';
import type { AppEvent, AppInfo } from '../../../shared/contract';

/**
 * The app store's information and the page's language (#20): English loads when a desk
 * turns English, so what the store says arrives after a wait. What happened meanwhile
 * stands: a later choice of language, an update announced.
 */
const listeners = new Set<(event: AppEvent) => void>();
const answers = new Map<string, unknown>();
vi.mock('../../../src-renderer/api', () => ({
  deskApi: () => ({
    call: (operation: string) => Promise.resolve({ ok: true, value: answers.get(operation) }),
    onEvent: (listener: (event: AppEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  }),
}));
const { useAppStore } = await import('../../../src-renderer/stores/app');
const { i18n } = await import('../../../src-renderer/i18n');
// The page's <html lang> (no DOM here; after the imports, which would take it for a page).
vi.stubGlobal('document', { documentElement: { lang: 'it' } });

const publish = (event: AppEvent) => listeners.forEach((listener) => listener(event));
const info = (locale: AppInfo['locale'], updateReady: string | null = null): AppInfo => ({
  productName: 'Sportello Identificazione',
  version: '1.0.0',
  mode: 'training',
  dataDirectory: '/tmp/sportello',
  locale,
  storeError: null,
  configError: null,
  machineOffice: null,
  updateReady,
  updateMode: 'by-it',
});

/** An Italian desk, its store listening, that main has just told to turn English. */
async function italianDeskTurningEnglish() {
  setActivePinia(createPinia());
  const store = useAppStore();
  store.listen();
  answers.set('app.info', info('it'));
  await store.load();
  publish({ name: 'app.localeChanged', payload: { locale: 'en' } });
  return store;
}

describe('the app store', () => {
  // First: English has not loaded yet, so the first choice is still waiting when the second comes.
  it('keeps Italian, page and information, when Italian is chosen while English loads', async () => {
    const store = await italianDeskTurningEnglish();
    publish({ name: 'app.localeChanged', payload: { locale: 'it' } });
    answers.set('app.setLocale', info('en'));
    const english = store.setLocale('en');
    answers.set('app.setLocale', info('it'));
    await Promise.all([english, store.setLocale('it')]);
    // The English chunk the events asked for has come too, and every late answer is in.
    await vi.dynamicImportSettled();
    expect(i18n.global.locale.value).toBe('it');
    expect(document.documentElement.lang).toBe('it');
    expect(store.info?.locale).toBe('it');
  });

  it('keeps an update announced while English loads', async () => {
    const store = await italianDeskTurningEnglish();
    publish({ name: 'app.updateReady', payload: { version: '1.1.0' } });
    await vi.waitFor(() => expect(store.info?.locale).toBe('en'));
    expect(i18n.global.locale.value).toBe('en');
    expect(store.info?.updateReady).toBe('1.1.0');
  });
});
