import { createPinia, setActivePinia } from 'pinia';
import { expect, it, vi } from 'vitest';
import type { AppInfo } from '../../../shared/contract';

/**
 * An English desk whose English chunk cannot load (gone after an update): the page stays
 * Italian, and the store says so (#20), so the language switch and the About screen tell
 * what the page shows.
 */
vi.mock('../../../src-renderer/i18n/english', () => {
  throw new Error('chunk gone');
});
const english: AppInfo = {
  productName: 'Sportello Identificazione',
  version: '1.0.0',
  mode: 'training',
  dataDirectory: '/tmp/sportello',
  locale: 'en',
  storeError: null,
  configError: null,
  machineOffice: null,
  updateReady: null,
  updateMode: 'by-it',
};
vi.mock('../../../src-renderer/api', () => ({
  deskApi: () => ({ call: () => Promise.resolve({ ok: true, value: english }), onEvent: () => () => {} }),
}));
const { useAppStore } = await import('../../../src-renderer/stores/app');
const { i18n } = await import('../../../src-renderer/i18n');
vi.stubGlobal('document', { documentElement: { lang: 'it' } });

it('keeps an English desk Italian, and says Italian, when English cannot load', async () => {
  setActivePinia(createPinia());
  const store = useAppStore();
  await store.load();
  expect(store.info).not.toBeNull();
  expect(store.info?.locale).toBe('it');
  expect(i18n.global.locale.value).toBe('it');
  expect(i18n.global.t('app.retry')).toBe('Riprova');
});
