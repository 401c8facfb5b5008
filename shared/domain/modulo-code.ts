/**
 * The code printed as a QR on the modulo di adesione: `IOL:<request id>:<fiscal code>`.
 * Request ids (REQ-0000042) and fiscal codes are capitals, digits and '-', so the whole
 * text is in QR's alphanumeric set: a smaller, sturdier code. The desk reads it in its
 * lookup field (a 2D reader types it like a keyboard, set to the computer's layout) to
 * open the request.
 */
const prefix = 'IOL';
// The id is whatever comes between the first and the last colon (an id may hold one).
const pattern = /^IOL:(.{1,64}):([A-Z0-9]{16})$/;
/** The moduli printed before (a JSON payload), still in people's hands: read too. */
const legacyPattern = /^\{"RICHIESTA":"([^"]{1,64})","CODICEFISCALE":"([A-Z0-9]{16})"\}$/;

export function moduloCode(requestId: string, fiscalCode: string): string {
  return `${prefix}:${requestId}:${fiscalCode}`;
}

/** What a reader typed, when it is a modulo's code (spaces and letter case aside); otherwise null. */
export function readModuloCode(text: string): { requestId: string; fiscalCode: string } | null {
  const normal = text.replace(/\s+/g, '').toUpperCase();
  const match = pattern.exec(normal) ?? legacyPattern.exec(normal);
  return match ? { requestId: match[1]!, fiscalCode: match[2]! } : null;
}
