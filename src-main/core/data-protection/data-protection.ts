import type { ErasureReport, PurgeReport } from '../../../shared/contract';
import { checkpointCitation, type AuditLog } from '../audit/audit-log';
import type { Logger } from '../log';
import { readFiscalCodeInput } from '../requests/applicant-requests';
import type { ErasureGuard } from '../requests/erasure-guard';
import { failures } from '../rpc/failures';
import type { OperatorsRepository, SignInFailuresRepository } from '../session/operators-repository';
import type { InstallationSettings } from '../settings/installation-settings';
import { DatabaseError, type LocalStore } from '../store/database';
import type { RetentionRepository } from './retention-repository';

const dayMs = 86_400_000;

export interface DataProtectionParts {
  store: LocalStore;
  retention: RetentionRepository;
  audit: AuditLog;
  settings: InstallationSettings;
  operators: OperatorsRepository;
  signInFailures: SignInFailuresRepository;
  logger: Logger;
  now: () => Date;
  /** The applicant's data was erased: their drafts (in memory) go too. */
  onErased: (requestIds: readonly string[]) => void;
  /** What the pull and lookups have on its way from before an erasure does not bring the applicant back. */
  erasures: ErasureGuard;
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
  private readonly timers: Array<ReturnType<typeof setTimeout>> = [];

  constructor(private readonly parts: DataProtectionParts) {}

  /** The retention purge runs a minute after start (not on the start-up path), then daily. */
  schedule(): void {
    const scheduled = () => {
      try {
        const report = this.purge(null);
        this.parts.logger.info('retention.purged', {
          identifications: report.identifications,
          requests: report.requests,
          audit: report.auditEntries,
        });
      } catch (error) {
        this.parts.logger.error('retention.failed', { error: error instanceof Error ? error.name : typeof error });
      }
    };
    this.timers.push(setTimeout(scheduled, 60_000), setInterval(scheduled, 86_400_000));
    for (const timer of this.timers) timer.unref?.();
  }

  stop(): void {
    this.timers.forEach(clearTimeout); // clears the interval too
  }

  /** `operatorId` null: the scheduled purge. Uses the retention period in force. */
  purge(operatorId: string | null): PurgeReport {
    const purged = this.parts.store.inTransaction(() => this.purgeRows(operatorId));
    this.emptyWal();
    return purged;
  }

  /**
   * After a removal, nothing of it stays in the WAL. If the pull's page writer holds the
   * store too long for that, the removal is said to be unfinished: repeated, it removes
   * nothing more and empties the WAL.
   */
  private emptyWal(): void {
    try {
      this.parts.store.checkpoint();
    } catch (error) {
      if (error instanceof DatabaseError && error.code === 'locked') throw failures.erasureUnfinished();
      throw error;
    }
  }

  /** What a purge now would remove, removing nothing (the person confirms knowing it). */
  previewPurge(operatorId: string | null): PurgeReport {
    return this.dryRun(() => this.purgeRows(operatorId));
  }

  /** Runs `work` in a transaction that is always rolled back: exactly what it would do, and nothing done. */
  private dryRun<T>(work: () => T): T {
    const rollback = Symbol('rollback');
    let result: T | undefined;
    try {
      this.parts.store.inTransaction(() => {
        result = work();
        throw rollback;
      });
    } catch (error) {
      if (error !== rollback) throw error;
    }
    return result as T;
  }

  /** The purge itself; call inside a transaction. */
  private purgeRows(operatorId: string | null): PurgeReport {
    const { audit, settings, operators, signInFailures, retention } = this.parts;
    const retentionDays = settings.number('retentionDays');
    const at = this.parts.now();
    const cutoffMs = at.getTime() - retentionDays * dayMs;
    const cutoff = new Date(cutoffMs).toISOString();
    const identifications = retention.removeSettledIdentificationsBefore(cutoff);
    const requests = retention.removeClosedRequestsBefore(cutoff);
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
    settings.recordPurge(report);
    return report;
  }

  /** Erases one applicant's local data (a fiscal code typed or scanned); their drafts go too. */
  erase(fiscalCodeInput: string, operatorId: string | null): ErasureReport {
    const fiscalCode = readFiscalCodeInput(fiscalCodeInput, this.parts.now());
    const { requestIds, ...report } = this.parts.store.inTransaction(() => {
      const erased = this.eraseRows(fiscalCode, operatorId);
      this.parts.erasures.erased(fiscalCode);
      return erased;
    });
    this.parts.onErased(requestIds);
    this.emptyWal();
    // The backup copy is taken again at once: no copy keeps the person erased.
    this.parts.store.renewBackup();
    this.parts.logger.info('data.erased', { identifications: report.identifications, requests: report.requests });
    return report;
  }

  /** What erasing this code would remove, removing nothing: the code is checked, and what still waits refuses it, first. */
  previewErasure(fiscalCodeInput: string, operatorId: string | null): ErasureReport {
    const fiscalCode = readFiscalCodeInput(fiscalCodeInput, this.parts.now());
    try {
      const { requestIds: _ids, ...report } = this.dryRun(() => this.eraseRows(fiscalCode, operatorId));
      return report;
    } finally {
      // Asking what this PC holds of someone is itself a look at their data: audited, outside the rolled-back work.
      this.parts.audit.append('erasure-preview', { operatorId, fiscalCode });
    }
  }

  /** The erasure itself; call inside a transaction. */
  private eraseRows(fiscalCode: string, operatorId: string | null) {
    const { retention } = this.parts;
    const waiting = retention.unsettledOutcomesOf(fiscalCode);
    if (waiting > 0) throw failures.erasurePending(waiting);
    const { requestIds, identifications, requests } = retention.eraseApplicant(fiscalCode);
    this.parts.audit.append('erasure', { operatorId, fiscalCode, subject: `identifications=${identifications};requests=${requests}` });
    return { fiscalCode, identifications, requests, requestIds };
  }
}
