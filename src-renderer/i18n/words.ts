import type { Locale } from '../../shared/contract';
import { wordMessage, type MessageCatalogue, type NestedMessage } from '../../shared/i18n/messages';

/** Anything the core or the domain said: its Italian words, and what happened as a message. */
export interface Said {
  message: string;
  text?: NestedMessage | null;
}

/** The English catalogue, once English has loaded (i18n/index.ts loads it when the page turns English). */
let englishMessages: MessageCatalogue | null = null;
export function adoptEnglishWords(catalogue: MessageCatalogue): void {
  englishMessages = catalogue;
}

/**
 * The words for a language. Italian: the core's own words (the shared catalogue's).
 * English: the message worded by the English catalogue; a message it cannot word (a key
 * from a newer core) keeps its Italian words rather than showing nothing.
 */
export function sayIn(locale: Locale, said: Said): string {
  if (locale === 'it' || !said.text || !englishMessages) return said.message;
  return wordMessage(englishMessages, said.text) ?? said.message;
}
