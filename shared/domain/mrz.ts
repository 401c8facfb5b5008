import { parse as parseMrzLines } from 'mrz';
import { formatIsoDate, isValidDate, parseIsoDate, todayIn, type IsoDate } from './dates';
import { nameLetters, type Sex } from './fiscal-code';
import { normalizeDocumentNumber } from './identity-document';
import type { Message } from '../i18n/messages';
import { domainError, refuse, type DomainError, type DomainResult } from './result';

/**
 * Machine-readable zones (ICAO 9303): TD1 on the CIE (3 lines × 30), TD3 on passports
 * (2 × 44). Typed, or read by a keyboard-wedge OCR reader that may drop line breaks,
 * add spaces or send lower case. The MRZ text itself is never stored (privacy).
 */
export interface MrzData {
  format: 'TD1' | 'TD3';
  documentCode: string;
  issuingState: string | null;
  nationality: string | null;
  documentNumber: string;
  birthDate: IsoDate | null;
  expiryDate: IsoDate | null;
  sex: Sex | null;
  surname: string;
  givenNames: string;
  /** The name field has no filler left: ICAO 9303 may have truncated the name to fit. */
  nameFieldFull: boolean;
  /** Every check digit of the format; `personalNumber` is TD3 only (null on a TD1). */
  checks: { documentNumber: boolean; birthDate: boolean; expiryDate: boolean; personalNumber: boolean | null; composite: boolean };
}

export type MrzErrorCode = 'empty' | 'format';

const shapes = { TD1: { lines: 3, length: 30 }, TD3: { lines: 2, length: 44 } } as const;

/**
 * What a keyboard-wedge reader types for the filler `<` when the PC's keyboard layout is
 * not the US one it emulates: each maps back to `<`.
 */
export const mrzFillerSubstitutes: ReadonlyArray<{ character: string; why: string }> = [
  { character: ';', why: 'Italian (also German, Spanish) layout: the reader sends Shift+comma, the US "<"' },
  { character: '«', why: 'readers set to send the ISO "<" as an Alt code, read as a guillemet' },
];
const substitutes = new RegExp(`[${mrzFillerSubstitutes.map((substitute) => substitute.character).join('')}]`, 'g');

/** Lines of an MRZ as a reader or a person typed it, or null when no known shape fits. */
export function mrzLines(text: string): string[] | null {
  const cleaned = text.toUpperCase().replace(/[ \t]/g, '').replace(substitutes, '<');
  const lines = cleaned.split(/\r\n|\r|\n/).filter((line) => line.length > 0);
  for (const shape of Object.values(shapes)) {
    if (lines.length === shape.lines && lines.every((line) => line.length === shape.length)) return lines;
  }
  const joined = lines.join('');
  for (const shape of Object.values(shapes)) {
    if (joined.length === shape.lines * shape.length) {
      return Array.from({ length: shape.lines }, (_, i) => joined.slice(i * shape.length, (i + 1) * shape.length));
    }
  }
  return null;
}

/** How far ahead an expiry may lie (passports and the CIE run 10 years, plus the holder's birthday). */
const longestValidityYears = 20;

/**
 * YYMMDD → date, the century resolved from the other fields: a birth date is the latest
 * not after `on`; an expiry date is the latest after the birth date and no further than
 * `longestValidityYears` from `on` (so a 1995 expiry reads 1995, not 2095).
 */
function mrzDate(
  yymmdd: string | null | undefined,
  kind: 'birth' | 'expiry',
  on: IsoDate,
  birthDate: IsoDate | null = null,
): IsoDate | null {
  if (!yymmdd || !/^\d{6}$/.test(yymmdd)) return null;
  const yy = Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  const today = parseIsoDate(on);
  if (!today) return null;
  const latest = kind === 'birth' ? on : formatIsoDate(today.year + longestValidityYears, today.month, Math.min(today.day, 28));
  for (let century = Math.floor(today.year / 100) * 100 + 100; century >= 1800; century -= 100) {
    const year = century + yy;
    if (!isValidDate(year, month, day)) continue;
    const date = formatIsoDate(year, month, day);
    if (date > latest) continue;
    if (kind === 'expiry' && birthDate && date <= birthDate) return null;
    return date;
  }
  return null;
}

export function parseMrz(text: string, options: { on?: IsoDate } = {}): DomainResult<MrzData, MrzErrorCode> {
  const on = options.on ?? todayIn();
  if (typeof text !== 'string' || text.trim() === '') return refuse('empty', { key: 'mrz.empty' });
  const lines = mrzLines(text);
  if (!lines || !/^[A-Z0-9<]+$/.test(lines.join(''))) {
    return refuse('format', { key: 'mrz.lines' });
  }
  let parsed;
  try {
    parsed = parseMrzLines(lines);
  } catch {
    return refuse('format', { key: 'mrz.unreadable' });
  }
  const format = parsed.format === 'TD1' ? 'TD1' : parsed.format === 'TD3' ? 'TD3' : null;
  if (!format) return refuse('format', { key: 'mrz.unsupported' });
  const valid = (field: string) => parsed.details.some((detail) => detail.field === field && detail.valid);
  // The raw characters of a field, for fields the library nulls when invalid.
  const raw = (field: string) =>
    parsed.details
      .find((detail) => detail.field === field)
      ?.ranges?.map((range) => lines[range.line]!.slice(range.start, range.end))
      .join('') ?? '';
  const fields = parsed.fields as Record<string, string | null | undefined>;
  const sex = fields.sex === 'male' ? 'M' : fields.sex === 'female' ? 'F' : null;
  const birthDate = mrzDate(fields.birthDate ?? raw('birthDate'), 'birth', on);
  const nameLine = format === 'TD1' ? lines[2]! : lines[0]!;
  return {
    ok: true,
    value: {
      format,
      documentCode: (fields.documentCode ?? raw('documentCode')).replace(/</g, ''),
      issuingState: fields.issuingState ?? null,
      nationality: fields.nationality ?? null,
      documentNumber: (fields.documentNumber ?? raw('documentNumber')).replace(/</g, ''),
      birthDate,
      expiryDate: mrzDate(fields.expirationDate ?? raw('expirationDate'), 'expiry', on, birthDate),
      sex,
      surname: (fields.lastName ?? '').trim(),
      givenNames: (fields.firstName ?? '').trim(),
      nameFieldFull: !nameLine.endsWith('<'),
      checks: {
        documentNumber: valid('documentNumberCheckDigit'),
        birthDate: valid('birthDateCheckDigit'),
        expiryDate: valid('expirationDateCheckDigit'),
        personalNumber: format === 'TD3' ? valid('personalNumberCheckDigit') : null,
        composite: valid('compositeCheckDigit'),
      },
    },
  };
}

export type MrzMismatchCode =
  'mrz-check-digit' | 'mrz-document-number' | 'mrz-birth-date' | 'mrz-sex' | 'mrz-expiry-date' | 'mrz-surname' | 'mrz-name';

export interface MrzMismatch extends DomainError<MrzMismatchCode> {
  field: string;
}

export interface MrzComparisonSubject {
  person: { surname: string; name: string; sex: Sex; birthDate: IsoDate };
  document: { number: string; expiryDate?: IsoDate | null };
}

const checkDigitNames: Array<keyof MrzData['checks']> = ['documentNumber', 'birthDate', 'expiryDate', 'personalNumber', 'composite'];
const mismatch = (code: MrzMismatchCode, field: string, text: Message): MrzMismatch => ({ ...domainError(code, text), field });

/** Named differences between what the MRZ says and the request and presented document. */
export function compareMrz(mrz: MrzData, subject: MrzComparisonSubject): MrzMismatch[] {
  const mismatches: MrzMismatch[] = [];
  const failedChecks = checkDigitNames.filter((name) => mrz.checks[name] === false);
  if (failedChecks.length > 0)
    mismatches.push(mismatch('mrz-check-digit', 'mrz', { key: 'mrz.check-digit', params: { checks: failedChecks } }));
  if (normalizeDocumentNumber(mrz.documentNumber) !== normalizeDocumentNumber(subject.document.number)) {
    mismatches.push(mismatch('mrz-document-number', 'number', { key: 'mrz.document-number', params: { number: mrz.documentNumber } }));
  }
  if (mrz.birthDate !== subject.person.birthDate) mismatches.push(mismatch('mrz-birth-date', 'birthDate', { key: 'mrz.birth-date' }));
  if (mrz.sex !== null && mrz.sex !== subject.person.sex) mismatches.push(mismatch('mrz-sex', 'sex', { key: 'mrz.sex' }));
  if (subject.document.expiryDate && mrz.expiryDate !== subject.document.expiryDate) {
    mismatches.push(mismatch('mrz-expiry-date', 'expiryDate', { key: 'mrz.expiry-date' }));
  }
  // The MRZ drops accents and apostrophes: compare bare letters. ICAO 9303 truncates a
  // name too long for a full line: then the MRZ's letters need only begin the person's.
  const mrzName = nameLetters(mrz.surname) + nameLetters(mrz.givenNames);
  const fullName = nameLetters(subject.person.surname) + nameLetters(subject.person.name);
  const truncated = mrz.nameFieldFull && mrzName.length < fullName.length && fullName.startsWith(mrzName);
  if (!truncated && nameLetters(mrz.surname) !== nameLetters(subject.person.surname)) {
    mismatches.push(mismatch('mrz-surname', 'surname', { key: 'mrz.surname' }));
  }
  if (!truncated && nameLetters(mrz.givenNames) !== nameLetters(subject.person.name)) {
    mismatches.push(mismatch('mrz-name', 'name', { key: 'mrz.name' }));
  }
  return mismatches;
}

// ---------------------------------------------------------------------------------
// Building MRZs (synthetic documents for training and tests)

const charValue = (c: string) => (c === '<' ? 0 : c >= '0' && c <= '9' ? Number(c) : c.charCodeAt(0) - 55);

export function mrzCheckDigit(text: string): string {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum += charValue(text[i]!) * weights[i % 3]!;
  return String(sum % 10);
}

const pad = (text: string, length: number) => (text + '<'.repeat(length)).slice(0, length);
const yymmdd = (date: IsoDate) => date.slice(2, 4) + date.slice(5, 7) + date.slice(8, 10);

/** ICAO 9303: apostrophes omitted, spaces and hyphens become fillers, accents dropped. */
function mrzNameField(surname: string, name: string, length: number): string {
  const spaced = (text: string) =>
    text
      .split(/[\s-]+/)
      .map((part) => nameLetters(part))
      .filter(Boolean)
      .join('<');
  return pad(`${spaced(surname)}<<${spaced(name)}`, length);
}

export interface MrzPerson {
  surname: string;
  name: string;
  sex: Sex;
  birthDate: IsoDate;
  documentNumber: string;
  expiryDate: IsoDate;
  nationality?: string;
  issuingState?: string;
}

/** TD1 (CIE): 3 lines of 30. */
export function buildTd1(person: MrzPerson, documentCode = 'CI'): string[] {
  const number = pad(person.documentNumber, 9);
  const line1 = pad(`${pad(documentCode, 2)}${person.issuingState ?? 'ITA'}${number}${mrzCheckDigit(number)}`, 30);
  const birth = yymmdd(person.birthDate);
  const expiry = yymmdd(person.expiryDate);
  const line2Body = `${birth}${mrzCheckDigit(birth)}${person.sex}${expiry}${mrzCheckDigit(expiry)}${person.nationality ?? 'ITA'}`;
  const line2WithoutComposite = pad(line2Body, 29);
  const composite = mrzCheckDigit(
    line1.slice(5, 30) + line2WithoutComposite.slice(0, 7) + line2WithoutComposite.slice(8, 15) + line2WithoutComposite.slice(18, 29),
  );
  return [line1, line2WithoutComposite + composite, mrzNameField(person.surname, person.name, 30)];
}

/** TD3 (passport): 2 lines of 44. */
export function buildTd3(person: MrzPerson): string[] {
  const line1 = pad(`P<${person.issuingState ?? 'ITA'}${mrzNameField(person.surname, person.name, 39)}`, 44);
  const number = pad(person.documentNumber, 9);
  const birth = yymmdd(person.birthDate);
  const expiry = yymmdd(person.expiryDate);
  const personal = '<'.repeat(14);
  const body = `${number}${mrzCheckDigit(number)}${person.nationality ?? 'ITA'}${birth}${mrzCheckDigit(birth)}${person.sex}${expiry}${mrzCheckDigit(expiry)}${personal}${mrzCheckDigit(personal)}`;
  const composite = mrzCheckDigit(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43));
  return [line1, body + composite];
}
