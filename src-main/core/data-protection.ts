import type { ErasureReport, PurgeReport } from '../../shared/contract';
import { purgeReportSchema } from '../../shared/contract';
import { checkpointCitation, type AuditLog } from './audit';
import type { LocalStore } from './db/database';
import { ServiceFailure } from './dispatcher';
import type { OperatorsRepository, SignInFailuresRepository } from './store/operators-repository';
import { RetentionRepository } from './store/retention-repository';
import type { SyncStateRepository } from './store/sync-state-repository';

const dayMs = 86_400_000;

export interface DataProtectionParts {
  store: LocalStore;
  audit: AuditLog;
  settings: SyncStateRepository;
  operators: OperatorsRepository;
  signInFailures: SignInFailuresRepository;
  now: () => Date;
}

/**
 * Retention and erasure of the applicants' data kept on this PC (GDPR minimisation).
 *
 * - Purge: identifications the central service acknowledged (or whose problem was
 *   handled), cached requests in a final state, audit entries, and the sign-in data of
 *   operators not seen for as long, all older than the retention period. What still
 *   waits to be sent, and unhandled problems, stay.
 * - Erasure: one applicant's identifications and cached requests, on request of an
 *   office administrator; refused while one of their outcomes still waits to be sent.
 *
 * Each runs in one transaction with its audit entry: all of it happens, or none.
 */
export class DataProtection {
  private readonly retention: RetentionRepository;

  constructor(private readonly parts: DataProtectionParts) {
    this.retention = new RetentionRepository(parts.store);
  }

  /** `operatorId` null: the scheduled purge (a minute after start, then daily). */
  purge(retentionDays: number, operatorId: string | null): PurgeReport {
    const { audit, settings, operators, signInFailures } = this.parts;
    const at = this.parts.now();
    const cutoffMs = at.getTime() - retentionDays * dayMs;
    const cutoff = new Date(cutoffMs).toISOString();
    const run = this.parts.store.sqlite.transaction((): PurgeReport => {
      const identifications = this.retention.removeSettledIdentificationsBefore(cutoff);
      const requests = this.retention.removeClosedRequestsBefore(cutoff);
      // What this PC remembers of operators (verifiers, wrong-password counts) ages out too.
      operators.forgetNotSeenSince(cutoff);
      signInFailures.forgetOlderThan(cutoffMs);
      const checkpoint = audit.removeBefore(cutoff);
      const report: PurgeReport = {
        at: at.toISOString(),
        retentionDays,
        identifications,
        requests,
        auditEntries: checkpoint?.removed ?? 0,
      };
      // A scheduled purge that found nothing leaves no entry (one per start would bury the trail).
      if (identifications + requests + report.auditEntries > 0 || operatorId !== null) {
        audit.append('purge', {
          operatorId,
          subject: `retentionDays=${retentionDays};identifications=${identifications};requests=${requests};audit=${report.auditEntries}${
            checkpoint ? `;${checkpointCitation(checkpoint)}` : ''
          }`,
        });
      }
      settings.setSetting('lastPurge', JSON.stringify(report));
      return report;
    });
    return run.immediate();
  }

  lastPurge(): PurgeReport | null {
    const value = this.parts.settings.setting('lastPurge');
    if (!value) return null;
    try {
      return purgeReportSchema.parse(JSON.parse(value));
    } catch {
      return null;
    }
  }

  /** Erases one applicant's local data; returns the ids of the requests it removed (their drafts go too). */
  erase(fiscalCode: string, operatorId: string | null): ErasureReport & { requestIds: string[] } {
    const run = this.parts.store.sqlite.transaction(() => {
      const waiting = this.retention.unsettledOutcomesOf(fiscalCode);
      if (waiting > 0) {
        throw new ServiceFailure(
          'erasure-pending',
          `Per questo codice fiscale ${waiting === 1 ? 'c’è un esito' : `ci sono ${waiting} esiti`} non ancora accettati dal servizio centrale o un problema da gestire: la cancellazione sarà possibile dopo l’invio (o dopo aver gestito il problema). Nulla è stato cancellato.`,
        );
      }
      const { requestIds, identifications, requests } = this.retention.eraseApplicant(fiscalCode);
      this.parts.audit.append('erasure', { operatorId, fiscalCode, subject: `identifications=${identifications};requests=${requests}` });
      return { fiscalCode, identifications, requests, requestIds };
    });
    return run.immediate();
  }
}
