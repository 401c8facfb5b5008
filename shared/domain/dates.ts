/**
 * Calendar dates as `YYYY-MM-DD` strings: no time zones, no device clock. "Today" is
 * always passed in by the caller.
 */
export type IsoDate = string;

const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

export function isValidDate(year: number, month: number, day: number): boolean {
  return Number.isInteger(year) && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function parseIsoDate(text: string): { year: number; month: number; day: number } | null {
  const match = isoDatePattern.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return isValidDate(year, month, day) ? { year, month, day } : null;
}

export function isIsoDate(text: string): boolean {
  return parseIsoDate(text) !== null;
}

export function formatIsoDate(year: number, month: number, day: number): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** Today's date in the given IANA time zone (Italy by default), for callers at the edge. */
export function todayIn(timeZone = 'Europe/Rome', now: Date = new Date()): IsoDate {
  let formatter = dayFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, formatter);
  }
  return formatter.format(now);
}

/** `Italian` display: 03/08/2026. */
export function formatItalianDate(date: IsoDate): string {
  const parsed = parseIsoDate(date);
  return parsed ? `${String(parsed.day).padStart(2, '0')}/${String(parsed.month).padStart(2, '0')}/${parsed.year}` : date;
}

/**
 * Built the first time a time is shown, not when the module loads: the first formatter with
 * a time zone loads the zone data (about 50 ms), and the first screen shows no date (#20).
 */
let romeClock: Intl.DateTimeFormat | null = null;
/** An instant as it reads in Italy (Europe/Rome): 22/11/2026 10:35. */
export function formatItalianDateTime(instant: string | Date): string {
  const date = new Date(instant);
  romeClock ??= new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return `${formatItalianDate(todayIn('Europe/Rome', date))} ${romeClock.format(date)}`;
}
