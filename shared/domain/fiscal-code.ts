import type { Message } from '../i18n/messages';
import { findBirthPlace, isBirthPlaceValidOn, type BirthPlace } from './belfiore';
import { formatIsoDate, isValidDate, parseIsoDate, todayIn, type IsoDate } from './dates';
import { normalizeFiscalCode } from './fiscal-code-text';
import { refuse, type DomainResult } from './result';

/**
 * Codice fiscale of natural persons (DM 23/12/1976): 16 characters
 *   1–3 surname, 4–6 name, 7–8 year, 9 month letter, 10–11 day (+40 for women),
 *   12–15 Belfiore code of the birth place, 16 check character.
 * Omocodia: digits at positions 7, 8, 10, 11, 13, 14, 15 may be replaced (from the
 * right) by L M N P Q R S T U V, and the check character recomputed.
 */

export type Sex = 'M' | 'F';

export interface ParsedFiscalCode {
  /** The input normalised: trimmed, inner spaces removed, upper case. */
  code: string;
  /** Omocodia letters turned back into digits, check character recomputed. */
  canonical: string;
  /** Whether the input used omocodia substitution letters. */
  omocode: boolean;
  sex: Sex;
  birthDate: IsoDate;
  /** Belfiore code with digits restored, e.g. `H501`. */
  birthPlaceCode: string;
}

export type FiscalCodeErrorCode = 'empty' | 'length' | 'format' | 'check-character' | 'birth-date' | 'birth-place';

const monthLetters = 'ABCDEHLMPRST';
const omocodeLetters = 'LMNPQRSTUV';
/** 0-based positions that hold digits, or omocodia letters in their place. */
export const omocodePositions = [6, 7, 9, 10, 12, 13, 14] as const;

// Check character tables (DM 23/12/1976, allegato).
const oddValues: Record<string, number> = {
  '0': 1,
  '1': 0,
  '2': 5,
  '3': 7,
  '4': 9,
  '5': 13,
  '6': 15,
  '7': 17,
  '8': 19,
  '9': 21,
  A: 1,
  B: 0,
  C: 5,
  D: 7,
  E: 9,
  F: 13,
  G: 15,
  H: 17,
  I: 19,
  J: 21,
  K: 2,
  L: 4,
  M: 18,
  N: 20,
  O: 11,
  P: 3,
  Q: 6,
  R: 8,
  S: 12,
  T: 14,
  U: 16,
  V: 10,
  W: 22,
  X: 25,
  Y: 24,
  Z: 23,
};
const evenValue = (char: string): number => (char >= '0' && char <= '9' ? char.charCodeAt(0) - 48 : char.charCodeAt(0) - 65);

/** Check character over the first 15 characters (upper case, as written, omocodia included). */
export function fiscalCodeCheckCharacter(first15: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const char = first15[i]!;
    // Positions are 1-based in the decree: index 0 is position 1, an odd one.
    sum += i % 2 === 0 ? oddValues[char]! : evenValue(char);
  }
  return String.fromCharCode(65 + (sum % 26));
}

export { normalizeFiscalCode };

const fail = (code: FiscalCodeErrorCode, text: Message): DomainResult<never, FiscalCodeErrorCode> => refuse(code, text);

const isLetter = (c: string) => c >= 'A' && c <= 'Z';
const isDigit = (c: string) => c >= '0' && c <= '9';

/** Position-by-position shape check of a normalised 16-character code. */
function firstFormatError(code: string): number {
  for (let i = 0; i < 16; i++) {
    const c = code[i]!;
    let allowed: boolean;
    if (i < 6 || i === 11 || i === 15) allowed = isLetter(c);
    else if (i === 8) allowed = monthLetters.includes(c);
    else allowed = isDigit(c) || omocodeLetters.includes(c); // omocode positions
    if (!allowed) return i;
  }
  return -1;
}

/** Digits restored at the omocodia positions (check character left as is). */
function restoreDigits(code: string): string {
  const chars = [...code];
  for (const i of omocodePositions) {
    const letterIndex = omocodeLetters.indexOf(chars[i]!);
    if (letterIndex >= 0) chars[i] = String(letterIndex);
  }
  return chars.join('');
}

interface DecodedFields {
  restored: string;
  yy: number;
  month: number;
  day: number;
  sex: Sex;
}

function decodeFields(code: string): DecodedFields {
  const restored = restoreDigits(code);
  const dayField = Number(restored.slice(9, 11));
  return {
    restored,
    yy: Number(restored.slice(6, 8)),
    month: monthLetters.indexOf(restored[8]!) + 1,
    day: dayField > 40 ? dayField - 40 : dayField,
    sex: dayField > 40 ? 'F' : 'M',
  };
}

/** Latest year ending in `yy` whose date (month/day) is not after `on`. */
function resolveYear(yy: number, month: number, day: number, on: IsoDate): number {
  const today = parseIsoDate(on);
  if (!today) throw new RangeError(`invalid "on" date: ${on}`);
  let year = today.year - ((((today.year - yy) % 100) + 100) % 100);
  if (formatIsoDate(year, month, day) > on) year -= 100;
  return year;
}

/** "Codice A012 (Abetone) valido fino al 31/12/2016: non esisteva il 01/01/2017." */
function birthPlaceRefusal(place: BirthPlace, birthDate: IsoDate): Message {
  const periods = place.periods.map((period) => ({ from: period.validFrom, to: period.validTo }));
  return { key: 'fiscal-code.birth-place-not-then', params: { place: place.code, name: place.name, birthDate, periods } };
}

/**
 * Parses and validates a fiscal code. Errors, checked in this order: `empty`, `length`,
 * `format`, `check-character`, `birth-date`, `birth-place`.
 */
export function parseFiscalCode(text: string, options: { on?: IsoDate } = {}): DomainResult<ParsedFiscalCode, FiscalCodeErrorCode> {
  const on = options.on ?? todayIn();
  const code = normalizeFiscalCode(typeof text === 'string' ? text : '');
  if (code === '') return fail('empty', { key: 'fiscal-code.empty' });
  if (code.length !== 16) return fail('length', { key: 'fiscal-code.length', params: { length: code.length } });
  const badPosition = firstFormatError(code);
  if (badPosition >= 0) return fail('format', { key: 'fiscal-code.format', params: { position: badPosition + 1 } });
  if (fiscalCodeCheckCharacter(code) !== code[15]) return fail('check-character', { key: 'fiscal-code.check-character' });

  const fields = decodeFields(code);
  const dayField = Number(fields.restored.slice(9, 11));
  // Men 01–31, women 41–71; nothing else exists.
  const wrongDate: Message = { key: 'fiscal-code.birth-date' };
  if (dayField === 0 || (dayField > 31 && dayField < 41) || dayField > 71) return fail('birth-date', wrongDate);
  const year = resolveYear(fields.yy, fields.month, fields.day, on);
  if (!isValidDate(year, fields.month, fields.day)) return fail('birth-date', wrongDate);
  const birthDate = formatIsoDate(year, fields.month, fields.day);

  const birthPlaceCode = fields.restored.slice(11, 15);
  const place = findBirthPlace(birthPlaceCode);
  if (!place) return fail('birth-place', { key: 'fiscal-code.birth-place-unknown', params: { place: birthPlaceCode } });
  if (!isBirthPlaceValidOn(place, birthDate)) return fail('birth-place', birthPlaceRefusal(place, birthDate));

  const canonicalBody = fields.restored.slice(0, 15);
  return {
    ok: true,
    value: {
      code,
      canonical: canonicalBody + fiscalCodeCheckCharacter(canonicalBody),
      omocode: fields.restored !== code,
      sex: fields.sex,
      birthDate,
      birthPlaceCode,
    },
  };
}

// ---------------------------------------------------------------------------------
// Computing the code from personal data

export interface FiscalCodePerson {
  surname: string;
  name: string;
  sex: Sex;
  birthDate: IsoDate;
  birthPlaceCode: string;
}

/** Letters outside A–Z that do not decompose under NFD. */
const transliterations: Record<string, string> = {
  Ł: 'L',
  Ø: 'O',
  Đ: 'D',
  Ħ: 'H',
  Ŧ: 'T',
  Ŀ: 'L',
  ß: 'SS',
  Æ: 'AE',
  Œ: 'OE',
  Þ: 'TH',
  Ð: 'D',
  ı: 'I',
};

/**
 * The letters of a name as the code uses them: accents dropped (È → E, Ș → S), a few
 * letters transliterated (Ł → L, ß → SS), apostrophes, spaces, hyphens and any other
 * sign removed.
 */
export function nameLetters(text: string): string {
  const upper = text.toUpperCase().replace(/[ŁØĐĦŦĿÆŒÞÐ]|ß|ı/g, (c) => transliterations[c] ?? c);
  return upper
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Z]/g, '');
}

const vowels = 'AEIOU';
const splitLetters = (letters: string) => ({
  consonants: [...letters].filter((c) => !vowels.includes(c)).join(''),
  vowels: [...letters].filter((c) => vowels.includes(c)).join(''),
});

export function surnameCode(surname: string): string {
  const { consonants, vowels: v } = splitLetters(nameLetters(surname));
  return (consonants + v + 'XXX').slice(0, 3);
}

export function nameCode(name: string): string {
  const { consonants, vowels: v } = splitLetters(nameLetters(name));
  if (consonants.length >= 4) return consonants[0]! + consonants[2]! + consonants[3]!;
  return (consonants + v + 'XXX').slice(0, 3);
}

/** The canonical (non-omocode) code of a person. Throws on a malformed date or place code. */
export function computeFiscalCode(person: FiscalCodePerson): string {
  const date = parseIsoDate(person.birthDate);
  if (!date) throw new RangeError('birthDate must be YYYY-MM-DD');
  if (!/^[A-Z]\d{3}$/.test(person.birthPlaceCode.toUpperCase())) throw new RangeError('birthPlaceCode must be a Belfiore code');
  const body =
    surnameCode(person.surname) +
    nameCode(person.name) +
    String(date.year % 100).padStart(2, '0') +
    monthLetters[date.month - 1] +
    String(date.day + (person.sex === 'F' ? 40 : 0)).padStart(2, '0') +
    person.birthPlaceCode.toUpperCase();
  return body + fiscalCodeCheckCharacter(body);
}

/**
 * Omocodia variant number `level` (0 = canonical, 1..7): the `level` rightmost
 * omocodia positions turned into letters, as the Agenzia delle Entrate assigns them.
 */
export function omocodeVariant(canonical: string, level: number): string {
  const chars = [...canonical.slice(0, 15)];
  const positions = [...omocodePositions].reverse().slice(0, level);
  for (const i of positions) chars[i] = omocodeLetters[Number(chars[i])]!;
  const body = chars.join('');
  return body + fiscalCodeCheckCharacter(body);
}

/** All 128 combinations of substituted positions of a canonical code (canonical first). */
export function allOmocodeVariants(canonical: string): string[] {
  const restored = restoreDigits(canonical.slice(0, 15));
  const variants: string[] = [];
  for (let mask = 0; mask < 128; mask++) {
    const chars = [...restored];
    omocodePositions.forEach((position, bit) => {
      if (mask & (1 << bit)) chars[position] = omocodeLetters[Number(chars[position])]!;
    });
    const body = chars.join('');
    variants.push(body + fiscalCodeCheckCharacter(body));
  }
  return variants;
}

export type FiscalCodeField = 'fiscalCode' | 'surname' | 'name' | 'sex' | 'birthDate' | 'birthPlaceCode';

/**
 * Which personal data disagree with the code. Any omocode variant of the right code
 * agrees. A code that is not even well-formed yields `['fiscalCode']`.
 */
export function fiscalCodeMismatches(code: string, person: FiscalCodePerson): FiscalCodeField[] {
  const normalized = normalizeFiscalCode(code);
  if (normalized.length !== 16 || firstFormatError(normalized) >= 0 || fiscalCodeCheckCharacter(normalized) !== normalized[15]) {
    return ['fiscalCode'];
  }
  const fields = decodeFields(normalized);
  const mismatches: FiscalCodeField[] = [];
  if (normalized.slice(0, 3) !== surnameCode(person.surname)) mismatches.push('surname');
  if (normalized.slice(3, 6) !== nameCode(person.name)) mismatches.push('name');
  if (fields.sex !== person.sex) mismatches.push('sex');
  const date = parseIsoDate(person.birthDate);
  if (!date || date.year % 100 !== fields.yy || date.month !== fields.month || date.day !== fields.day) mismatches.push('birthDate');
  if (fields.restored.slice(11, 15) !== person.birthPlaceCode.toUpperCase()) mismatches.push('birthPlaceCode');
  return mismatches;
}
