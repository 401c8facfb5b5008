import { describe, expect, it } from 'vitest';
import { omocodeVariant } from '../../../shared/domain/fiscal-code';
import { refusalReasonCodes, refusalReasonTexts, suggestedRefusalReasons } from '../../../shared/domain/refusal-reasons';
import { evaluateIdentification, type IdentificationInput } from '../../../shared/domain/identification';
import { createRandom, syntheticHealthCardNumber, syntheticIdentityCard, syntheticPerson } from '../../../shared/domain/synthetic-people';

const on = '2026-11-22';

function scenario(seed = 11): IdentificationInput {
  const random = createRandom(seed);
  const applicant = syntheticPerson(random, { foreignShare: 0, omocodeShare: 0 });
  const document = syntheticIdentityCard(random, applicant, on);
  return {
    request: {
      status: 'awaiting-identification',
      identificationRequired: true,
      applicant: { ...applicant },
      declaredDocument: { ...document },
    },
    presenter: 'applicant',
    document: { ...document },
    fiscalCodeCard: {
      kind: 'health-card',
      fiscalCode: applicant.fiscalCode,
      cardNumber: syntheticHealthCardNumber(random),
      expiryDate: '2029-01-01',
    },
    delegate: null,
    ticks: { moduleSigned: true, photocopiesCollected: true },
    on,
  };
}

function delegateScenario(): IdentificationInput {
  const base = scenario(12);
  const random = createRandom(99);
  const delegate = syntheticPerson(random, { omocodeShare: 0 });
  return {
    ...base,
    presenter: 'delegate',
    delegate: { ...delegate, document: syntheticIdentityCard(random, delegate, on) },
    ticks: { moduleSigned: true, photocopiesCollected: true, delegationFormSigned: true, delegatePhotocopiesCollected: true },
  };
}

const codes = (input: IdentificationInput) => {
  const result = evaluateIdentification(input);
  return { blocking: result.blocking.map((f) => f.code), warnings: result.warnings.map((f) => f.code), canConfirm: result.canConfirm };
};

describe('refusal reasons', () => {
  it('suggests only reasons the checks saw evidence for: an expired document, never an instruction (card unread, papers unticked)', () => {
    const input = scenario();
    input.document = { ...input.document!, expiryDate: '2026-11-01' };
    input.fiscalCodeCard = null;
    input.ticks = { moduleSigned: false, photocopiesCollected: false };
    const assessment = evaluateIdentification(input);
    expect(assessment.blocking.map((finding) => finding.code)).toEqual(
      expect.arrayContaining(['document-expired', 'fiscal-code-card-missing', 'module-not-signed', 'photocopies-missing']),
    );
    const suggested = suggestedRefusalReasons(assessment);
    expect([...suggested.keys()]).toEqual(['document-invalid']);
    expect(suggested.get('document-invalid')!.map((finding) => finding.code)).toEqual(['document-expired']);
  });

  it('has a text for every reason in the catalogue, and one for a person who does not match the photo', () => {
    for (const code of refusalReasonCodes) expect(refusalReasonTexts[code].length).toBeGreaterThan(10);
    expect(refusalReasonTexts['photo-mismatch']).toContain('fotografia');
  });
});

describe('evaluateIdentification', () => {
  it('lets a complete, consistent identification be confirmed', () => {
    expect(codes(scenario())).toEqual({ blocking: [], warnings: [], canConfirm: true });
    expect(codes(delegateScenario())).toEqual({ blocking: [], warnings: [], canConfirm: true });
  });

  it.each([
    ['awaiting-code-confirmation', 'request-code-not-confirmed'],
    ['enabled', 'request-already-enabled'],
    ['annulled', 'request-annulled'],
    ['expired', 'request-expired'],
  ] as const)('blocks a request with status %s (%s)', (status, code) => {
    const input = scenario();
    input.request.status = status;
    expect(codes(input)).toMatchObject({ blocking: [code], canConfirm: false });
  });

  it('blocks when identification is not required', () => {
    const input = scenario();
    input.request.identificationRequired = false;
    expect(codes(input).blocking).toEqual(['identification-not-required']);
  });

  it('blocks an expired document, a different kind or number, and names the step and field', () => {
    const expired = scenario();
    expired.document = { ...expired.document!, expiryDate: '2026-11-21' };
    expired.request.declaredDocument.expiryDate = '2026-11-21';
    const result = evaluateIdentification(expired);
    expect(result.blocking).toEqual([expect.objectContaining({ code: 'document-expired', step: 'document', field: 'expiryDate' })]);
    expect(result.blocking[0]!.message).toMatch(/scaduto il 21\/11\/2026/);

    const otherNumber = scenario();
    otherNumber.document = { ...otherNumber.document!, number: 'CZ99999ZZ' };
    expect(codes(otherNumber).blocking).toEqual(['document-number-mismatch']);

    const otherKind = scenario();
    otherKind.document = { ...otherKind.document!, kind: 'passport', number: 'YA1234567' };
    expect(codes(otherKind).blocking).toEqual(['document-kind-mismatch', 'document-number-mismatch']);
  });

  it('warns (needs acknowledgement) for a different issuer or issue date, and the birthday rule', () => {
    const input = scenario();
    input.document = { ...input.document!, issuer: 'Comune di Altrove', issueDate: '2020-01-02', expiryDate: '2030-06-30' };
    input.request.declaredDocument.expiryDate = null;
    expect(codes(input)).toEqual({
      blocking: [],
      warnings: ['document-expiry-not-on-birthday', 'document-issuer-differs', 'document-issue-date-differs'],
      canConfirm: true,
    });
  });

  it('treats issuer spelling differences of case and spaces as equal', () => {
    const input = scenario();
    input.document = { ...input.document!, issuer: `  ${input.document!.issuer.toUpperCase()} ` };
    expect(codes(input).warnings).toEqual([]);
  });

  it('blocks a fiscal-code card that differs from the request, and one carrying an omocode variant of it (another person’s code)', () => {
    const input = scenario();
    input.fiscalCodeCard = { ...input.fiscalCodeCard!, fiscalCode: 'RSSMRA80A01H501U' };
    expect(codes(input).blocking).toEqual(['fiscal-code-card-mismatch']);
    const omocode = scenario();
    const variant = omocodeVariant(omocode.request.applicant.fiscalCode, 2);
    omocode.fiscalCodeCard = { ...omocode.fiscalCodeCard!, fiscalCode: `*${variant}*` };
    const blocked = evaluateIdentification(omocode).blocking;
    expect(blocked.map((finding) => finding.code)).toEqual(['fiscal-code-card-omocode-variant']);
    expect(blocked[0]!.message).toContain(`${variant}, una variante per omocodia`);
    expect(blocked[0]!.message).toContain('appartiene a un’altra persona');
    const exact = scenario();
    exact.fiscalCodeCard = { ...exact.fiscalCodeCard!, fiscalCode: `*${exact.request.applicant.fiscalCode}*` };
    expect(codes(exact).blocking).toEqual([]);
    const missing = scenario();
    missing.fiscalCodeCard = null;
    expect(codes(missing).blocking).toEqual(['fiscal-code-card-missing']);
  });

  it('takes a delegate for the applicant only when their code is exactly the applicant’s', () => {
    const same = delegateScenario();
    const applicant = same.request.applicant;
    same.delegate = { ...same.delegate!, ...applicant };
    expect(codes(same).blocking).toContain('delegate-is-applicant');
    const variant = delegateScenario();
    const omocode = omocodeVariant(variant.request.applicant.fiscalCode, 1);
    variant.delegate = { ...variant.delegate!, ...variant.request.applicant, fiscalCode: omocode };
    expect(codes(variant).blocking).not.toContain('delegate-is-applicant');
  });

  it('blocks when the request’s fiscal code disagrees with its personal data', () => {
    const input = scenario();
    input.request.applicant.name = 'Zebedeo';
    expect(codes(input).blocking).toEqual(['fiscal-code-data-mismatch']);
  });

  it('blocks without signature or photocopies', () => {
    const input = scenario();
    input.ticks = { moduleSigned: false, photocopiesCollected: false };
    const result = evaluateIdentification(input);
    expect(result.blocking.map((f) => [f.code, f.step])).toEqual([
      ['module-not-signed', 'papers'],
      ['photocopies-missing', 'papers'],
    ]);
  });

  it('with a delegate: form, copies, the delegate’s own document and code are checked, and the delegate is not the applicant', () => {
    const noForm = delegateScenario();
    noForm.ticks = { ...noForm.ticks, delegationFormSigned: false, delegatePhotocopiesCollected: false };
    expect(codes(noForm).blocking).toEqual(['delegation-form-missing', 'delegate-photocopies-missing']);
    // The delega is the delegate's step; every photocopy is collected with the papers, at the end (#17, item 3).
    expect(evaluateIdentification(noForm).blocking.map((f) => [f.code, f.step])).toEqual([
      ['delegation-form-missing', 'delegate'],
      ['delegate-photocopies-missing', 'papers'],
    ]);

    const expired = delegateScenario();
    expired.delegate!.document = { ...expired.delegate!.document!, expiryDate: '2025-01-01' };
    expect(codes(expired).blocking).toEqual(['delegate-document-expired']);

    const badCode = delegateScenario();
    badCode.delegate!.fiscalCode = 'RSSMRA80A01H501X';
    expect(codes(badCode).blocking).toEqual(['delegate-fiscal-code-invalid']);

    const self = delegateScenario();
    self.delegate = { ...self.request.applicant, document: self.document };
    expect(codes(self).blocking).toEqual(['delegate-is-applicant']);

    const none = delegateScenario();
    none.delegate = null;
    expect(codes(none).blocking).toEqual(['delegate-missing']);
  });

  it('gives every finding an Italian message', () => {
    const input = scenario();
    input.request.status = 'annulled';
    input.ticks = { moduleSigned: false, photocopiesCollected: false };
    for (const finding of evaluateIdentification(input).blocking) expect(finding.message).toMatch(/[a-zà-ù]{3,}/);
  });
});
