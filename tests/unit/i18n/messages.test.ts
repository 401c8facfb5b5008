import { beforeAll, describe, expect, it } from 'vitest';
import { italianMessages, wordMessage, type MessageCatalogue } from '../../../shared/i18n/messages';
import { parseFiscalCode } from '../../../shared/domain/fiscal-code';
import { evaluateIdentification } from '../../../shared/domain/identification';
import { documentStatus } from '../../../shared/domain/identity-document';
import { englishMessages } from '../../../src-renderer/i18n/messages-en';
import { adoptEnglishWords, sayIn } from '../../../src-renderer/i18n/words';
import { createRandom, syntheticIdentityCard, syntheticPerson } from '../../../shared/domain/synthetic-people';
import { italianFragments, messageKeys, wordedSamples } from '../../fixtures/message-samples';

const italian = italianMessages as MessageCatalogue;

// English loads when the page turns English (#20): until then, what the core said keeps its Italian words.
it('keeps the Italian words until the English catalogue has loaded', () => {
  const parsed = parseFiscalCode('RSSMRA80A01H501');
  expect(parsed.ok).toBe(false);
  if (parsed.ok) return;
  expect(sayIn('en', parsed.error)).toBe(parsed.error.message);
  adoptEnglishWords(englishMessages);
  expect(sayIn('en', parsed.error)).toBe('The fiscal code must have 16 characters. It has 15.');
});

describe('the message catalogues (#21: domain and service messages through the locale)', () => {
  beforeAll(() => adoptEnglishWords(englishMessages));
  it('word every message in Italian and in English, and the two differ', () => {
    const it_ = wordedSamples(italian);
    const en = wordedSamples(englishMessages);
    expect(Object.keys(englishMessages).sort()).toEqual([...messageKeys].sort());
    for (const key of it_.keys()) {
      const [italianWords, englishWords] = [it_.get(key), en.get(key)];
      expect(italianWords, key).toBeTruthy();
      expect(englishWords, key).toBeTruthy();
      expect(`${italianWords} ${englishWords}`, key).not.toMatch(/undefined|\[object|NaN/);
      expect(englishWords, key).not.toBe(italianWords);
    }
  });

  it('leaves no Italian words in the English catalogue', () => {
    const english = [...wordedSamples(englishMessages).values()].join('\n');
    const leaks = italianFragments().filter((fragment) => english.includes(fragment));
    expect(leaks).toEqual([]);
    // The check can fail: the Italian catalogue holds its own fragments.
    expect(italianFragments().length).toBeGreaterThan(100);
  });

  it('keeps the Italian words as they are (the receipt, the tests and the people at the desk know them)', () => {
    expect(Object.fromEntries(wordedSamples(italian))).toMatchSnapshot();
  });

  it('words a message and the one nested in it in the same language', () => {
    const nested = {
      key: 'check.document-problem',
      params: { delegate: true, reason: { key: 'document.expired', params: { expiryDate: '2020-01-02' } } },
    };
    expect(wordMessage(englishMessages, nested)).toBe('Delegate’s document: Document expired on 02/01/2020.');
    expect(wordMessage(italian, nested)).toBe('Documento del delegato: Documento scaduto il 02/01/2020.');

    const parsed = parseFiscalCode('RSSMRA80A01H501');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.message).toBe('Il codice fiscale deve avere 16 caratteri. Ne ha 15.');
    expect(sayIn('en', parsed.error)).toBe('The fiscal code must have 16 characters. It has 15.');
    expect(sayIn('it', parsed.error)).toBe(parsed.error.message);

    const status = documentStatus({ kind: 'cie', issueDate: '2010-01-01', expiryDate: '2020-01-02' }, {}, '2026-11-30');
    expect(sayIn('en', status.reasons[0]!)).toBe('Document expired on 02/01/2020.');
  });

  it('gives every finding of the checks words in English', () => {
    const on = '2026-11-30';
    const random = createRandom(5);
    const applicant = syntheticPerson(random, { foreignShare: 0, omocodeShare: 0 });
    const declared = syntheticIdentityCard(random, applicant, on);
    const delegate = syntheticPerson(random, { omocodeShare: 0 });
    const assessment = evaluateIdentification({
      request: {
        status: 'annulled',
        identificationRequired: false,
        applicant: { ...applicant, name: 'Altro' },
        declaredDocument: declared,
      },
      presenter: 'delegate',
      document: { ...declared, kind: 'passport', number: 'CA00000ZZ', issuer: 'Comune di Altrove', expiryDate: '2020-01-02' },
      fiscalCodeCard: { kind: 'health-card', fiscalCode: 'RSSMRA80A01H501X', cardNumber: '123', expiryDate: '2020-01-01' },
      delegate: { ...delegate, fiscalCode: applicant.fiscalCode, document: null },
      ticks: { moduleSigned: false, photocopiesCollected: false, delegationFormSigned: false, delegatePhotocopiesCollected: false },
      on,
    });
    const findings = [...assessment.blocking, ...assessment.warnings];
    expect(findings.length).toBeGreaterThan(6);
    for (const finding of findings) {
      const english = sayIn('en', finding);
      expect(english, finding.code).not.toBe(finding.message);
      expect(
        italianFragments().filter((fragment) => english.includes(fragment)),
        finding.code,
      ).toEqual([]);
    }
  });

  it('answers null for what it cannot word, and the page keeps the Italian words', () => {
    expect(wordMessage(englishMessages, { key: 'no.such-key' })).toBeNull();
    expect(wordMessage(englishMessages, { key: 'constructor' })).toBeNull();
    expect(wordMessage(englishMessages, { key: '__proto__' })).toBeNull();
    expect(wordMessage(englishMessages, { key: 'check.fiscal-code-data-mismatch', params: { fields: 'surname' } })).toBeNull();
    expect(
      wordMessage(englishMessages, { key: 'check.document-problem', params: { delegate: false, reason: { key: 'nope' } } }),
    ).toBeNull();
    expect(sayIn('en', { message: 'Parole italiane.', text: { key: 'no.such-key' } })).toBe('Parole italiane.');
    expect(sayIn('en', { message: 'Parole italiane.' })).toBe('Parole italiane.');
  });
});
