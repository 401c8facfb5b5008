import type { IdentificationAssessment, IdentificationFinding, IdentificationFindingCode } from './identification';

/**
 * Why an identification is refused, as the applicant's receipt says it: a catalogue, not
 * the checks' own messages (many of those are instructions to the operator: "collect the
 * photocopies", "read the card", never a reason to give the applicant).
 */
export const refusalReasonCodes = [
  'document-invalid',
  'document-not-accepted',
  'document-differs',
  'photo-mismatch',
  'card-of-another-person',
  'module-not-signed',
  'delegation-incomplete',
  'other',
] as const;
export type RefusalReasonCode = (typeof refusalReasonCodes)[number];

export const isRefusalReasonCode = (code: string): code is RefusalReasonCode => (refusalReasonCodes as readonly string[]).includes(code);

/** The receipt's words (Italian: the receipt is an Italian document). */
export const refusalReasonTexts: Record<RefusalReasonCode, string> = {
  'document-invalid': 'Il documento di riconoscimento è scaduto o non ancora valido.',
  'document-not-accepted': 'Il documento presentato non è tra quelli accettati per l’identificazione.',
  'document-differs': 'Il documento presentato non è quello indicato nella richiesta.',
  'photo-mismatch': 'La persona allo sportello non corrisponde alla fotografia del documento.',
  'card-of-another-person': 'La tessera del codice fiscale presentata riporta un codice diverso da quello della richiesta.',
  'module-not-signed': 'Il modulo di adesione non è stato firmato.',
  'delegation-incomplete': 'La delega o i documenti del delegato non sono completi o non sono validi.',
  other: 'Altro motivo (vedi le annotazioni).',
};

/** The checks that are evidence for a reason (what the operator saw), and so suggest it. */
const evidence: Partial<Record<IdentificationFindingCode, RefusalReasonCode>> = {
  'document-expired': 'document-invalid',
  'document-not-yet-valid': 'document-invalid',
  'document-not-accepted': 'document-not-accepted',
  'document-number-invalid': 'document-not-accepted',
  'document-kind-mismatch': 'document-differs',
  'document-number-mismatch': 'document-differs',
  'fiscal-code-card-mismatch': 'card-of-another-person',
  'fiscal-code-card-omocode-variant': 'card-of-another-person',
  'delegate-document-expired': 'delegation-incomplete',
  'delegate-document-not-yet-valid': 'delegation-incomplete',
  'delegate-document-not-accepted': 'delegation-incomplete',
  'delegate-document-number-invalid': 'delegation-incomplete',
  'delegate-fiscal-code-invalid': 'delegation-incomplete',
  'delegate-fiscal-code-data-mismatch': 'delegation-incomplete',
  'delegate-is-applicant': 'delegation-incomplete',
};

/** The reasons the assessment shows evidence for, each with the findings behind it (pre-selected in the form). */
export function suggestedRefusalReasons(assessment: IdentificationAssessment): Map<RefusalReasonCode, IdentificationFinding[]> {
  const suggested = new Map<RefusalReasonCode, IdentificationFinding[]>();
  for (const finding of assessment.blocking) {
    const reason = evidence[finding.code];
    if (reason) suggested.set(reason, [...(suggested.get(reason) ?? []), finding]);
  }
  return suggested;
}
