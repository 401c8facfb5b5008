import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFiscalCodeBarcode, validateHealthCardNumber } from '../../../shared/domain/health-card';
import { buildTd1, buildTd3, compareMrz, mrzLines, parseMrz } from '../../../shared/domain/mrz';
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
