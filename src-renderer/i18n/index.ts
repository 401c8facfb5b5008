import { createI18n } from 'vue-i18n';
import type { Locale } from '../../shared/contract';
import en from './en';
import it, { type MessageSchema } from './it';

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: 'it',
  fallbackLocale: 'it',
  messages: { it, en },
});

export function applyLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
}
