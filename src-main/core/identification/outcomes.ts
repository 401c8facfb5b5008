import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  enablementRequestSchema,
  identificationSubmissionSchema,
  officeSchema,
  type IdentificationSubmission,
  type Office,
} from '../../../shared/contract/central-api';
import { todayIn } from '../../../shared/domain/dates';
import type { AuditLog } from '../audit/audit-log';
import { canonicalFiscalCode } from '../requests/request-row';
import type { RequestsRepository } from '../requests/requests-repository';
import type { LocalStore } from '../store/database';
import type { OutboxRepository } from '../sync/outbox-repository';
import type { IdentificationRow, IdentificationsRepository } from './identifications-repository';

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

/** The stored record of an identification, or null when it does not read (never trusted blindly). */
export function readIdentificationRecord(row: IdentificationRow): IdentificationRecord | null {
  try {
    const parsed = identificationRecordSchema.safeParse(JSON.parse(row.body));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export interface RecordContext {
  office?: Office | null;
  refusalReasonTexts?: string[];
}

export interface OutcomeRecorderParts {
  store: LocalStore;
  identifications: IdentificationsRepository;
  outbox: OutboxRepository;
  requests: RequestsRepository;
  audit: AuditLog;
  now: () => Date;
  /** Asks the sync engine to send soon. */
  send: () => void;
}

/**
 * Records an identification outcome: the identification, its outbox row and its audit
 * entry in one transaction (transactional outbox), then asks for it to be sent. The
 * payload is serialised once here and never again: the same op id always carries the
 * same bytes.
 */
export class OutcomeRecorder {
  constructor(private readonly parts: OutcomeRecorderParts) {}

  record(submission: IdentificationSubmission, context: RecordContext = {}): RecordedOutcome {
    const payload = identificationSubmissionSchema.parse(submission);
    const request = this.parts.requests.findById(payload.requestId);
    const fiscalCode = request
      ? canonicalFiscalCode(request.applicant.fiscalCode, todayIn('Europe/Rome', this.parts.now()))
      : (payload.fiscalCodeCard?.fiscalCode ?? '');
    const identificationId = randomUUID();
    const opId = randomUUID();
    const record: IdentificationRecord = {
      submission: payload,
      request,
      office: context.office ?? null,
      refusalReasonTexts: context.refusalReasonTexts ?? [],
      delegateName: payload.delegate ? `${payload.delegate.name} ${payload.delegate.surname}` : null,
    };
    this.parts.store.inTransaction(() => {
      this.parts.identifications.insert({
        id: identificationId,
        requestId: payload.requestId,
        requestVersion: payload.requestVersion,
        fiscalCode,
        outcome: payload.outcome,
        operatorId: payload.operator.id,
        body: JSON.stringify(record),
        createdAt: payload.capturedAt,
      });
      this.parts.outbox.enqueue(identificationId, opId, JSON.stringify(payload));
      this.parts.audit.append(payload.outcome === 'confirmed' ? 'confirm' : 'refuse', {
        operatorId: payload.operator.id,
        fiscalCode: request?.applicant.fiscalCode ?? fiscalCode,
        subject: identificationId,
      });
    });
    this.parts.send();
    return { identificationId, opId };
  }
}
