import { italianLabels } from '../i18n/messages';
import { parseIsoDate, type IsoDate } from './dates';
import { domainError, refuse, type DomainError, type DomainResult } from './result';

/**
 * Identity documents accepted at the desk: DPR 445/2000 art. 35 c. 2 ("equipollenti").
 * The tessera sanitaria is not one (no photo).
 */
export const identityDocumentKinds = [
  'cie',
  'cie-2',
  'paper-id-card',
  'passport',
  'driving-licence',
  'nautical-licence',
  'firearms-licence',
  'state-employee-card',
  'pension-book',
  'heating-plant-licence',
] as const;
export type IdentityDocumentKind = (typeof identityDocumentKinds)[number];

/** The kinds' Italian names (the catalogue's: a finding names a kind in the person's language). */
export const identityDocumentLabels: Record<IdentityDocumentKind, string> = italianLabels.documentKind;

export const identityCardKinds: ReadonlyArray<IdentityDocumentKind> = ['cie', 'cie-2', 'paper-id-card'];

/** Kinds that may carry no expiry date. */
const kindsWithoutExpiry: ReadonlyArray<IdentityDocumentKind> = ['pension-book'];

interface NumberRule {
  patterns: RegExp[];
  example: string;
}

const numberRules: Partial<Record<IdentityDocumentKind, NumberRule>> = {
  cie: { patterns: [/^[A-Z]{2}\d{5}[A-Z]{2}$/], example: 'CA00000AA' },
  'cie-2': { patterns: [/^\d{7}[A-Z]{2}$/], example: '1234567AA' },
  'paper-id-card': { patterns: [/^[A-Z]{2}\d{7}$/], example: 'AA1234567' },
  passport: { patterns: [/^[A-Z]{2}\d{7}$/], example: 'YA1234567' },
  // Since 1999 (EU model) and the older series.
  'driving-licence': { patterns: [/^U1[A-Z0-9]{7}[A-Z]$/, /^[A-Z]{2}\d{7}[A-Z]$/], example: 'U1AB12345C' },
};
/** Free-form kinds: letters and digits, 4 to 20 after removing spaces and separators. */
const freeFormPattern = /^[A-Z0-9]{4,20}$/;

export function normalizeDocumentNumber(text: string): string {
  return text.toUpperCase().replace(/[\s\-./]/g, '');
}

export type DocumentNumberErrorCode = 'empty' | 'format';

export function validateDocumentNumber(kind: IdentityDocumentKind, text: string): DomainResult<string, DocumentNumberErrorCode> {
  const number = normalizeDocumentNumber(typeof text === 'string' ? text : '');
  if (number === '') return refuse('empty', { key: 'document-number.empty' });
  const rule = numberRules[kind];
  if (rule) {
    if (rule.patterns.some((pattern) => pattern.test(number))) return { ok: true, value: number };
    return refuse('format', { key: 'document-number.kind-format', params: { kind, example: rule.example } });
  }
  if (freeFormPattern.test(number)) return { ok: true, value: number };
  return refuse('format', { key: 'document-number.format' });
}

export type DocumentStatus = 'valid' | 'expired' | 'not-yet-valid' | 'not-accepted';

export type DocumentStatusReasonCode =
  | 'valid-through'
  | 'expired'
  | 'issue-date-in-future'
  | 'expiry-before-issue'
  | 'expiry-missing'
  | 'invalid-date'
  | 'paper-id-card-withdrawn'
  | 'expiry-not-on-birthday';

export interface DocumentStatusResult {
  status: DocumentStatus;
  /** Why the status is what it is (the first one decides). */
  reasons: DomainError<DocumentStatusReasonCode>[];
  /** Worth a second look, not blocking: must be acknowledged. */
  warnings: DomainError<DocumentStatusReasonCode>[];
}

export interface DocumentDates {
  kind: IdentityDocumentKind;
  issueDate: IsoDate;
  expiryDate?: IsoDate | null;
}

export interface DocumentStatusOptions {
  /** Reg. (EU) 2019/1157 art. 5: paper identity cards cease to be valid on 3 Aug 2026. */
  paperIdCardCutoff?: IsoDate;
  /** DL 5/2012 art. 7 applies to cards issued or renewed from this day. */
  birthdayRuleFrom?: IsoDate;
}

export const defaultPaperIdCardCutoff: IsoDate = '2026-08-03';
export const birthdayRuleFrom: IsoDate = '2012-02-10';

/**
 * Whether a document can be accepted on `on`. It is valid through its expiry day. For
 * identity cards issued from 2012-02-10 the expiry falls on the holder's birthday
 * (DL 5/2012 art. 7); any other expiry is flagged as a likely typo.
 */
export function documentStatus(
  document: DocumentDates,
  holder: { holderBirthDate?: IsoDate | null },
  on: IsoDate,
  options: DocumentStatusOptions = {},
): DocumentStatusResult {
  const reasons: DocumentStatusResult['reasons'] = [];
  const warnings: DocumentStatusResult['warnings'] = [];
  const result = (status: DocumentStatus): DocumentStatusResult => ({ status, reasons, warnings });

  if (!parseIsoDate(document.issueDate) || (document.expiryDate && !parseIsoDate(document.expiryDate))) {
    reasons.push(domainError('invalid-date', { key: 'document.invalid-date' }));
    return result('not-accepted');
  }
  const cutoff = options.paperIdCardCutoff ?? defaultPaperIdCardCutoff;
  if (document.kind === 'paper-id-card' && on >= cutoff) {
    reasons.push(domainError('paper-id-card-withdrawn', { key: 'document.paper-id-card-withdrawn', params: { cutoff } }));
    return result('not-accepted');
  }
  if (document.expiryDate && document.expiryDate < document.issueDate) {
    reasons.push(domainError('expiry-before-issue', { key: 'document.expiry-before-issue' }));
    return result('not-accepted');
  }
  if (!document.expiryDate && !kindsWithoutExpiry.includes(document.kind)) {
    reasons.push(domainError('expiry-missing', { key: 'document.expiry-missing' }));
    return result('not-accepted');
  }
  if (document.issueDate > on) {
    reasons.push(domainError('issue-date-in-future', { key: 'document.issue-date-in-future', params: { issueDate: document.issueDate } }));
    return result('not-yet-valid');
  }
  if (document.expiryDate && document.expiryDate < on) {
    reasons.push(domainError('expired', { key: 'document.expired', params: { expiryDate: document.expiryDate } }));
    return result('expired');
  }

  const ruleFrom = options.birthdayRuleFrom ?? birthdayRuleFrom;
  if (identityCardKinds.includes(document.kind) && document.issueDate >= ruleFrom && document.expiryDate && holder.holderBirthDate) {
    if (!expiresOnBirthday(document.expiryDate, holder.holderBirthDate)) {
      warnings.push(domainError('expiry-not-on-birthday', { key: 'document.expiry-not-on-birthday' }));
    }
  }
  reasons.push(
    domainError(
      'valid-through',
      document.expiryDate ? { key: 'document.valid-through', params: { expiryDate: document.expiryDate } } : { key: 'document.no-expiry' },
    ),
  );
  return result('valid');
}

/** Birthday match; a 29 February birthday matches 28 February or 1 March in a common year. */
export function expiresOnBirthday(expiryDate: IsoDate, birthDate: IsoDate): boolean {
  const expiry = parseIsoDate(expiryDate);
  const birth = parseIsoDate(birthDate);
  if (!expiry || !birth) return false;
  if (expiry.month === birth.month && expiry.day === birth.day) return true;
  if (birth.month === 2 && birth.day === 29) {
    return (expiry.month === 2 && expiry.day === 28) || (expiry.month === 3 && expiry.day === 1);
  }
  return false;
}
