import type { App } from 'vue';
import type { ArchiveEntry } from '../../shared/contract';
import { i18n } from './index';
import { sayIn, type Said } from './words';

/** In the page's current language; reactive where it is read in a render or a computed. */
export function say(said: Said | null | undefined): string {
  return said ? sayIn(i18n.global.locale.value, said) : '';
}

/**
 * A refusal's reasons as the archive shows them. Italian: the receipt's own words (with
 * what the checks saw). English: the catalogue's reasons by code, and the note for "other".
 */
export function refusalReasonsOf(entry: Pick<ArchiveEntry, 'refusalReasons' | 'refusalReasonCodes' | 'refusalNote'>): string {
  if (i18n.global.locale.value === 'it') return entry.refusalReasons.join(' ');
  return entry.refusalReasonCodes
    .map((code) => (code === 'other' ? entry.refusalNote.trim() : i18n.global.t(`wizard.refusal.catalogue.${code}`)))
    .join(' ');
}

/** `$say(error)` in every template, beside `$t`. */
export const sayPlugin = {
  install(app: App): void {
    app.config.globalProperties.$say = say;
  },
};

declare module 'vue' {
  interface ComponentCustomProperties {
    $say: typeof say;
  }
}
