import { describe, expect, it } from 'vitest';
import { parseFiscalCode } from '../../../shared/domain/fiscal-code';
import { validateDocumentNumber, documentStatus } from '../../../shared/domain/identity-document';
import { createRandom, syntheticIdentityCard, syntheticPeople } from '../../../shared/domain/synthetic-people';

describe('synthetic people', () => {
  const people = syntheticPeople(42, 1000);

  it('is deterministic for a seed', () => {
    expect(syntheticPeople(42, 20)).toEqual(people.slice(0, 20));
    expect(syntheticPeople(43, 20)).not.toEqual(people.slice(0, 20));
  });

  it('makes valid codes, a share of foreign-born people and names with hard characters', () => {
    for (const person of people) expect(parseFiscalCode(person.fiscalCode, { on: '2026-11-22' }).ok).toBe(true);
    const foreign = people.filter((p) => p.foreignBorn).length;
    expect(foreign).toBeGreaterThan(100);
    expect(foreign).toBeLessThan(300);
    expect(people.some((p) => p.fiscalCode.slice(11, 12) === 'Z')).toBe(true);
    expect(people.some((p) => /'/.test(p.surname))).toBe(true);
    expect(people.some((p) => /[ȘșŁłÖöÜüßñ]/.test(p.surname + p.name))).toBe(true);
  });

  it('issues identity cards that pass their own checks', () => {
    const random = createRandom(5);
    for (const person of people.slice(0, 200)) {
      const card = syntheticIdentityCard(random, person, '2026-11-22');
      expect(validateDocumentNumber(card.kind, card.number).ok).toBe(true);
      expect(documentStatus(card, { holderBirthDate: person.birthDate }, '2026-11-22')).toMatchObject({ status: 'valid', warnings: [] });
    }
  });
});
