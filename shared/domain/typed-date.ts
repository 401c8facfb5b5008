import { formatIsoDate, isValidDate, type IsoDate } from './dates';
import { refuse, type DomainResult } from './result';

/**
 * Dates as people at the desk type them: gg/mm/aaaa, the same whatever the operating
 * system's or the browser's language. Digits only; the slashes come by themselves.
 * Pasted 27/11/2019, 27.11.2019, 27-11-2019, 27112019 and 2019-11-27 all read the same.
 */

export type TypedDateErrorCode = 'incomplete' | 'impossible';

const pad = (part: string) => (part.length === 1 ? `0${part}` : part);

/**
 * What the field shows for what was typed or pasted: up to eight digits as dd/mm/yyyy,
 * a slash only before a digit (so Backspace never meets one it cannot remove), except
 * one the person typed after a whole day or month.
 * - `whole` (pasted, dropped, filled): a day or month of one digit followed by a
 *   separator gets its zero (1/2/2019 is 01/02/2019), and 2019-11-27 reads too;
 * - `typing` (a key at a time, an edit in the middle): each part keeps what it has (a
 *   digit taken out of the month leaves "27/1/2019", ready for the right one), what
 *   overflows a part flows into the next, and only a separator just typed after one digit
 *   pads it ("1/" is "01/").
 */
export function maskDateEntry(typed: string, mode: 'whole' | 'typing' = 'whole'): string {
  const iso = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/.exec(typed);
  if (iso && mode === 'whole') return `${pad(iso[3]!)}/${pad(iso[2]!)}/${iso[1]}`;
  // Only digits and separators count: a letter typed by mistake is dropped, not a separator.
  const raw = typed.replace(/[^\d./\-\s]/g, '').replace(/^[./\-\s]+/, '');
  const parts = raw.split(/[./\-\s]+/);
  const [day = '', month = '', ...rest] = parts;
  const endsWithSeparator = /[./\-\s]$/.test(raw);
  if (mode === 'typing' && parts.length > 1) return typedParts(parts, endsWithSeparator);
  const digits = (parts.length === 1 ? day : pad(day) + (parts.length > 2 ? pad(month) : month) + rest.join('')).slice(0, 8);
  let shown = digits.slice(0, 2);
  if (digits.length > 2) shown += `/${digits.slice(2, 4)}`;
  if (digits.length > 4) shown += `/${digits.slice(4)}`;
  if (endsWithSeparator && (digits.length === 2 || digits.length === 4)) shown += '/';
  return shown;
}

/** Day, month and year as typed with their separators: each part kept, overflow carried on. */
function typedParts(parts: string[], endsWithSeparator: boolean): string {
  const queue = [...parts];
  const shown: string[] = [];
  for (let i = 0; i < queue.length && i < 3; i++) {
    let part = queue[i]!;
    const limit = i < 2 ? 2 : 4;
    if (part.length > limit) {
      if (i < 2) queue[i + 1] = part.slice(limit) + (queue[i + 1] ?? '');
      part = part.slice(0, limit);
    }
    // A separator just typed after one digit of the day or the month: its zero.
    if (i < 2 && endsWithSeparator && i === queue.length - 2 && part.length === 1) part = pad(part);
    shown.push(part);
  }
  return shown.join('/');
}

/** The date typed or pasted: '' when nothing is, an ISO date when it reads, or why not. */
export function readTypedDate(raw: string): DomainResult<IsoDate | '', TypedDateErrorCode> {
  const shown = maskDateEntry(typeof raw === 'string' ? raw : '');
  const digits = shown.replace(/\D/g, '');
  if (digits === '') return { ok: true, value: '' };
  if (digits.length < 8) return refuse('incomplete', { key: 'date.incomplete' });
  const [day, month, year] = [Number(digits.slice(0, 2)), Number(digits.slice(2, 4)), Number(digits.slice(4))];
  if (year < 1900 || !isValidDate(year, month, day)) return refuse('impossible', { key: 'date.impossible', params: { date: shown } });
  return { ok: true, value: formatIsoDate(year, month, day) };
}
