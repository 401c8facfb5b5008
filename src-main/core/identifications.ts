import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  enablementRequestSchema,
  identificationSubmissionSchema,
  officeSchema,
  type IdentificationSubmission,
  type Office,
} from '../../shared/contract/central-api';
import { todayIn } from '../../shared/domain/dates';
import { canonicalFiscalCode } from './store/requests-repository';
import type { SyncEngine } from './sync/engine';

/**
 * Records an identification outcome: the identification and its outbox row in one
 * transaction (transactional outbox), then asks the engine to send it. The payload is
 * serialised once here and never again: the same op id always carries the same bytes.
 */
export interface RecordedOutcome {
  identificationId: string;
  opId: string;
}

/** What the desk keeps of an outcome, beside the submission (for receipts and the register). */
export const identificationRecordSchema = z.object({
  submission: identificationSubmissionSchema,
  /** The request as it stood when checked. */
  request: enablementRequestSchema.nullable(),
  office: officeSchema.nullable(),
  /** Refusals: the reasons in plain Italian, as shown to the operator. */
  refusalReasonTexts: z.array(z.string()).default([]),
  delegateName: z.string().nullable().default(null),
});
export type IdentificationRecord = z.infer<typeof identificationRecordSchema>;

export interface RecordContext {
  office?: Office | null;
  refusalReasonTexts?: string[];
}

export function recordIdentification(
  engine: SyncEngine,
  submission: IdentificationSubmission,
  context: RecordContext = {},
): RecordedOutcome {
  const payload = identificationSubmissionSchema.parse(submission);
  const request = engine.requestFromCache(payload.requestId);
  const fiscalCode = request ? canonicalFiscalCode(request.applicant.fiscalCode, todayIn()) : (payload.fiscalCodeCard?.fiscalCode ?? '');
  const identificationId = randomUUID();
  const opId = randomUUID();
  const record: IdentificationRecord = {
    submission: payload,
    request,
    office: context.office ?? null,
    refusalReasonTexts: context.refusalReasonTexts ?? [],
    delegateName: payload.delegate ? `${payload.delegate.name} ${payload.delegate.surname}` : null,
  };
  engine.outbox.enqueue(
    {
      id: identificationId,
      requestId: payload.requestId,
      requestVersion: payload.requestVersion,
      fiscalCode,
      outcome: payload.outcome,
      operatorId: payload.operator.id,
      body: JSON.stringify(record),
      createdAt: payload.capturedAt,
    },
    opId,
    JSON.stringify(payload),
  );
  engine.kick();
  return { identificationId, opId };
}
