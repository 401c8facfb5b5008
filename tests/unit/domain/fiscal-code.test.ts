import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allOmocodeVariants,
  computeFiscalCode,
  fiscalCodeCheckCharacter,
  fiscalCodeMismatches,
  nameCode,
  omocodeVariant,
  parseFiscalCode,
  surnameCode,
} from '../../../shared/domain/fiscal-code';
import { createRandom, syntheticPerson } from '../../../shared/domain/synthetic-people';

const on = '2026-11-22';
/** Builds a code from its first 15 characters with the right check character. */
const withCheck = (first15: string) => first15 + fiscalCodeCheckCharacter(first15);
const parse = (text: string) => parseFiscalCode(text, { on });
const errorOf = (text: string) => {
  const result = parse(text);
  return result.ok ? null : result.error.code;
};

describe('parseFiscalCode', () => {
  it('decodes the DOMAIN.md example RSSMRA80A01H501U', () => {
    expect(parse('RSSMRA80A01H501U')).toEqual({
      ok: true,
      value: {
        code: 'RSSMRA80A01H501U',
        canonical: 'RSSMRA80A01H501U',
        omocode: false,
        sex: 'M',
        birthDate: '1980-01-01',
        birthPlaceCode: 'H501',
      },
    });
  });

  it('normalises spaces and case', () => {
    expect(parse('  rssmra 80a01\th501u ')).toMatchObject({ ok: true, value: { code: 'RSSMRA80A01H501U' } });
  });

  it('reads women from days 41–71', () => {
    const code = withCheck('BNCGLI85M52F205');
    expect(parse(code)).toMatchObject({ ok: true, value: { sex: 'F', birthDate: '1985-08-12', birthPlaceCode: 'F205' } });
  });

  it('resolves the two-digit year to the latest year not after "on"', () => {
    expect(parse(withCheck('RSSMRA26A01H501'))).toMatchObject({ ok: true, value: { birthDate: '2026-01-01' } });
    expect(parse(withCheck('RSSMRA26T01H501'))).toMatchObject({ ok: true, value: { birthDate: '1926-12-01' } });
    expect(parse(withCheck('RSSMRA05A01H501'))).toMatchObject({ ok: true, value: { birthDate: '2005-01-01' } });
    expect(parseFiscalCode(withCheck('RSSMRA05A01H501'), { on: '2004-06-01' })).toMatchObject({
      ok: true,
      value: { birthDate: '1905-01-01' },
    });
  });

  it('accepts omocodia variants and restores the canonical code', () => {
    const variant = omocodeVariant('RSSMRA80A01H501U', 3);
    expect(variant).toBe('RSSMRA80A01HRLMS');
    expect(parse(variant)).toEqual({
      ok: true,
      value: { code: variant, canonical: 'RSSMRA80A01H501U', omocode: true, sex: 'M', birthDate: '1980-01-01', birthPlaceCode: 'H501' },
    });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['RSSMRA80A01H501', 'length'],
    ['RSSMRA80A01H501UX', 'length'],
    ['R5SMRA80A01H501U', 'format'], // digit among the surname letters
    ['RSSMRA80Z01H501U', 'format'], // Z is not a month letter
    ['RSSMRA8WA01H501U', 'format'], // W is not an omocodia letter
    ['RSSMRA80A01H501$', 'format'],
    ['RSSMRA80A01H501A', 'check-character'],
  ])('%j → %s', (text, code) => {
    expect(errorOf(text)).toBe(code);
  });

  it('checks the error order: length before format, format before check character', () => {
    expect(errorOf('R$$')).toBe('length');
    expect(errorOf('RSSMRA80Z01H501A')).toBe('format');
  });

  it.each([
    ['RSSMRA80B30H501', '30 February'],
    ['RSSMRA80A00H501', 'day 00'],
    ['RSSMRA80A32H501', 'day 32'],
    ['RSSMRA80A40H501', 'day 40'],
    ['RSSMRA80A72H501', 'day 72 (women end at 71)'],
    ['RSSMRA01B29H501', '29 February 2001'],
    ['RSSMRA80D71H501', '31 April for a woman'],
  ])('rejects an impossible birth date: %s (%s)', (first15) => {
    expect(errorOf(withCheck(first15))).toBe('birth-date');
  });

  it('accepts 29 February of a leap year', () => {
    expect(parse(withCheck('RSSMRA00B29H501'))).toMatchObject({ ok: true, value: { birthDate: '2000-02-29' } });
  });

  it('rejects an unknown Belfiore code and one not valid on the birth date', () => {
    expect(errorOf(withCheck('RSSMRA80A01Z999'))).toBe('birth-place');
    // Valsamoggia (M320) was created on 1 January 2014.
    expect(errorOf(withCheck('RSSMRA80A01M320'))).toBe('birth-place');
    expect(parse(withCheck('RSSMRA15A01M320'))).toMatchObject({ ok: true });
    // Yugoslavia (Z118) ceased to exist in the dataset on 2004-01-01.
    expect(errorOf(withCheck('RSSMRA05A01Z118'))).toBe('birth-place');
    expect(parse(withCheck('RSSMRA80A01Z118'))).toMatchObject({ ok: true });
  });

  it('keeps comuni moved into a new province valid before that (Abbasanta, OR since 1974)', () => {
    expect(parse(withCheck('RSSMRA60A01A007'))).toMatchObject({ ok: true, value: { birthPlaceCode: 'A007' } });
  });

  it('explains errors in Italian', () => {
    const result = parse('RSSMRA80A01H501A');
    expect(result.ok ? '' : result.error.message).toMatch(/carattere di controllo/);
  });
});

describe('computeFiscalCode', () => {
  it.each([
    ['Rossi', 'RSS'],
    ['Fo', 'FOX'],
    ['Xu', 'XUX'],
    ["D'Angelo", 'DNG'],
    ['De Luca', 'DLC'],
    ['Orrù', 'RRO'],
    ['Ștefănescu', 'STF'],
    ['Łukaszewicz', 'LKS'],
    ['Groß', 'GRS'],
    ['Ai', 'AIX'],
  ])('surname %s → %s', (surname, expected) => {
    expect(surnameCode(surname)).toBe(expected);
  });

  it.each([
    ['Mario', 'MRA'],
    ['Gianfranco', 'GFR'], // ≥4 consonants: 1st, 3rd, 4th
    ['Maria Chiara', 'MCH'],
    ['Nicolò', 'NCL'],
    ['Ugo', 'GUO'],
    ['Eva', 'VEA'],
    ['Łukasz', 'LSZ'], // four consonants L K S Z: 1st, 3rd, 4th
    ['Zoë', 'ZOE'],
  ])('name %s → %s', (name, expected) => {
    expect(nameCode(name)).toBe(expected);
  });

  it('computes the whole code, +40 on the day for women', () => {
    expect(computeFiscalCode({ surname: 'Rossi', name: 'Mario', sex: 'M', birthDate: '1980-01-01', birthPlaceCode: 'H501' })).toBe(
      'RSSMRA80A01H501U',
    );
    expect(computeFiscalCode({ surname: 'Bianchi', name: 'Giulia', sex: 'F', birthDate: '1985-08-12', birthPlaceCode: 'F205' })).toBe(
      withCheck('BNCGLI85M52F205'),
    );
  });
});

describe('fiscalCodeMismatches', () => {
  const mario = { surname: 'Rossi', name: 'Mario', sex: 'M' as const, birthDate: '1980-01-01', birthPlaceCode: 'H501' };

  it('finds nothing when code and data agree, also for an omocode variant', () => {
    expect(fiscalCodeMismatches('RSSMRA80A01H501U', mario)).toEqual([]);
    expect(fiscalCodeMismatches(omocodeVariant('RSSMRA80A01H501U', 7), mario)).toEqual([]);
    expect(fiscalCodeMismatches('RSSMRA80A01H501U', { ...mario, surname: "ROS'SI" })).toEqual([]);
  });

  it('names each field that disagrees', () => {
    expect(fiscalCodeMismatches('RSSMRA80A01H501U', { ...mario, surname: 'Bianchi' })).toEqual(['surname']);
    expect(fiscalCodeMismatches('RSSMRA80A01H501U', { ...mario, name: 'Marco', sex: 'F' })).toEqual(['name', 'sex']);
    expect(fiscalCodeMismatches('RSSMRA80A01H501U', { ...mario, birthDate: '1980-01-02', birthPlaceCode: 'F205' })).toEqual([
      'birthDate',
      'birthPlaceCode',
    ]);
    expect(fiscalCodeMismatches('RSSMRA80A01H501X', mario)).toEqual(['fiscalCode']);
  });
});

describe('properties (fast-check, seeded)', () => {
  const seed = 20261122;
  const person = fc.integer({ min: 1, max: 2 ** 31 - 1 }).map((s) => syntheticPerson(createRandom(s), { omocodeShare: 0.3 }));

  it('every generated person’s code parses back to their data', () => {
    fc.assert(
      fc.property(person, (p) => {
        const result = parse(p.fiscalCode);
        expect(result).toMatchObject({ ok: true, value: { sex: p.sex, birthDate: p.birthDate, birthPlaceCode: p.birthPlaceCode } });
        expect(fiscalCodeMismatches(p.fiscalCode, p)).toEqual([]);
      }),
      { seed, numRuns: 500 },
    );
  });

  it('all 128 omocode variants parse to the same canonical code', () => {
    fc.assert(
      fc.property(person, (p) => {
        const canonical = computeFiscalCode(p);
        const variants = allOmocodeVariants(canonical);
        expect(new Set(variants).size).toBe(128);
        for (const variant of variants) {
          const result = parse(variant);
          expect(result.ok && result.value.canonical).toBe(canonical);
        }
      }),
      { seed, numRuns: 30 },
    );
  });

  it('any single-character change is rejected', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('');
    fc.assert(
      fc.property(person, fc.integer({ min: 0, max: 15 }), fc.constantFrom(...alphabet), (p, position, replacement) => {
        const code = p.fiscalCode;
        fc.pre(code[position] !== replacement);
        const changed = code.slice(0, position) + replacement + code.slice(position + 1);
        expect(parse(changed).ok).toBe(false);
      }),
      { seed, numRuns: 3000 },
    );
  });

  it('arbitrary strings never throw', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.stringMatching(/^[A-Z0-9 ]{14,18}$/)),
        (text) => {
          const result = parse(text);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { seed, numRuns: 3000 },
    );
  });
});
