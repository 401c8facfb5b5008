import { createI18n } from 'vue-i18n';
import type { Locale } from '../../shared/contract';
import { loadOnce } from '../api/load-once';
import it, { type MessageSchema } from './it';
import { adoptEnglishWords } from './words';

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: 'it',
  fallbackLocale: 'it',
  messages: { it } as Record<Locale, MessageSchema>,
});

const loadEnglish = loadOnce(() => import('./english'));
/** The locale asked last: an answer that comes late does not override a later choice. */
let wanted: Locale = 'it';

/**
 * The page in this language. English loads first, the first time it is asked (it is not
 * part of the first screen's script); until it has, the page stays as it was. A load that
 * fails (a chunk gone after an update) leaves the page Italian, and the next choice tries again.
 * Answers the language the page now shows, or null when a later choice overtook this one
 * (that choice answers for the page).
 */
export async function applyLocale(locale: Locale): Promise<Locale | null> {
  wanted = locale;
  let shown = locale;
  if (locale === 'en') {
    try {
      const english = await loadEnglish();
      if (!i18n.global.availableLocales.includes('en')) i18n.global.setLocaleMessage('en', english.en);
      adoptEnglishWords(english.englishMessages);
    } catch {
      // English has never loaded (a load that went through is kept): the page is Italian.
      shown = 'it';
    }
  }
  if (wanted !== locale) return null;
  i18n.global.locale.value = shown;
  document.documentElement.lang = shown;
  return shown;
}
