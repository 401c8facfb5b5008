import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFiscalCodeBarcode, validateHealthCardNumber } from '../../../shared/domain/health-card';
import { buildTd1, buildTd3, compareMrz, mrzCheckDigit, mrzFillerSubstitutes, mrzLines, parseMrz } from '../../../shared/domain/mrz';
import { createRandom, syntheticHealthCardNumber } from '../../../shared/domain/synthetic-people';

const on = '2026-11-22';
const person = {
  surname: "D'Angelo",
  name: 'Maria Chiara',
  sex: 'F' as const,
  birthDate: '1980-03-15',
  documentNumber: 'CA12345AB',
  expiryDate: '2031-03-15',
};
const subject = {
  person: { surname: person.surname, name: person.name, sex: person.sex, birthDate: person.birthDate },
  document: { number: 'CA12345AB', expiryDate: '2031-03-15' },
};

describe('MRZ at the edges (ICAO 9303 truncation, keyboard layouts, centuries, every check digit)', () => {
  const long = {
    surname: 'Palmieri Della Rovere',
    name: 'Giovanni Battista',
    sex: 'M' as const,
    birthDate: '1971-09-04',
    documentNumber: 'CA00000AA',
    expiryDate: '2030-09-04',
  };
  const longSubject = {
    person: { surname: long.surname, name: long.name, sex: long.sex, birthDate: long.birthDate },
    document: { number: long.documentNumber, expiryDate: long.expiryDate },
  };

  it('accepts a name ICAO truncated on a full line when the MRZ name begins the transliterated name', () => {
    const lines = buildTd1(long);
    expect(lines[2]).toBe('PALMIERI<DELLA<ROVERE<<GIOVANN');
    const result = parseMrz(lines.join('\n'), { on });
    expect(result).toMatchObject({ ok: true, value: { nameFieldFull: true } });
    expect(result.ok && compareMrz(result.value, longSubject)).toEqual([]);
  });

  it('still names a different name on a full line, and a short name on a line with room', () => {
    const other = parseMrz(buildTd1(long).join('\n'), { on });
    const otherSubject = { ...longSubject, person: { ...longSubject.person, name: 'Giorgio' } };
    expect(other.ok && compareMrz(other.value, otherSubject).map((m) => m.code)).toEqual(['mrz-name']);
    const short = parseMrz(buildTd1({ ...long, surname: 'Palmieri', name: 'Giovanni' }).join('\n'), { on });
    expect(short).toMatchObject({ ok: true, value: { nameFieldFull: false } });
    expect(short.ok && compareMrz(short.value, longSubject).map((m) => m.code)).toEqual(['mrz-surname', 'mrz-name']);
  });

  it.each(mrzFillerSubstitutes.map((substitute) => [substitute.character, substitute.why]))(
    'reads %s typed for the filler "<" (%s)',
    (character) => {
      const lines = buildTd1(person);
      const typed = lines.map((line) => line.replaceAll('<', character)).join('\n');
      const read = parseMrz(typed, { on });
      expect(read).toEqual(parseMrz(lines.join('\n'), { on }));
      expect(read.ok && compareMrz(read.value, subject)).toEqual([]);
    },
  );

  it('resolves the century of the expiry from the other fields: a 1995 expiry is 1995, a 2035 one 2035', () => {
    const old = parseMrz(buildTd1({ ...person, birthDate: '1960-01-10', expiryDate: '1995-05-10' }).join('\n'), { on });
    expect(old).toMatchObject({ ok: true, value: { birthDate: '1960-01-10', expiryDate: '1995-05-10' } });
    const future = parseMrz(buildTd1({ ...person, expiryDate: '2035-05-10' }).join('\n'), { on });
    expect(future).toMatchObject({ ok: true, value: { expiryDate: '2035-05-10' } });
  });

  it('reports the TD3 personal-number check digit, and names each check digit that fails', () => {
    const lines = buildTd3(person);
    const good = parseMrz(lines.join('\n'), { on });
    expect(good).toMatchObject({ ok: true, value: { checks: { personalNumber: true } } });
    const wrongDigit = String((Number(mrzCheckDigit('<'.repeat(14))) + 1) % 10);
    const broken = [lines[0]!, lines[1]!.slice(0, 42) + wrongDigit + lines[1]!.slice(43)];
    const result = parseMrz(broken.join('\n'), { on });
    expect(result).toMatchObject({ ok: true, value: { checks: { personalNumber: false, documentNumber: true } } });
    const [mismatch] = result.ok ? compareMrz(result.value, subject) : [];
    expect(mismatch).toMatchObject({ code: 'mrz-check-digit', message: expect.stringContaining('numero personale') });
    const td1 = parseMrz(buildTd1(person).join('\n'), { on });
    expect(td1).toMatchObject({ ok: true, value: { checks: { personalNumber: null } } });
  });
});

describe('MRZ', () => {
  it('parses a CIE (TD1) typed by a keyboard-wedge reader: lower case, spaces, no line breaks', () => {
    const text = buildTd1(person).join(' ').toLowerCase();
    const result = parseMrz(text, { on });
    expect(result).toMatchObject({
      ok: true,
      value: {
        format: 'TD1',
        documentNumber: 'CA12345AB',
        birthDate: '1980-03-15',
        expiryDate: '2031-03-15',
        sex: 'F',
        nationality: 'ITA',
        surname: 'DANGELO',
        givenNames: 'MARIA CHIARA',
        checks: { documentNumber: true, birthDate: true, expiryDate: true, composite: true },
      },
    });
    expect(result.ok && compareMrz(result.value, subject)).toEqual([]);
  });

  it('parses a passport (TD3) with line breaks', () => {
    const result = parseMrz(buildTd3({ ...person, documentNumber: 'YA1234567' }).join('\r\n'), { on });
    expect(result).toMatchObject({ ok: true, value: { format: 'TD3', documentNumber: 'YA1234567', birthDate: '1980-03-15' } });
  });

  it('names every mismatch with the request and the presented document', () => {
    const result = parseMrz(
      buildTd1({ ...person, documentNumber: 'CA99999ZZ', birthDate: '1981-03-15', sex: 'M', surname: 'Rossi' }).join('\n'),
      { on },
    );
    expect(result.ok).toBe(true);
    const codes = result.ok ? compareMrz(result.value, subject).map((m) => m.code) : [];
    expect(codes).toEqual(['mrz-document-number', 'mrz-birth-date', 'mrz-sex', 'mrz-surname']);
  });

  it('reports a wrong check digit', () => {
    const lines = buildTd1(person);
    lines[1] = lines[1]!.slice(0, 6) + '0' + lines[1]!.slice(7); // birth date check digit
    const result = parseMrz(lines.join('\n'), { on });
    expect(result).toMatchObject({ ok: true, value: { checks: { birthDate: false } } });
    expect(result.ok && compareMrz(result.value, subject).map((m) => m.code)).toContain('mrz-check-digit');
  });

  it('refuses text of the wrong shape with a clear message', () => {
    expect(parseMrz('', { on })).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(parseMrz('IDITA123', { on })).toMatchObject({ ok: false, error: { code: 'format' } });
    expect(mrzLines('x'.repeat(90))).toHaveLength(3);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 120 }), fc.stringMatching(/^[A-Z0-9<]{90}$/), fc.stringMatching(/^[A-Z0-9<]{88}$/)),
        (text) => {
          expect(typeof parseMrz(text, { on }).ok).toBe('boolean');
        },
      ),
      { seed: 7, numRuns: 1000 },
    );
  });
});

describe('tessera sanitaria', () => {
  it('accepts a 20-digit number starting 80380 with a Luhn check digit', () => {
    const random = createRandom(3);
    for (let i = 0; i < 50; i++) {
      const number = syntheticHealthCardNumber(random);
      expect(validateHealthCardNumber(number)).toEqual({ ok: true, value: number });
    }
  });

  it('names what is wrong', () => {
    const good = syntheticHealthCardNumber(createRandom(4));
    const wrongDigit = good.slice(0, 19) + String((Number(good[19]) + 1) % 10);
    expect(validateHealthCardNumber('')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(validateHealthCardNumber('8038012345')).toMatchObject({ ok: false, error: { code: 'length' } });
    expect(validateHealthCardNumber('80380ABCDE1234567890')).toMatchObject({ ok: false, error: { code: 'format' } });
    expect(validateHealthCardNumber('1' + good.slice(1))).toMatchObject({ ok: false, error: { code: 'prefix' } });
    expect(validateHealthCardNumber(wrongDigit)).toMatchObject({ ok: false, error: { code: 'check-digit' } });
  });

  it('reads the fiscal code from the Code 39 barcode text', () => {
    expect(readFiscalCodeBarcode('*RSSMRA80A01H501U*', { on })).toMatchObject({ ok: true, value: { code: 'RSSMRA80A01H501U' } });
    expect(readFiscalCodeBarcode('RSSMRA80A01H501X', { on })).toMatchObject({ ok: false, error: { code: 'check-character' } });
  });
});
