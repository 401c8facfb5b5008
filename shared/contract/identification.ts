import { z } from 'zod';
import { refusalReasonCodes } from '../domain/refusal-reasons';
import { delegateSchema, identityDocumentKindSchema } from './central-api';
import { messageSchema } from './result';

/** The identification wizard's data as the renderer collects it; the core re-checks everything. */

const isoDate = z.iso.date();

export const identityDocumentInputSchema = z.object({
  kind: identityDocumentKindSchema,
  number: z.string().max(40),
  issuer: z.string().max(200),
  /** Empty while the operator has not typed it yet (a draft is saved as it is typed). */
  issueDate: isoDate.or(z.literal('')),
  expiryDate: isoDate.nullable(),
});
export type IdentityDocumentInput = z.infer<typeof identityDocumentInputSchema>;

export const identificationDraftSchema = z.object({
  requestId: z.string().min(1).max(64),
  presenter: z.enum(['applicant', 'delegate']),
  document: identityDocumentInputSchema.nullable(),
  fiscalCodeCard: z
    .object({
      kind: z.enum(['health-card', 'fiscal-code-card']),
      fiscalCode: z.string().max(40),
      cardNumber: z.string().max(40).nullable(),
      expiryDate: isoDate.nullable(),
    })
    .nullable(),
  delegate: delegateSchema.extend({ fiscalCode: z.string().max(40), document: identityDocumentInputSchema.nullable() }).nullable(),
  ticks: z.object({
    moduleSigned: z.boolean(),
    photocopiesCollected: z.boolean(),
    delegationFormSigned: z.boolean(),
    delegatePhotocopiesCollected: z.boolean(),
  }),
});
export type IdentificationDraft = z.infer<typeof identificationDraftSchema>;

export const identificationResultSchema = z.object({
  identificationId: z.string(),
  outcome: z.enum(['confirmed', 'refused']),
  /** `sent`: acknowledged by the central service; `queued`: waiting for the connection; `conflict`/`dead`: see Problems. */
  delivery: z.enum(['sent', 'queued', 'conflict', 'dead']),
  /** Conflict or failure reason in plain Italian, when not sent… */
  reason: z.string().nullable(),
  /** …and as a message the renderer words in the person's language. */
  reasonText: messageSchema.nullable(),
});
export type IdentificationResult = z.infer<typeof identificationResultSchema>;

export const syncStateSchema = z.enum(['pending', 'sending', 'acked', 'conflict', 'retry_wait', 'dead']);
export type OutboxSyncState = z.infer<typeof syncStateSchema>;

/**
 * Where an outcome stands, end to end: a confirmation `accepted` by the central service,
 * `queued` for it, or `not-accepted` by it (a conflict, or undeliverable); or `refused` at
 * the desk. Every receipt, counter, archive row, register and CSV says which.
 */
export const outcomeStatusSchema = z.enum(['accepted', 'queued', 'not-accepted', 'refused']);
export type OutcomeStatus = z.infer<typeof outcomeStatusSchema>;

export function outcomeStatus(outcome: 'confirmed' | 'refused', syncState: OutboxSyncState): OutcomeStatus {
  if (outcome === 'refused') return 'refused';
  if (syncState === 'acked') return 'accepted';
  if (syncState === 'conflict' || syncState === 'dead') return 'not-accepted';
  return 'queued';
}

export const archiveEntrySchema = z.object({
  identificationId: z.string(),
  /** When recorded (ISO, device time). */
  at: z.string(),
  requestId: z.string(),
  fiscalCode: z.string(),
  surname: z.string(),
  name: z.string(),
  outcome: z.enum(['confirmed', 'refused']),
  presenter: z.enum(['applicant', 'delegate']),
  delegateName: z.string().nullable(),
  operatorId: z.string(),
  operatorName: z.string(),
  syncState: syncStateSchema,
  status: outcomeStatusSchema,
  /** Why the central service did not accept it (Italian), when `not-accepted`. */
  notAcceptedReason: z.string().nullable(),
  notAcceptedReasonText: messageSchema.nullable(),
  /** The receipt's words for the reasons of a refusal (Italian), and their codes in the catalogue. */
  refusalReasons: z.array(z.string()),
  refusalReasonCodes: z.array(z.enum(refusalReasonCodes)),
  refusalNote: z.string(),
});
export type ArchiveEntry = z.infer<typeof archiveEntrySchema>;

export const csvExportSchema = z.object({ fileName: z.string(), mimeType: z.literal('text/csv'), content: z.string() });
