/**
 * The fiscal code as text, before any rule that needs the Belfiore dataset: what the desk's
 * field uses as it is typed or scanned (the dataset loads only with the screens that check
 * a birth place: the request and the wizard).
 */
export function normalizeFiscalCode(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}
