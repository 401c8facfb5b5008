import { z } from 'zod';
import { passwordRulesMinLength } from './password-rules';
import { identityDocumentKinds } from '../domain/identity-document';

/**
 * The central-service HTTP contract, version 2 (JSON under /v2, bearer token after
 * sign-in). Both the app's sync engine and the reference central service (`central/`)
 * use these schemas; everything the network delivers is parsed with them before use.
 * Human-readable version, with the security model: docs/central-api.md.
 *
 * Version 2 binds every call to its session: operator, office and device come from the
 * token, never from the body; idempotency keys, the changes feed and operator
 * management are scoped to the token's office.
 */
export const centralApiVersion = 'v2';
export const centralPaths = {
  health: '/v2/health',
  keys: '/v2/keys',
  sessions: '/v2/sessions',
  currentSession: '/v2/sessions/current',
  currentPassword: '/v2/sessions/current/password',
  changes: '/v2/enablement-requests/changes',
  requests: '/v2/enablement-requests',
  identifications: '/v2/identifications',
  identificationBatches: '/v2/identification-batches',
  auditAnchors: '/v2/audit-anchors',
  latestAuditAnchor: '/v2/audit-anchors/latest',
  operators: '/v2/operators',
  /** A training service only: its practice cases, with the specimens each applicant shows. */
  trainingExercises: '/v2/training/exercises',
} as const;

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

// --- POST /v2/sessions -----------------------------------------------------------

/**
 * The desk's device key proves the device: Ed25519, made once per installation and kept
 * in its encrypted store. The service registers a device id with its public key at its
 * first sign-in and, from then on, takes that device id only with a proof signed by the
 * same key (another desk cannot sign in, post or anchor as this one).
 */
export const deviceProofSchema = z.object({
  /** SPKI, DER, base64. */
  publicKey: z.base64().min(40).max(200),
  /** Ed25519 over `deviceProofText(...)`, base64. */
  signature: z.base64().min(40).max(200),
});

export const signInRequestSchema = z.object({
  officeCode: officeCodeSchema,
  username: nonEmpty,
  password: z.string().min(1).max(200),
  deviceId: z.uuid(),
  device: deviceProofSchema,
});
export type SignInRequest = z.infer<typeof signInRequestSchema>;

/** The exact bytes a device signs at sign-in: whose sign-in, on which device. */
export function deviceProofText(input: { officeCode: string; username: string; deviceId: string }): string {
  return JSON.stringify(['sportello-device/1', input.officeCode.trim().toUpperCase(), input.username.trim().toLowerCase(), input.deviceId]);
}

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

/**
 * What the office's desks keep a local copy of: the requests of its province (the
 * default), of its region, or of the whole country (set by the service's administrator).
 */
export const officeScopeSchema = z.object({
  kind: z.enum(['province', 'region', 'national']),
  /** Province abbreviation (RM) or ISTAT region code (12); null when national. */
  area: z.string().max(3).nullable(),
  /** In Italian, for the desk: "provincia di RM", "regione 12 (Lazio)", "tutta Italia". */
  label: nonEmpty,
});
export type OfficeScope = z.infer<typeof officeScopeSchema>;

export const signInResponseSchema = z.object({
  token: z.string().min(20).max(500),
  expiresAt: isoDateTime,
  operator: operatorSchema,
  office: officeSchema,
  scope: officeScopeSchema,
  /** Whether the account may post identifications (an office administrator may not, yet still manage operators). */
  canIdentify: z.boolean(),
  /**
   * A temporary password (set by an office administrator at creation): the token is good
   * only to change it (`POST /v2/sessions/current/password`), then for everything.
   */
  passwordChangeRequired: z.boolean(),
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
  domicile: z.object({
    address: z.string().max(300),
    comune: z.string().max(200),
    province: z.string().max(2),
  }),
});
export type Applicant = z.infer<typeof applicantSchema>;
/*
 * Minimised: a request carries only what the desk shows or prints (the modulo di
 * adesione prints email, mobile and domicile). The service holds more (e.g. the home
 * phone) and never sends it.
 */

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

// GET /v2/enablement-requests/changes (the token's office scope only)?cursor=&limit=
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

// GET /v2/enablement-requests?fiscalCode= (national)
export const lookupQuerySchema = z.object({ fiscalCode: z.string().regex(/^[A-Z0-9]{16}$/) });
export const lookupResponseSchema = z.object({ items: z.array(enablementRequestSchema), serverTime: isoDateTime });
export type LookupResponse = z.infer<typeof lookupResponseSchema>;

// --- POST /v2/identifications (Idempotency-Key: <uuid>) ------------------------------

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
  // No NUL: no request's id holds one (PostgreSQL text cannot), and the service would fail the call on it.
  requestId: z
    .string()
    .min(1)
    .max(64)
    .refine((id) => !id.includes('\u0000'), 'no NUL character'),
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
  /** Must be the token's operator, device and office (else 403 identity-mismatch). */
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

// --- POST /v2/identification-batches -------------------------------------------------

/**
 * Several outcomes in one call (a desk draining its queue after an outage): each item is
 * exactly what `POST /v2/identifications` takes, its key and its body as the very
 * string that endpoint would get (hashed as is, so a key keeps its body across both
 * endpoints). Items are applied in order, each exactly once per office and key; each
 * gets its own answer or error, as the single endpoint would give it.
 */
export const maxIdentificationBatch = 50;

export const identificationBatchRequestSchema = z.object({
  items: z
    .array(z.object({ key: z.uuid(), body: z.string().min(2).max(16_384) }))
    .min(1)
    .max(maxIdentificationBatch)
    .refine((items) => new Set(items.map((item) => item.key.toLowerCase())).size === items.length, 'a key appears twice'),
});
export type IdentificationBatchRequest = z.infer<typeof identificationBatchRequestSchema>;

export const identificationBatchItemSchema = z.discriminatedUnion('ok', [
  z.object({ key: z.uuid(), ok: z.literal(true), answer: identificationAnswerSchema }),
  /** `status` is the HTTP status the single endpoint would have answered (400, 403, 404, 422). */
  z.object({ key: z.uuid(), ok: z.literal(false), status: z.number().int().min(400).max(499), code: z.string().min(1).max(80) }),
]);
export type IdentificationBatchItem = z.infer<typeof identificationBatchItemSchema>;

export const identificationBatchAnswerSchema = z.object({ items: z.array(identificationBatchItemSchema) });
export type IdentificationBatchAnswer = z.infer<typeof identificationBatchAnswerSchema>;

// --- Audit anchors: POST /v2/audit-anchors, GET /v2/audit-anchors/latest, GET /v2/keys ---

/** The head of a desk's audit chain: the last entry's sequence number, hash and time. */
export const auditHeadSchema = z.object({
  sequence: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 40),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** When the head entry was recorded (desk clock): a purge may remove it only once older than the minimum retention. */
  at: isoDateTime,
});
export type AuditHead = z.infer<typeof auditHeadSchema>;

/** What the service signs: the head, whose it is (from the token) and when it saw it. */
export const auditAnchorSchema = auditHeadSchema.extend({
  officeCode: officeCodeSchema,
  deviceId: z.uuid(),
  anchoredAt: isoDateTime,
});
export type AuditAnchor = z.infer<typeof auditAnchorSchema>;

export const auditReceiptSchema = z.object({
  anchor: auditAnchorSchema,
  keyId: z.string().min(1).max(64),
  /** Ed25519 over `auditAnchorSigningText(anchor)`, base64. */
  signature: z.string().min(1).max(200),
});
export type AuditReceipt = z.infer<typeof auditReceiptSchema>;

/** The exact bytes signed: fixed field order, so both sides rebuild them identically. */
export function auditAnchorSigningText(anchor: AuditAnchor): string {
  return JSON.stringify([
    'sportello-audit-anchor/2',
    anchor.officeCode,
    anchor.deviceId,
    anchor.sequence,
    anchor.hash,
    anchor.at,
    anchor.anchoredAt,
  ]);
}

export const latestAnchorResponseSchema = z.object({ receipt: auditReceiptSchema.nullable() });

export const signingKeysResponseSchema = z.object({
  keys: z
    .array(
      z.object({
        keyId: z.string().min(1).max(64),
        algorithm: z.literal('Ed25519'),
        /** SPKI, DER, base64. */
        publicKey: z.string().min(1).max(200),
      }),
    )
    .min(1)
    .max(10),
});
export type SigningKeysResponse = z.infer<typeof signingKeysResponseSchema>;

// --- Operators of the token's office (office administrators only) -----------------

export const managedOperatorSchema = z.object({
  id: nonEmpty,
  username: nonEmpty,
  displayName: nonEmpty,
  role: operatorRoleSchema,
  /** The head teacher's or DSGA's grant: may identify applicants at the desk. */
  canIdentify: z.boolean(),
  disabled: z.boolean(),
  /** Still on the temporary password given at creation. */
  passwordChangeRequired: z.boolean(),
});
export type ManagedOperator = z.infer<typeof managedOperatorSchema>;

export const operatorsResponseSchema = z.object({ items: z.array(managedOperatorSchema).max(500) });

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{2,39}$/, 'Nome utente: da 3 a 40 tra lettere, cifre, punto, trattino.');

export const createOperatorRequestSchema = z.object({
  username: usernameSchema,
  displayName: z.string().trim().min(2).max(120),
  role: operatorRoleSchema,
  canIdentify: z.boolean(),
});
export type CreateOperatorRequest = z.infer<typeof createOperatorRequestSchema>;

export const createOperatorResponseSchema = z.object({
  operator: managedOperatorSchema,
  /** Shown once to the administrator, who hands it over; changed at the first sign-in. */
  temporaryPassword: z.string().min(12).max(64),
});

// PATCH /v2/operators/:id
export const updateOperatorRequestSchema = z
  .object({ canIdentify: z.boolean().optional(), disabled: z.boolean().optional() })
  .refine((change) => change.canIdentify !== undefined || change.disabled !== undefined, 'nothing to change');
export type UpdateOperatorRequest = z.infer<typeof updateOperatorRequestSchema>;

export { passwordRulesMinLength } from './password-rules';

// POST /v2/sessions/current/password
export const changePasswordRequestSchema = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(passwordRulesMinLength).max(200),
});

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
  /** 429 at sign-in: too many wrong passwords for the account or from the client (Retry-After). */
  tooManyAttempts: 'too-many-attempts',
  /** 403: the device id is registered with another device key, or to another office. */
  deviceMismatch: 'device-mismatch',
  /** 403: the body names another operator, office or device than the token's. */
  identityMismatch: 'identity-mismatch',
  /** 403: the account may not identify (permission revoked, or disabled). */
  notPermitted: 'not-permitted',
  /** 403: office administrators only. */
  forbidden: 'forbidden',
  /** 403: the temporary password must be changed first. */
  passwordChangeRequired: 'password-change-required',
  /** 409: the device anchored another audit head at or after that sequence. */
  anchorConflict: 'anchor-conflict',
  /** 409: that username exists in the office. */
  usernameTaken: 'username-taken',
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

// --- Training (a training service only) ---------------------------------------------

/** The practice cases a training service offers (#17): one request each, and what it teaches. */
export const trainingExerciseKinds = [
  'happy-path',
  'expired-document',
  'document-mismatch',
  'card-of-another-person',
  'delegate',
  'annulled',
  'already-enabled',
  'code-not-confirmed',
  'service-down',
] as const;
export type TrainingExerciseKind = (typeof trainingExerciseKinds)[number];

/** A synthetic person as a card names them: the applicant's personal fields, as a delegate's. */
const trainingPersonSchema = delegateSchema;

/** A synthetic person's specimens: the identity document they show (with its MRZ) and their tessera sanitaria. */
export const trainingSpecimensSchema = trainingPersonSchema.extend({
  document: declaredDocumentSchema,
  /** The document's machine-readable zone (a CIE's three lines), or null. */
  mrz: z.array(z.string().max(44)).max(3).nullable(),
  /** The tessera sanitaria shown: its holder may be someone else (the case of another person's card). */
  healthCard: z.object({
    holder: trainingPersonSchema,
    number: z.string().regex(/^\d{20}$/),
    expiryDate: isoDate,
  }),
});
export type TrainingSpecimens = z.infer<typeof trainingSpecimensSchema>;

export const trainingExerciseSchema = z.object({
  kind: z.enum(trainingExerciseKinds),
  requestId: z.string().min(1).max(64),
  /** What the applicant shows at the desk. */
  applicant: trainingSpecimensSchema,
  /** The delegate who comes instead, with their own specimens (the delegate case). */
  delegate: trainingSpecimensSchema.nullable(),
});
export type TrainingExercise = z.infer<typeof trainingExerciseSchema>;
export const trainingExercisesResponseSchema = z.object({ items: z.array(trainingExerciseSchema) });
