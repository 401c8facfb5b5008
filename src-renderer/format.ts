/** Display helpers for the renderer (Italian conventions in both locales for dates). */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const [year, month, day] = iso.slice(0, 10).split('-');
  return `${day}/${month}/${year}`;
}

/** Built at the first date shown: the first formatter with a time zone loads the zone data (#20). */
let dateTime: Intl.DateTimeFormat | null = null;
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  dateTime ??= new Intl.DateTimeFormat('it-IT', {
    timeZone: 'Europe/Rome',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  return dateTime.format(new Date(iso));
}
