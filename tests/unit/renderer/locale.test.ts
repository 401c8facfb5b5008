import { describe, expect, it, vi } from 'vitest';
import { parseFiscalCode } from '../../../shared/domain/fiscal-code';

/**
 * The page's language (#20): English is not in the first screen's script, it loads the
 * first time a desk turns English. Until it has, the page stays as it was; a choice made
 * while it loads is the one that stands when it arrives.
 */
const { applyLocale, i18n } = await import('../../../src-renderer/i18n');
const { sayIn } = await import('../../../src-renderer/i18n/words');
// The page's <html lang>, set beside the catalogue (these tests run without a DOM: the
// stand-in comes after the imports, which would take it for a whole browser page).
vi.stubGlobal('document', { documentElement: { lang: 'it' } });

const tooShort = () => {
  const parsed = parseFiscalCode('RSSMRA80A01H501');
  if (parsed.ok) throw new Error('expected a refusal');
  return parsed.error;
};

describe('the page’s language', () => {
  it('stays Italian when Italian is chosen while English is still loading', async () => {
    const english = applyLocale('en');
    const italian = applyLocale('it');
    await Promise.all([english, italian]);
    expect(i18n.global.locale.value).toBe('it');
    expect(document.documentElement.lang).toBe('it');
    expect(i18n.global.t('app.retry')).toBe('Riprova');
  });

  it('turns English once its catalogues have loaded: the screens’ words and the core’s', async () => {
    await applyLocale('en');
    expect(i18n.global.locale.value).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    expect(i18n.global.t('app.retry')).toBe('Retry');
    expect(sayIn('en', tooShort())).toBe('The fiscal code must have 16 characters. It has 15.');
    await applyLocale('it');
    expect(i18n.global.t('app.retry')).toBe('Riprova');
    expect(sayIn('it', tooShort())).toBe(tooShort().message);
  });
});
