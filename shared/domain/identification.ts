import type { IsoDate } from './dates';
import { fiscalCodeFieldLabels, fiscalCodeMismatches, parseFiscalCode, type Sex } from './fiscal-code';
import { readFiscalCodeBarcode, validateHealthCardNumber } from './health-card';
import {
  documentStatus,
  identityDocumentLabels,
  normalizeDocumentNumber,
  validateDocumentNumber,
  type DocumentStatusOptions,
  type IdentityDocumentKind,
} from './identity-document';
import type { Finding } from './result';

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
  { code: IdentificationFindingCode; message: string }
> = {
  'awaiting-code-confirmation': {
    code: 'request-code-not-confirmed',
    message: 'Il richiedente deve prima confermare online il codice personale temporaneo ricevuto per email.',
  },
  enabled: { code: 'request-already-enabled', message: 'Il richiedente risulta già abilitato.' },
  annulled: { code: 'request-annulled', message: 'La richiesta di abilitazione è stata annullata.' },
  expired: { code: 'request-expired', message: 'La richiesta di abilitazione è scaduta: il richiedente deve presentarne una nuova.' },
};

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
  const who = prefix ? ' del delegato' : '';
  const number = validateDocumentNumber(document.kind, document.number);
  if (!number.ok) {
    blocking.push({
      code: `${prefix}document-number-invalid` as IdentificationFindingCode,
      message: `Documento${who}: ${number.error.message}`,
      step,
      field: 'number',
    });
  }
  const status = documentStatus(document, { holderBirthDate }, on, options);
  if (status.status !== 'valid') {
    const code = `${prefix}document-${status.status}` as IdentificationFindingCode;
    const reason = status.reasons[0]?.message ?? '';
    blocking.push({
      code,
      message: `Documento${who}: ${reason}`,
      step,
      field: status.reasons[0]?.code === 'issue-date-in-future' ? 'issueDate' : 'expiryDate',
    });
  }
  for (const warning of status.warnings) {
    warnings.push({
      code: `${prefix}document-expiry-not-on-birthday` as IdentificationFindingCode,
      message: `Documento${who}: ${warning.message}`,
      step,
      field: 'expiryDate',
    });
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
    const finding = requestStatusFindings[request.status];
    blocking.push({ ...finding, step: 'request' });
  }
  if (!request.identificationRequired) {
    blocking.push({
      code: 'identification-not-required',
      message: "Per questa richiesta l'identificazione in presenza non è necessaria (ad esempio accesso con SPID).",
      step: 'request',
    });
  }
  // 4. Consistency of the request's own fiscal code with its personal data.
  const applicantCode = parseFiscalCode(applicant.fiscalCode, { on });
  if (!applicantCode.ok) {
    blocking.push({
      code: 'request-fiscal-code-invalid',
      message: `Codice fiscale della richiesta: ${applicantCode.error.message}`,
      step: 'request',
    });
  } else {
    const mismatches = fiscalCodeMismatches(applicant.fiscalCode, applicant);
    if (mismatches.length > 0) {
      blocking.push({
        code: 'fiscal-code-data-mismatch',
        message: `Il codice fiscale non corrisponde ai dati anagrafici della richiesta (${mismatches.map((field) => fiscalCodeFieldLabels[field]).join(', ')}).`,
        step: 'request',
      });
    }
  }

  // 2. The identity document: valid, and the one declared in the request.
  if (!input.document) {
    blocking.push({ code: 'document-missing', message: 'Inserire i dati del documento di riconoscimento presentato.', step: 'document' });
  } else {
    const presented = input.document;
    const declared = request.declaredDocument;
    const numberOk = checkDocument(presented, applicant.birthDate, on, input.documentOptions, '', 'document', blocking, warnings);
    if (presented.kind !== declared.kind) {
      blocking.push({
        code: 'document-kind-mismatch',
        message: `Il documento presentato (${identityDocumentLabels[presented.kind]}) non è quello dichiarato nella richiesta (${identityDocumentLabels[declared.kind]}).`,
        step: 'document',
        field: 'kind',
      });
    }
    if (numberOk && normalizeDocumentNumber(presented.number) !== normalizeDocumentNumber(declared.number)) {
      blocking.push({
        code: 'document-number-mismatch',
        message: `Il numero del documento presentato (${normalizeDocumentNumber(presented.number)}) è diverso da quello dichiarato (${normalizeDocumentNumber(declared.number)}).`,
        step: 'document',
        field: 'number',
      });
    }
    if (normalizeText(presented.issuer) !== normalizeText(declared.issuer)) {
      warnings.push({
        code: 'document-issuer-differs',
        message: "L'ente di rilascio è diverso da quello dichiarato nella richiesta.",
        step: 'document',
        field: 'issuer',
      });
    }
    if (presented.issueDate !== declared.issueDate) {
      warnings.push({
        code: 'document-issue-date-differs',
        message: 'La data di rilascio è diversa da quella dichiarata nella richiesta.',
        step: 'document',
        field: 'issueDate',
      });
    }
    if (declared.expiryDate && presented.expiryDate && presented.expiryDate !== declared.expiryDate) {
      warnings.push({
        code: 'document-expiry-date-differs',
        message: 'La data di scadenza è diversa da quella dichiarata nella richiesta.',
        step: 'document',
        field: 'expiryDate',
      });
    }
  }

  // 3. The fiscal-code card carries the request's code.
  const card = input.fiscalCodeCard;
  if (!card || card.fiscalCode.trim() === '') {
    blocking.push({
      code: 'fiscal-code-card-missing',
      message: 'Leggere o inserire il codice fiscale dalla tessera sanitaria o dal tesserino.',
      step: 'fiscal-code-card',
      field: 'fiscalCode',
    });
  } else {
    const read = readFiscalCodeBarcode(card.fiscalCode, { on });
    if (!read.ok) {
      blocking.push({
        code: 'fiscal-code-card-invalid',
        message: `Codice fiscale della tessera: ${read.error.message}`,
        step: 'fiscal-code-card',
        field: 'fiscalCode',
      });
    } else if (applicantCode.ok && read.value.code !== applicantCode.value.code) {
      // DM 23/12/1976: an omocode variant is the code the Agenzia delle Entrate gives to
      // *another* person whose data yield the same code. The card must carry exactly the request's.
      const variant = read.value.canonical === applicantCode.value.canonical;
      blocking.push({
        code: variant ? 'fiscal-code-card-omocode-variant' : 'fiscal-code-card-mismatch',
        message: variant
          ? `La tessera riporta il codice ${read.value.code}, una variante per omocodia di quello della richiesta (${applicantCode.value.code}): appartiene a un’altra persona, non al richiedente.`
          : `Il codice fiscale della tessera (${read.value.code}) è diverso da quello della richiesta (${applicantCode.value.code}).`,
        step: 'fiscal-code-card',
        field: 'fiscalCode',
      });
    }
    if (card.kind === 'health-card' && card.cardNumber) {
      const number = validateHealthCardNumber(card.cardNumber);
      if (!number.ok)
        blocking.push({ code: 'health-card-number-invalid', message: number.error.message, step: 'fiscal-code-card', field: 'cardNumber' });
    }
    if (card.expiryDate && card.expiryDate < on) {
      warnings.push({
        code: 'fiscal-code-card-expired',
        message: 'La tessera è scaduta: il codice fiscale resta leggibile, ma annotarlo.',
        step: 'fiscal-code-card',
        field: 'expiryDate',
      });
    }
  }

  // 6. The delegate branch.
  if (input.presenter === 'delegate') {
    const delegate = input.delegate;
    if (!delegate) {
      blocking.push({ code: 'delegate-missing', message: 'Inserire i dati del delegato.', step: 'delegate' });
    } else {
      const delegateCode = parseFiscalCode(delegate.fiscalCode, { on });
      if (!delegateCode.ok) {
        blocking.push({
          code: 'delegate-fiscal-code-invalid',
          message: `Codice fiscale del delegato: ${delegateCode.error.message}`,
          step: 'delegate',
          field: 'fiscalCode',
        });
      } else {
        const mismatches = fiscalCodeMismatches(delegate.fiscalCode, delegate);
        if (mismatches.length > 0) {
          blocking.push({
            code: 'delegate-fiscal-code-data-mismatch',
            message: `Il codice fiscale del delegato non corrisponde ai suoi dati (${mismatches.map((field) => fiscalCodeFieldLabels[field]).join(', ')}).`,
            step: 'delegate',
            field: 'fiscalCode',
          });
        }
        // Only the very same code is the applicant: an omocode variant is another person.
        if (applicantCode.ok && delegateCode.value.code === applicantCode.value.code) {
          blocking.push({
            code: 'delegate-is-applicant',
            message: 'Il delegato non può essere il richiedente stesso.',
            step: 'delegate',
            field: 'fiscalCode',
          });
        }
      }
      if (!delegate.document) {
        blocking.push({
          code: 'delegate-document-missing',
          message: 'Inserire i dati del documento di riconoscimento del delegato.',
          step: 'delegate',
          field: 'kind',
        });
      } else {
        checkDocument(delegate.document, delegate.birthDate, on, input.documentOptions, 'delegate-', 'delegate', blocking, warnings);
      }
    }
    if (!input.ticks.delegationFormSigned) {
      blocking.push({
        code: 'delegation-form-missing',
        message: 'Serve il modulo di delega firmato dal richiedente.',
        step: 'delegate',
        field: 'delegationFormSigned',
      });
    }
    if (!input.ticks.delegatePhotocopiesCollected) {
      blocking.push({
        code: 'delegate-photocopies-missing',
        message: 'Raccogliere le fotocopie (fronte e retro) del documento e del codice fiscale del delegato.',
        step: 'delegate',
        field: 'delegatePhotocopiesCollected',
      });
    }
  }

  // 5. Papers.
  if (!input.ticks.moduleSigned) {
    blocking.push({
      code: 'module-not-signed',
      message:
        input.presenter === 'applicant'
          ? 'Il modulo di adesione va firmato dal richiedente in presenza dell’operatore.'
          : 'Il delegato deve consegnare il modulo di adesione compilato e firmato dal richiedente.',
      step: 'papers',
      field: 'moduleSigned',
    });
  }
  if (!input.ticks.photocopiesCollected) {
    blocking.push({
      code: 'photocopies-missing',
      message: 'Raccogliere le fotocopie (fronte e retro) del documento di riconoscimento e del codice fiscale del richiedente.',
      step: 'papers',
      field: 'photocopiesCollected',
    });
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
