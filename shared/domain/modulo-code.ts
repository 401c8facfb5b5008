/**
 * The code printed as a QR on the modulo di adesione: `IOL:<request id>:<fiscal code>`.
 * Request ids and fiscal codes are capitals, digits and '-', so the whole text is in QR's
 * alphanumeric set (a smaller code, and what a 2D reader types back the same whatever the
 * keyboard layout's letters). The desk reads it in its lookup field to open the request.
 */
const prefix = 'IOL';
const pattern = /^IOL:([A-Z0-9][A-Z0-9._\-/]{0,63}):([A-Z0-9]{16})$/;

export function moduloCode(requestId: string, fiscalCode: string): string {
  return `${prefix}:${requestId}:${fiscalCode}`;
}

/** What a reader typed, when it is a modulo's code (spaces around and letter case aside); otherwise null. */
export function readModuloCode(text: string): { requestId: string; fiscalCode: string } | null {
  const match = pattern.exec(text.trim().toUpperCase());
  return match ? { requestId: match[1]!, fiscalCode: match[2]! } : null;
}
