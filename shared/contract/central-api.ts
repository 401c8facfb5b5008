import { z } from 'zod';
import { identityDocumentKinds } from '../domain/identity-document';

/**
 * The central-service HTTP contract (JSON under /v1, bearer token after sign-in). Both
 * the app's sync engine and the reference central service (`central/`) use these
 * schemas; everything the network delivers is parsed with them before use.
 * Human-readable version: docs/central-api.md.
 */

const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true });
const nonEmpty = z.string().trim().min(1).max(200);

export const officeCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}[A-Z0-9]{8}$/, 'Codice meccanografico non valido (10 caratteri, es. BOIS01200X).');

export const operatorRoleSchema = z.enum(['office-admin', 'operator']);
export type OperatorRole = z.infer<typeof operatorRoleSchema>;

// --- POST /v1/sessions -----------------------------------------------------------

export const signInRequestSchema = z.object({
  officeCode: officeCodeSchema,
  username: nonEmpty,
  password: z.string().min(1).max(200),
  deviceId: z.uuid(),
});
export type SignInRequest = z.infer<typeof signInRequestSchema>;

export const operatorSchema = z.object({
  id: nonEmpty,
  displayName: nonEmpty,
  role: operatorRoleSchema,
});
export type Operator = z.infer<typeof operatorSchema>;

export const officeSchema = z.object({
  code: officeCodeSchema,
  name: nonEmpty,
  comune: nonEmpty,
});
export type Office = z.infer<typeof officeSchema>;

export const signInResponseSchema = z.object({
  token: z.string().min(20).max(500),
  expiresAt: isoDateTime,
  operator: operatorSchema,
  office: officeSchema,
});
export type SignInResponse = z.infer<typeof signInResponseSchema>;

// --- Enablement requests ----------------------------------------------------------

export const requestKindSchema = z.enum(['first-enablement', 're-enablement', 'unblock']);
export const requestStatusSchema = z.enum(['awaiting-code-confirmation', 'awaiting-identification', 'enabled', 'annulled', 'expired']);
export type RequestKind = z.infer<typeof requestKindSchema>;
export type RequestStatus = z.infer<typeof requestStatusSchema>;

export const sexSchema = z.enum(['M', 'F']);

export const applicantSchema = z.object({
  fiscalCode: z.string().regex(/^[A-Z0-9]{16}$/),
  surname: nonEmpty,
  name: nonEmpty,
  sex: sexSchema,
  birthDate: isoDate,
  birthPlaceCode: z.string().regex(/^[A-Z]\d{3}$/),
  email: z.string().max(254),
  mobile: z.string().max(40).nullable(),
  homePhone: z.string().max(40).nullable(),
  domicile: z.object({
    address: z.string().max(300),
    comune: z.string().max(200),
    province: z.string().max(2),
  }),
});
export type Applicant = z.infer<typeof applicantSchema>;

export const identityDocumentKindSchema = z.enum(identityDocumentKinds);

export const declaredDocumentSchema = z.object({
  kind: identityDocumentKindSchema,
  number: z.string().min(1).max(40),
  issuer: z.string().max(200),
  issueDate: isoDate,
  expiryDate: isoDate.nullable(),
});
export type DeclaredDocument = z.infer<typeof declaredDocumentSchema>;

export const enablementRequestSchema = z.object({
  id: z.string().min(1).max(64),
  version: z.number().int().nonnegative(),
  kind: requestKindSchema,
  status: requestStatusSchema,
  identificationRequired: z.boolean(),
  applicant: applicantSchema,
  declaredDocument: declaredDocumentSchema,
  createdAt: isoDateTime,
  expiresAt: isoDateTime,
  updatedAt: isoDateTime,
  /** Set when status is `enabled`. */
  enabledAt: isoDateTime.nullable(),
});
export type EnablementRequest = z.infer<typeof enablementRequestSchema>;

// GET /v1/enablement-requests/changes?cursor=&limit=
export const changesQuerySchema = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
export const changesResponseSchema = z.object({
  items: z.array(enablementRequestSchema),
  nextCursor: z.string().min(1).max(200),
  hasMore: z.boolean(),
  serverTime: isoDateTime,
});
export type ChangesResponse = z.infer<typeof changesResponseSchema>;

// GET /v1/enablement-requests?fiscalCode=
export const lookupQuerySchema = z.object({ fiscalCode: z.string().regex(/^[A-Z0-9]{16}$/) });
export const lookupResponseSchema = z.object({ items: z.array(enablementRequestSchema), serverTime: isoDateTime });
export type LookupResponse = z.infer<typeof lookupResponseSchema>;

// --- POST /v1/identifications (Idempotency-Key: <uuid>) ------------------------------

export const presentedDocumentSchema = declaredDocumentSchema.extend({
  holder: z.enum(['applicant', 'delegate']),
});
export type PresentedDocument = z.infer<typeof presentedDocumentSchema>;

/** The delegate: the applicant's personal fields, without contacts. */
export const delegateSchema = applicantSchema.pick({
  fiscalCode: true,
  surname: true,
  name: true,
  sex: true,
  birthDate: true,
  birthPlaceCode: true,
});

export const identificationOutcomeSchema = z.enum(['confirmed', 'refused']);

export const identificationSubmissionSchema = z.object({
  requestId: z.string().min(1).max(64),
  requestVersion: z.number().int().nonnegative(),
  outcome: identificationOutcomeSchema,
  /** Refusals: why (codes of the domain rules or `other`) and a free note. */
  refusal: z
    .object({
      reasons: z.array(z.string().min(1).max(80)).min(1).max(20),
      note: z.string().max(1000),
    })
    .nullable(),
  presenter: z.enum(['applicant', 'delegate']),
  checks: z.object({
    /** Blocking problems at the time of the outcome (empty for a confirmation). */
    blocking: z.array(z.string().max(80)).max(50),
    /** Warnings the operator saw and acknowledged. */
    acknowledgedWarnings: z.array(z.string().max(80)).max(50),
  }),
  documents: z.array(presentedDocumentSchema).max(2),
  fiscalCodeCard: z
    .object({ kind: z.enum(['health-card', 'fiscal-code-card']), fiscalCode: z.string().regex(/^[A-Z0-9]{16}$/) })
    .nullable(),
  delegate: delegateSchema.nullable(),
  operator: z.object({ id: nonEmpty, displayName: nonEmpty }),
  device: z.object({ id: z.uuid() }),
  officeCode: officeCodeSchema,
  /** Device time: informational only, the server orders by its own clock. */
  capturedAt: isoDateTime,
});
export type IdentificationSubmission = z.infer<typeof identificationSubmissionSchema>;

export const conflictCodeSchema = z.enum([
  'already-enabled',
  'request-annulled',
  'request-expired',
  'code-not-confirmed',
  'identification-not-required',
  'stale-version',
]);
export type ConflictCode = z.infer<typeof conflictCodeSchema>;

export const identificationAnswerSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('accepted'), code: z.enum(['identified', 'refusal-recorded']), request: enablementRequestSchema }),
  z.object({ status: z.literal('conflict'), code: conflictCodeSchema, request: enablementRequestSchema }),
]);
export type IdentificationAnswer = z.infer<typeof identificationAnswerSchema>;

// --- Errors and health ------------------------------------------------------------

/** Body of every non-2xx answer. */
export const centralErrorSchema = z.object({
  code: z.string().min(1).max(80),
  message: z.string().max(500).optional(),
});
export type CentralError = z.infer<typeof centralErrorSchema>;

export const centralErrorCodes = {
  unauthorized: 'unauthorized',
  invalidCredentials: 'invalid-credentials',
  validation: 'validation',
  notFound: 'not-found',
  refetch: 'refetch',
  idempotencyKeyReused: 'idempotency-key-reused',
  idempotencyKeyMissing: 'idempotency-key-missing',
  rateLimited: 'rate-limited',
  unavailable: 'unavailable',
} as const;

export const healthResponseSchema = z.object({ status: z.literal('ok'), serverTime: isoDateTime, version: z.string() });

export const idempotencyKeyHeader = 'idempotency-key';
