import type { IsoDate } from './dates';
import type { Message } from '../i18n/messages';
import { fiscalCodeMismatches, parseFiscalCode, type Sex } from './fiscal-code';
import { readFiscalCodeBarcode, validateHealthCardNumber } from './health-card';
import {
  documentStatus,
  normalizeDocumentNumber,
  validateDocumentNumber,
  type DocumentStatusOptions,
  type IdentityDocumentKind,
} from './identity-document';
import { domainError, type Finding } from './result';

/**
 * The heart of the desk: given everything the staff member has seen and ticked, which
 * problems block the confirmation and which warnings need an explicit acknowledgement.
 * Pure: "today" (`on`) is passed in; expiry of the request itself is the central
 * service's business (its `status`), never decided by the device clock.
 */

export const wizardSteps = ['request', 'presenter', 'document', 'fiscal-code-card', 'delegate', 'papers'] as const;
export type WizardStep = (typeof wizardSteps)[number];

export type EnablementRequestStatus = 'awaiting-code-confirmation' | 'awaiting-identification' | 'enabled' | 'annulled' | 'expired';

export interface PersonData {
  fiscalCode: string;
  surname: string;
  name: string;
  sex: Sex;
  birthDate: IsoDate;
  birthPlaceCode: string;
}

export interface IdentityDocumentData {
  kind: IdentityDocumentKind;
  number: string;
  issuer: string;
  issueDate: IsoDate;
  expiryDate?: IsoDate | null;
}

export interface RequestForIdentification {
  status: EnablementRequestStatus;
  identificationRequired: boolean;
  applicant: PersonData;
  declaredDocument: IdentityDocumentData;
}

export type FiscalCodeCardKind = 'health-card' | 'fiscal-code-card';

export interface FiscalCodeCardData {
  kind: FiscalCodeCardKind;
  /** As scanned from the barcode or typed. */
  fiscalCode: string;
  /** Tessera sanitaria number, when typed (optional). */
  cardNumber?: string | null;
  expiryDate?: IsoDate | null;
}

export interface DelegateData extends PersonData {
  document: IdentityDocumentData | null;
}

export interface OperatorTicks {
  /** Applicant at the desk: signed in my presence. Delegate: brought signed by the applicant. */
  moduleSigned: boolean;
  /** Front/back copies of the applicant's identity document and fiscal-code card. */
  photocopiesCollected: boolean;
  /** Delegate only: the modulo di delega, signed by the applicant. */
  delegationFormSigned?: boolean;
  /** Delegate only: front/back copies of the delegate's own documents. */
  delegatePhotocopiesCollected?: boolean;
}

export type Presenter = 'applicant' | 'delegate';

export interface IdentificationInput {
  request: RequestForIdentification;
  presenter: Presenter;
  /** The applicant's identity document (seen in person, or as the delegate's photocopy). */
  document: IdentityDocumentData | null;
  fiscalCodeCard: FiscalCodeCardData | null;
  delegate: DelegateData | null;
  ticks: OperatorTicks;
  on: IsoDate;
  documentOptions?: DocumentStatusOptions;
}

export type IdentificationFindingCode =
  | 'request-code-not-confirmed'
  | 'request-already-enabled'
  | 'request-annulled'
  | 'request-expired'
  | 'identification-not-required'
  | 'request-fiscal-code-invalid'
  | 'fiscal-code-data-mismatch'
  | 'document-missing'
  | 'document-number-invalid'
  | 'document-expired'
  | 'document-not-yet-valid'
  | 'document-not-accepted'
  | 'document-kind-mismatch'
  | 'document-number-mismatch'
  | 'document-issuer-differs'
  | 'document-issue-date-differs'
  | 'document-expiry-date-differs'
  | 'document-expiry-not-on-birthday'
  | 'fiscal-code-card-missing'
  | 'fiscal-code-card-invalid'
  | 'fiscal-code-card-mismatch'
  | 'fiscal-code-card-omocode-variant'
  | 'health-card-number-invalid'
  | 'fiscal-code-card-expired'
  | 'delegate-missing'
  | 'delegate-fiscal-code-invalid'
  | 'delegate-fiscal-code-data-mismatch'
  | 'delegate-is-applicant'
  | 'delegate-document-missing'
  | 'delegate-document-number-invalid'
  | 'delegate-document-expired'
  | 'delegate-document-not-yet-valid'
  | 'delegate-document-not-accepted'
  | 'delegate-document-expiry-not-on-birthday'
  | 'delegation-form-missing'
  | 'delegate-photocopies-missing'
  | 'module-not-signed'
  | 'photocopies-missing';

export type IdentificationFinding = Finding<IdentificationFindingCode, WizardStep>;

export interface IdentificationAssessment {
  blocking: IdentificationFinding[];
  warnings: IdentificationFinding[];
  canConfirm: boolean;
}

const requestStatusFindings: Record<
  Exclude<EnablementRequestStatus, 'awaiting-identification'>,
  { code: IdentificationFindingCode; text: Message }
> = {
  'awaiting-code-confirmation': { code: 'request-code-not-confirmed', text: { key: 'check.request-code-not-confirmed' } },
  enabled: { code: 'request-already-enabled', text: { key: 'check.request-already-enabled' } },
  annulled: { code: 'request-annulled', text: { key: 'check.request-annulled' } },
  expired: { code: 'request-expired', text: { key: 'check.request-expired' } },
};

function finding(code: IdentificationFindingCode, text: Message, step: WizardStep, field?: string): IdentificationFinding {
  return field ? { ...domainError(code, text), step, field } : { ...domainError(code, text), step };
}

const normalizeText = (text: string) => text.trim().replace(/\s+/g, ' ').toLocaleLowerCase('it');

function checkDocument(
  document: IdentityDocumentData,
  holderBirthDate: IsoDate,
  on: IsoDate,
  options: DocumentStatusOptions | undefined,
  prefix: '' | 'delegate-',
  step: WizardStep,
  blocking: IdentificationFinding[],
  warnings: IdentificationFinding[],
): boolean {
  const problem = (reason: Message): Message => ({ key: 'check.document-problem', params: { delegate: prefix !== '', reason } });
  const number = validateDocumentNumber(document.kind, document.number);
  if (!number.ok) {
    blocking.push(finding(`${prefix}document-number-invalid`, problem(number.error.text), step, 'number'));
  }
  const status = documentStatus(document, { holderBirthDate }, on, options);
  const reason = status.reasons[0];
  if (status.status !== 'valid' && reason) {
    const field = reason.code === 'issue-date-in-future' ? 'issueDate' : 'expiryDate';
    blocking.push(finding(`${prefix}document-${status.status}`, problem(reason.text), step, field));
  }
  for (const warning of status.warnings) {
    warnings.push(finding(`${prefix}document-expiry-not-on-birthday`, problem(warning.text), step, 'expiryDate'));
  }
  return number.ok;
}

export function evaluateIdentification(input: IdentificationInput): IdentificationAssessment {
  const blocking: IdentificationFinding[] = [];
  const warnings: IdentificationFinding[] = [];
  const { request, on } = input;
  const applicant = request.applicant;

  // 1. The request exists and is ready.
  if (request.status !== 'awaiting-identification') {
    const status = requestStatusFindings[request.status];
    blocking.push(finding(status.code, status.text, 'request'));
  }
  if (!request.identificationRequired) {
    blocking.push(finding('identification-not-required', { key: 'check.identification-not-required' }, 'request'));
  }
  // 4. Consistency of the request's own fiscal code with its personal data.
  const applicantCode = parseFiscalCode(applicant.fiscalCode, { on });
  if (!applicantCode.ok) {
    const text: Message = { key: 'check.request-fiscal-code-invalid', params: { reason: applicantCode.error.text } };
    blocking.push(finding('request-fiscal-code-invalid', text, 'request'));
  } else {
    const mismatches = fiscalCodeMismatches(applicant.fiscalCode, applicant);
    if (mismatches.length > 0) {
      blocking.push(
        finding('fiscal-code-data-mismatch', { key: 'check.fiscal-code-data-mismatch', params: { fields: mismatches } }, 'request'),
      );
    }
  }

  // 2. The identity document: valid, and the one declared in the request.
  if (!input.document) {
    blocking.push(finding('document-missing', { key: 'check.document-missing' }, 'document'));
  } else {
    const presented = input.document;
    const declared = request.declaredDocument;
    const numberOk = checkDocument(presented, applicant.birthDate, on, input.documentOptions, '', 'document', blocking, warnings);
    if (presented.kind !== declared.kind) {
      const text: Message = { key: 'check.document-kind-mismatch', params: { presented: presented.kind, declared: declared.kind } };
      blocking.push(finding('document-kind-mismatch', text, 'document', 'kind'));
    }
    if (numberOk && normalizeDocumentNumber(presented.number) !== normalizeDocumentNumber(declared.number)) {
      const numbers = { presented: normalizeDocumentNumber(presented.number), declared: normalizeDocumentNumber(declared.number) };
      blocking.push(finding('document-number-mismatch', { key: 'check.document-number-mismatch', params: numbers }, 'document', 'number'));
    }
    if (normalizeText(presented.issuer) !== normalizeText(declared.issuer)) {
      warnings.push(finding('document-issuer-differs', { key: 'check.document-issuer-differs' }, 'document', 'issuer'));
    }
    if (presented.issueDate !== declared.issueDate) {
      warnings.push(finding('document-issue-date-differs', { key: 'check.document-issue-date-differs' }, 'document', 'issueDate'));
    }
    if (declared.expiryDate && presented.expiryDate && presented.expiryDate !== declared.expiryDate) {
      warnings.push(finding('document-expiry-date-differs', { key: 'check.document-expiry-date-differs' }, 'document', 'expiryDate'));
    }
  }

  // 3. The fiscal-code card carries the request's code.
  const card = input.fiscalCodeCard;
  if (!card || card.fiscalCode.trim() === '') {
    blocking.push(finding('fiscal-code-card-missing', { key: 'check.fiscal-code-card-missing' }, 'fiscal-code-card', 'fiscalCode'));
  } else {
    const read = readFiscalCodeBarcode(card.fiscalCode, { on });
    if (!read.ok) {
      const text: Message = { key: 'check.fiscal-code-card-invalid', params: { reason: read.error.text } };
      blocking.push(finding('fiscal-code-card-invalid', text, 'fiscal-code-card', 'fiscalCode'));
    } else if (applicantCode.ok && read.value.code !== applicantCode.value.code) {
      // DM 23/12/1976: an omocode variant is the code the Agenzia delle Entrate gives to
      // *another* person whose data yield the same code. The card must carry exactly the request's.
      const variant = read.value.canonical === applicantCode.value.canonical;
      const codes = { card: read.value.code, request: applicantCode.value.code };
      const text: Message = variant
        ? { key: 'check.fiscal-code-card-omocode-variant', params: codes }
        : { key: 'check.fiscal-code-card-mismatch', params: codes };
      blocking.push(
        finding(variant ? 'fiscal-code-card-omocode-variant' : 'fiscal-code-card-mismatch', text, 'fiscal-code-card', 'fiscalCode'),
      );
    }
    if (card.kind === 'health-card' && card.cardNumber) {
      const number = validateHealthCardNumber(card.cardNumber);
      if (!number.ok) blocking.push(finding('health-card-number-invalid', number.error.text, 'fiscal-code-card', 'cardNumber'));
    }
    if (card.expiryDate && card.expiryDate < on) {
      warnings.push(finding('fiscal-code-card-expired', { key: 'check.fiscal-code-card-expired' }, 'fiscal-code-card', 'expiryDate'));
    }
  }

  // 6. The delegate branch.
  if (input.presenter === 'delegate') {
    const delegate = input.delegate;
    if (!delegate) {
      blocking.push(finding('delegate-missing', { key: 'check.delegate-missing' }, 'delegate'));
    } else {
      const delegateCode = parseFiscalCode(delegate.fiscalCode, { on });
      if (!delegateCode.ok) {
        const text: Message = { key: 'check.delegate-fiscal-code-invalid', params: { reason: delegateCode.error.text } };
        blocking.push(finding('delegate-fiscal-code-invalid', text, 'delegate', 'fiscalCode'));
      } else {
        const mismatches = fiscalCodeMismatches(delegate.fiscalCode, delegate);
        if (mismatches.length > 0) {
          const text: Message = { key: 'check.delegate-fiscal-code-data-mismatch', params: { fields: mismatches } };
          blocking.push(finding('delegate-fiscal-code-data-mismatch', text, 'delegate', 'fiscalCode'));
        }
        // Only the very same code is the applicant: an omocode variant is another person.
        if (applicantCode.ok && delegateCode.value.code === applicantCode.value.code) {
          blocking.push(finding('delegate-is-applicant', { key: 'check.delegate-is-applicant' }, 'delegate', 'fiscalCode'));
        }
      }
      if (!delegate.document) {
        blocking.push(finding('delegate-document-missing', { key: 'check.delegate-document-missing' }, 'delegate', 'kind'));
      } else {
        checkDocument(delegate.document, delegate.birthDate, on, input.documentOptions, 'delegate-', 'delegate', blocking, warnings);
      }
    }
    if (!input.ticks.delegationFormSigned) {
      blocking.push(finding('delegation-form-missing', { key: 'check.delegation-form-missing' }, 'delegate', 'delegationFormSigned'));
    }
    if (!input.ticks.delegatePhotocopiesCollected) {
      const text: Message = { key: 'check.delegate-photocopies-missing' };
      blocking.push(finding('delegate-photocopies-missing', text, 'papers', 'delegatePhotocopiesCollected'));
    }
  }

  // 5. Papers.
  if (!input.ticks.moduleSigned) {
    const text: Message = { key: input.presenter === 'applicant' ? 'check.module-not-signed' : 'check.module-not-signed-delegate' };
    blocking.push(finding('module-not-signed', text, 'papers', 'moduleSigned'));
  }
  if (!input.ticks.photocopiesCollected) {
    blocking.push(finding('photocopies-missing', { key: 'check.photocopies-missing' }, 'papers', 'photocopiesCollected'));
  }

  return { blocking, warnings, canConfirm: blocking.length === 0 };
}

/** The wizard's draft as the operator leaves it: a document still without its issue date is not a document yet. */
export type IdentificationDraftData = Omit<IdentificationInput, 'request' | 'on' | 'documentOptions'>;

/** A document the operator has dated, or null (an empty issue date means "not entered yet"). */
export function enteredDocument<T extends IdentityDocumentData>(document: T | null | undefined): T | null {
  return document && document.issueDate ? document : null;
}

/**
 * Assesses the wizard's draft: the one reading both the renderer (to guide the operator)
 * and the core (to decide) apply, so their findings, and refusal reasons, are the same.
 */
export function assessDraft(request: RequestForIdentification, draft: IdentificationDraftData, on: IsoDate): IdentificationAssessment {
  return evaluateIdentification({
    request,
    presenter: draft.presenter,
    document: enteredDocument(draft.document),
    fiscalCodeCard: draft.fiscalCodeCard,
    delegate: draft.delegate ? { ...draft.delegate, document: enteredDocument(draft.delegate.document) } : null,
    ticks: draft.ticks,
    on,
  });
}
