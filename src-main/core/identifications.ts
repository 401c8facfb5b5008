import { randomUUID } from 'node:crypto';
import { identificationSubmissionSchema, type IdentificationSubmission } from '../../shared/contract/central-api';
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

export function recordIdentification(
  engine: SyncEngine,
  submission: IdentificationSubmission,
  extra: Record<string, unknown> = {},
): RecordedOutcome {
  const payload = identificationSubmissionSchema.parse(submission);
  const request = engine.requestFromCache(payload.requestId);
  const fiscalCode = request ? canonicalFiscalCode(request.applicant.fiscalCode, todayIn()) : (payload.fiscalCodeCard?.fiscalCode ?? '');
  const identificationId = randomUUID();
  const opId = randomUUID();
  const body = JSON.stringify(payload);
  engine.outbox.enqueue(
    {
      id: identificationId,
      requestId: payload.requestId,
      requestVersion: payload.requestVersion,
      fiscalCode,
      outcome: payload.outcome,
      operatorId: payload.operator.id,
      body: JSON.stringify({ submission: payload, ...extra }),
      createdAt: payload.capturedAt,
    },
    opId,
    body,
  );
  engine.kick();
  return { identificationId, opId };
}
