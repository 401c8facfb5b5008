import type { ErasureReport, PurgeReport } from '../../shared/contract';
import { purgeReportSchema } from '../../shared/contract';
import { checkpointCitation, type AuditLog } from './audit';
import type { LocalStore } from './db/database';
import { statementCache } from './db/statements';
import { ServiceFailure } from './dispatcher';

const dayMs = 86_400_000;

/** An outbox row the central service has answered for good, or a problem someone handled. */
const settledOutboxRow = `(o.state = 'acked' OR (o.state IN ('conflict', 'dead') AND o.handled_at IS NOT NULL))`;

/** Request states after which the desk has nothing more to do with a request. */
const finalRequestStates = `('enabled', 'annulled', 'expired')`;

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
  private readonly sql: ReturnType<typeof statementCache>;

  constructor(
    private readonly store: LocalStore,
    private readonly audit: AuditLog,
    private readonly now: () => Date,
  ) {
    this.sql = statementCache(store.sqlite);
  }

  /** `operatorId` null: the scheduled purge (at start and daily). */
  purge(retentionDays: number, operatorId: string | null): PurgeReport {
    const at = this.now();
    const cutoff = new Date(at.getTime() - retentionDays * dayMs).toISOString();
    const run = this.store.sqlite.transaction((): PurgeReport => {
      const old = `SELECT i.id FROM identifications i WHERE i.created_at < @cutoff AND NOT EXISTS (
        SELECT 1 FROM outbox o WHERE o.identification_id = i.id AND NOT ${settledOutboxRow})`;
      this.sql(`DELETE FROM outbox WHERE identification_id IN (${old})`).run({ cutoff });
      const identifications = this.sql(`DELETE FROM identifications WHERE id IN (${old})`).run({ cutoff }).changes;
      const requests = this.sql(`DELETE FROM enablement_requests WHERE updated_at < ? AND status IN ${finalRequestStates}`).run(
        cutoff,
      ).changes;
      // What this PC remembers of operators (verifiers, wrong-password counts) ages out too.
      this.sql('DELETE FROM operators WHERE last_online_at < ?').run(cutoff);
      this.sql('DELETE FROM sign_in_failures WHERE last_failure_at < ?').run(at.getTime() - retentionDays * dayMs);
      const checkpoint = this.audit.removeBefore(cutoff);
      const report: PurgeReport = {
        at: at.toISOString(),
        retentionDays,
        identifications,
        requests,
        auditEntries: checkpoint?.removed ?? 0,
      };
      // A scheduled purge that found nothing leaves no entry (one per start would bury the trail).
      const removedAny = identifications + requests + report.auditEntries > 0;
      if (removedAny || operatorId !== null)
        this.audit.append('purge', {
          operatorId,
          subject: `retentionDays=${retentionDays};identifications=${identifications};requests=${requests};audit=${report.auditEntries}${
            checkpoint ? `;${checkpointCitation(checkpoint)}` : ''
          }`,
        });
      this.sql(`INSERT INTO settings (key, value) VALUES ('lastPurge', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(
        JSON.stringify(report),
      );
      return report;
    });
    return run.immediate();
  }

  lastPurge(): PurgeReport | null {
    const row = this.sql(`SELECT value FROM settings WHERE key = 'lastPurge'`).get() as { value: string } | undefined;
    if (!row) return null;
    try {
      return purgeReportSchema.parse(JSON.parse(row.value));
    } catch {
      return null;
    }
  }

  /** Erases one applicant's local data; returns the ids of the requests it removed (their drafts go too). */
  erase(fiscalCode: string, operatorId: string | null): ErasureReport & { requestIds: string[] } {
    const run = this.store.sqlite.transaction(() => {
      const waiting = this.sql(
        `SELECT count(*) AS n FROM outbox o JOIN identifications i ON i.id = o.identification_id WHERE i.fiscal_code = ? AND NOT ${settledOutboxRow}`,
      ).get(fiscalCode) as { n: number };
      if (waiting.n > 0) {
        throw new ServiceFailure(
          'erasure-pending',
          `Per questo codice fiscale ${waiting.n === 1 ? 'c’è un esito' : `ci sono ${waiting.n} esiti`} non ancora accettati dal servizio centrale o un problema da gestire: la cancellazione sarà possibile dopo l’invio (o dopo aver gestito il problema). Nulla è stato cancellato.`,
        );
      }
      const requestIds = (
        this.sql(
          'SELECT id FROM enablement_requests WHERE fiscal_code = @fiscalCode UNION SELECT request_id FROM identifications WHERE fiscal_code = @fiscalCode',
        ).all({ fiscalCode }) as Array<{ id: string }>
      ).map((row) => row.id);
      this.sql('DELETE FROM outbox WHERE identification_id IN (SELECT id FROM identifications WHERE fiscal_code = ?)').run(fiscalCode);
      const identifications = this.sql('DELETE FROM identifications WHERE fiscal_code = ?').run(fiscalCode).changes;
      const requests = this.sql('DELETE FROM enablement_requests WHERE fiscal_code = ?').run(fiscalCode).changes;
      this.sql('DELETE FROM enablement_requests_refetch WHERE fiscal_code = ?').run(fiscalCode);
      this.audit.append('erasure', { operatorId, fiscalCode, subject: `identifications=${identifications};requests=${requests}` });
      return { fiscalCode, identifications, requests, requestIds };
    });
    return run.immediate();
  }
}
