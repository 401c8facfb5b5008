import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { belfioreDatasetInfo, describeBirthPlace, findBirthPlace, type BirthPlace } from '../../../shared/domain/belfiore';
import { belfiorePlacesText } from '../../../shared/domain/belfiore-places.generated';
import { computeFiscalCode, parseFiscalCode } from '../../../shared/domain/fiscal-code';

/** Birth places dated by ANPR: every period of every code, both ends inclusive. */
const on = '2026-11-30';
const addDays = (day: string, days: number) => {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
};
const person = (birthPlaceCode: string, birthDate: string) =>
  computeFiscalCode({ surname: 'Rossi', name: 'Maria', sex: 'F', birthDate, birthPlaceCode });
const parses = (birthPlaceCode: string, birthDate: string) => parseFiscalCode(person(birthPlaceCode, birthDate), { on });
const covered = (place: BirthPlace, day: string) =>
  place.periods.some((period) => period.validFrom <= day && (period.validTo === null || day <= period.validTo));
/** A two-digit year reads as a date in the last hundred years: only those can be tested through a code. */
const representable = (day: string) => day > addDays(`${Number(on.slice(0, 4)) - 100}${on.slice(4)}`, 0) && day <= on;

describe('birth places dated by ANPR', () => {
  it('accepts a ceased comune on its last day and refuses it the day after, naming the place and its period', () => {
    expect(parses('A012', '2016-12-31').ok).toBe(true);
    expect(parses('A012', '2017-01-01')).toMatchObject({
      ok: false,
      error: { code: 'birth-place', message: expect.stringContaining('Codice A012 (Abetone) valido fino al 31/12/2016') },
    });
  });

  it('knows codes that the old dataset lacked (E667 Lonato, 1861–2007)', () => {
    expect(parses('E667', '1975-06-15')).toMatchObject({ ok: true, value: { birthPlaceCode: 'E667' } });
    expect(describeBirthPlace(findBirthPlace('E667')!)).toBe('Lonato (BS)');
    expect(parses('E667', '2007-11-02').ok).toBe(false);
  });

  it('starts each code when ANPR starts it (M312 Lonato del Garda from 2007-11-02, G381 Paularo from 1866)', () => {
    expect(parses('M312', '2007-11-01').ok).toBe(false);
    expect(parses('M312', '2007-11-02').ok).toBe(true);
    expect(parses('G381', '1930-05-10').ok).toBe(true);
  });

  it('refuses a birth inside a gap in which the code did not exist (A618 Baranzate 2003-03-06..2004-06-07)', () => {
    expect(parses('A618', '2003-03-05').ok).toBe(true);
    const inGap = parses('A618', '2003-03-06');
    expect(inGap).toMatchObject({ ok: false, error: { code: 'birth-place' } });
    expect(!inGap.ok && inGap.error.message).toContain('dal 12/12/2001 al 05/03/2003, dal 08/06/2004');
    expect(parses('A618', '2004-06-07').ok).toBe(false);
    expect(parses('A618', '2004-06-08').ok).toBe(true);
  });

  it('ends a ceased country the day before its successors (Z111 German Democratic Republic, last day 1990-10-02)', () => {
    expect(parses('Z111', '1990-10-02').ok).toBe(true);
    expect(parses('Z111', '1990-10-03').ok).toBe(false);
    expect(parses('Z112', '1990-10-03').ok).toBe(true);
  });

  it('names a renamed comune as it was called on the day (A001 Abano, then Abano Terme from 1924-11-14)', () => {
    const abano = findBirthPlace('A001')!;
    expect(describeBirthPlace(abano, '1924-11-13')).toBe('Abano (PD)');
    expect(describeBirthPlace(abano, '1950-01-01')).toBe('Abano Terme (PD)');
    expect(describeBirthPlace(abano)).toBe('Abano Terme (PD)');
  });

  it('keeps the changes after the archive (2024 fusions) and credits ANPR', () => {
    expect(parses('M436', '2024-01-22').ok).toBe(true);
    expect(parses('I879', '2024-01-21').ok).toBe(true);
    expect(parses('I879', '2024-01-22').ok).toBe(false);
    expect(belfioreDatasetInfo.attribution).toBe('Fonte: ANPR – Ministero dell’Interno');
  });

  it('for every period: the first and last day parse; the day before and after are refused unless another period covers them', () => {
    const codes = new Set(belfiorePlacesText.split('\n').map((line) => line.slice(0, 4)));
    let checked = 0;
    for (const code of codes) {
      const place = findBirthPlace(code)!;
      for (const period of place.periods) {
        const edges = [period.validFrom, addDays(period.validFrom, -1)];
        if (period.validTo) edges.push(period.validTo, addDays(period.validTo, 1));
        for (const day of edges.filter(representable)) {
          const result = parses(code, day);
          expect(result.ok, `${code} ${day}`).toBe(covered(place, day));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(5_000);
  });

  it('round-trips random people born in random ANPR periods through computeFiscalCode and parseFiscalCode (seeded)', () => {
    const periods = belfiorePlacesText.split('\n').flatMap((line) => {
      const [code = '', , , from = '', to = ''] = line.split('|');
      const iso = (compact: string) => `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
      const start = iso(from) > addDays(on, -36_000) ? iso(from) : addDays(on, -36_000);
      const end = to && iso(to) < on ? iso(to) : on;
      return start <= end ? [{ code, start, end }] : [];
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...periods),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom('M' as const, 'F' as const),
        fc.constantFrom('Rossi', 'Ștefănescu', "D'Amico", 'Li', 'Esposito Bianchi'),
        fc.constantFrom('Maria', 'Łukasz', 'Giovanni Battista', 'Ai'),
        (period, share, sex, surname, name) => {
          const span = (Date.parse(period.end) - Date.parse(period.start)) / 86_400_000;
          const birthDate = addDays(period.start, Math.floor(share * span));
          const code = computeFiscalCode({ surname, name, sex, birthDate, birthPlaceCode: period.code });
          const parsed = parseFiscalCode(code, { on });
          expect(parsed).toMatchObject({ ok: true, value: { canonical: code, sex, birthDate, birthPlaceCode: period.code } });
        },
      ),
      { seed: 20261130, numRuns: 2_000 },
    );
  });
});

describe('the Belfiore dataset generator', () => {
  it('makes the committed file from the ANPR data kept in the project, the same in any time zone', { timeout: 60_000 }, () => {
    const root = join(import.meta.dirname, '../../..');
    const committed = readFileSync(join(root, 'shared/domain/belfiore-places.generated.ts'), 'utf8');
    const directory = mkdtempSync(join(tmpdir(), 'belfiore-'));
    try {
      for (const timeZone of ['Europe/Rome', 'America/Los_Angeles']) {
        const out = join(directory, `${timeZone.replace('/', '-')}.ts`);
        execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/generate-belfiore-dataset.ts'), '--out', out], {
          env: { ...process.env, TZ: timeZone },
          stdio: 'pipe',
        });
        expect(readFileSync(out, 'utf8'), timeZone).toBe(committed);
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
