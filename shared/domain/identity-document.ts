import { formatItalianDate, parseIsoDate, type IsoDate } from './dates';
import type { DomainError, DomainResult } from './result';

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

export const identityDocumentLabels: Record<IdentityDocumentKind, string> = {
  cie: "Carta d'identità elettronica (CIE 3.0)",
  'cie-2': "Carta d'identità elettronica (CIE 2.0)",
  'paper-id-card': "Carta d'identità cartacea",
  passport: 'Passaporto',
  'driving-licence': 'Patente di guida',
  'nautical-licence': 'Patente nautica',
  'firearms-licence': "Porto d'armi",
  'state-employee-card': 'Tessera di riconoscimento (Mod. AT/BT)',
  'pension-book': 'Libretto di pensione',
  'heating-plant-licence': 'Patentino di abilitazione alla conduzione di impianti termici',
};

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
  if (number === '') return { ok: false, error: { code: 'empty', message: 'Inserire il numero del documento.' } };
  const rule = numberRules[kind];
  if (rule) {
    if (rule.patterns.some((pattern) => pattern.test(number))) return { ok: true, value: number };
    return {
      ok: false,
      error: {
        code: 'format',
        message: `Numero non valido per ${identityDocumentLabels[kind].toLowerCase()}: formato atteso come ${rule.example}.`,
      },
    };
  }
  if (freeFormPattern.test(number)) return { ok: true, value: number };
  return { ok: false, error: { code: 'format', message: 'Numero non valido: da 4 a 20 lettere o cifre.' } };
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
    reasons.push({ code: 'invalid-date', message: 'Data di rilascio o di scadenza non valida.' });
    return result('not-accepted');
  }
  const cutoff = options.paperIdCardCutoff ?? defaultPaperIdCardCutoff;
  if (document.kind === 'paper-id-card' && on >= cutoff) {
    reasons.push({
      code: 'paper-id-card-withdrawn',
      message: `La carta d'identità cartacea non è più valida dal ${formatItalianDate(cutoff)} (Reg. UE 2019/1157): serve la CIE o un altro documento.`,
    });
    return result('not-accepted');
  }
  if (document.expiryDate && document.expiryDate < document.issueDate) {
    reasons.push({ code: 'expiry-before-issue', message: 'La data di scadenza è precedente a quella di rilascio: verificare le date.' });
    return result('not-accepted');
  }
  if (!document.expiryDate && !kindsWithoutExpiry.includes(document.kind)) {
    reasons.push({ code: 'expiry-missing', message: 'Inserire la data di scadenza del documento.' });
    return result('not-accepted');
  }
  if (document.issueDate > on) {
    reasons.push({
      code: 'issue-date-in-future',
      message: `La data di rilascio (${formatItalianDate(document.issueDate)}) è successiva a oggi: verificare.`,
    });
    return result('not-yet-valid');
  }
  if (document.expiryDate && document.expiryDate < on) {
    reasons.push({ code: 'expired', message: `Documento scaduto il ${formatItalianDate(document.expiryDate)}.` });
    return result('expired');
  }

  const ruleFrom = options.birthdayRuleFrom ?? birthdayRuleFrom;
  if (identityCardKinds.includes(document.kind) && document.issueDate >= ruleFrom && document.expiryDate && holder.holderBirthDate) {
    if (!expiresOnBirthday(document.expiryDate, holder.holderBirthDate)) {
      warnings.push({
        code: 'expiry-not-on-birthday',
        message:
          "Per le carte d'identità rilasciate dal 10/02/2012 la scadenza cade nel giorno del compleanno del titolare (DL 5/2012 art. 7): verificare la data di scadenza.",
      });
    }
  }
  reasons.push({
    code: 'valid-through',
    message: document.expiryDate ? `Valido fino al ${formatItalianDate(document.expiryDate)} compreso.` : 'Documento senza scadenza.',
  });
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
