import { describe, expect, it } from 'vitest';
import {
  documentStatus,
  expiresOnBirthday,
  identityDocumentKinds,
  identityDocumentLabels,
  validateDocumentNumber,
} from '../../../shared/domain/identity-document';

describe('validateDocumentNumber', () => {
  it.each([
    ['cie', ' ca 00000 aa ', 'CA00000AA'],
    ['cie-2', '1234567AB', '1234567AB'],
    ['paper-id-card', 'AA1234567', 'AA1234567'],
    ['passport', 'YA-1234567', 'YA1234567'],
    ['driving-licence', 'U1AB12345C', 'U1AB12345C'],
    ['driving-licence', 'MI1234567X', 'MI1234567X'],
    ['nautical-licence', 'RM 123/2019', 'RM1232019'],
    ['pension-book', '12345678', '12345678'],
  ] as const)('%s %j → %s', (kind, text, expected) => {
    expect(validateDocumentNumber(kind, text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['cie', 'CA0000AA'],
    ['cie', 'AA1234567'],
    ['cie-2', 'CA00000AA'],
    ['passport', 'Y1234567'],
    ['driving-licence', 'U2AB12345C'],
    ['firearms-licence', 'AB1'],
    ['firearms-licence', 'ABC#12345'],
  ] as const)('%s %j → format', (kind, text) => {
    expect(validateDocumentNumber(kind, text)).toMatchObject({ ok: false, error: { code: 'format' } });
  });

  it('asks for a number when empty', () => {
    expect(validateDocumentNumber('cie', '  ')).toMatchObject({ ok: false, error: { code: 'empty' } });
  });

  it('labels every kind in Italian', () => {
    for (const kind of identityDocumentKinds) expect(identityDocumentLabels[kind]).toMatch(/\S/);
  });
});

describe('documentStatus', () => {
  const holder = { holderBirthDate: '1980-03-15' };
  const cie = { kind: 'cie' as const, issueDate: '2020-05-10', expiryDate: '2031-03-15' };

  it('is valid through its expiry day, expired the day after', () => {
    expect(documentStatus(cie, holder, '2031-03-15')).toMatchObject({ status: 'valid', warnings: [] });
    expect(documentStatus(cie, holder, '2031-03-16')).toMatchObject({ status: 'expired', reasons: [{ code: 'expired' }] });
  });

  it('is not yet valid when issued after today', () => {
    expect(documentStatus(cie, holder, '2020-05-09')).toMatchObject({
      status: 'not-yet-valid',
      reasons: [{ code: 'issue-date-in-future' }],
    });
  });

  it('refuses an expiry before issue', () => {
    expect(documentStatus({ ...cie, expiryDate: '2019-01-01' }, holder, '2026-01-01')).toMatchObject({
      status: 'not-accepted',
      reasons: [{ code: 'expiry-before-issue' }],
    });
  });

  it('does not accept a paper identity card from 2026-08-03, and the cut-off is configurable', () => {
    const paper = { kind: 'paper-id-card' as const, issueDate: '2018-01-10', expiryDate: '2029-03-15' };
    expect(documentStatus(paper, holder, '2026-08-02')).toMatchObject({ status: 'valid' });
    expect(documentStatus(paper, holder, '2026-08-03')).toMatchObject({
      status: 'not-accepted',
      reasons: [{ code: 'paper-id-card-withdrawn' }],
    });
    expect(documentStatus(paper, holder, '2026-08-03', { paperIdCardCutoff: '2027-01-01' })).toMatchObject({ status: 'valid' });
  });

  it('warns when an identity card issued from 2012-02-10 does not expire on the birthday', () => {
    expect(documentStatus({ ...cie, expiryDate: '2031-05-10' }, holder, '2026-01-01')).toMatchObject({
      status: 'valid',
      warnings: [{ code: 'expiry-not-on-birthday' }],
    });
    // Issued before the rule: no warning.
    expect(documentStatus({ kind: 'cie-2', issueDate: '2011-05-10', expiryDate: '2021-05-10' }, holder, '2020-01-01').warnings).toEqual([]);
    // Passports follow their own rule.
    expect(documentStatus({ kind: 'passport', issueDate: '2020-05-10', expiryDate: '2030-05-09' }, holder, '2026-01-01').warnings).toEqual(
      [],
    );
  });

  it('asks for an expiry date except for documents without one', () => {
    expect(documentStatus({ kind: 'cie', issueDate: '2020-05-10' }, holder, '2026-01-01')).toMatchObject({
      status: 'not-accepted',
      reasons: [{ code: 'expiry-missing' }],
    });
    expect(documentStatus({ kind: 'pension-book', issueDate: '2020-05-10' }, holder, '2026-01-01')).toMatchObject({ status: 'valid' });
  });

  it('refuses impossible dates', () => {
    expect(documentStatus({ ...cie, issueDate: '2020-02-30' }, holder, '2026-01-01')).toMatchObject({
      status: 'not-accepted',
      reasons: [{ code: 'invalid-date' }],
    });
  });

  it('matches a 29 February birthday with 28 February or 1 March', () => {
    expect(expiresOnBirthday('2031-02-28', '2000-02-29')).toBe(true);
    expect(expiresOnBirthday('2031-03-01', '2000-02-29')).toBe(true);
    expect(expiresOnBirthday('2032-02-29', '2000-02-29')).toBe(true);
    expect(expiresOnBirthday('2031-03-02', '2000-02-29')).toBe(false);
  });
});
