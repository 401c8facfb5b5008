import type { LocalStore } from '../store/database';
import { statementCache } from '../store/statements';

/** An outbox row the central service has answered for good, or a problem someone handled. */
const settledOutboxRow = `(o.state = 'acked' OR (o.state IN ('conflict', 'dead') AND o.handled_at IS NOT NULL))`;

/** Request states after which the desk has nothing more to do with a request. */
const finalRequestStates = `('enabled', 'annulled', 'expired')`;

/** The SQL of retention and erasure over identifications, their outbox rows and cached requests. */
export class RetentionRepository {
  private readonly sql: ReturnType<typeof statementCache>;

  constructor(store: LocalStore) {
    this.sql = statementCache(store.sqlite);
  }

  /** Identifications created before `cutoff` whose every outbox row is settled, with those rows. */
  removeSettledIdentificationsBefore(cutoff: string): number {
    const old = `SELECT i.id FROM identifications i WHERE i.created_at < @cutoff AND NOT EXISTS (
      SELECT 1 FROM outbox o WHERE o.identification_id = i.id AND NOT ${settledOutboxRow})`;
    this.sql(`DELETE FROM outbox WHERE identification_id IN (${old})`).run({ cutoff });
    return this.sql(`DELETE FROM identifications WHERE id IN (${old})`).run({ cutoff }).changes;
  }

  /** Cached requests in a final state whose last change (server time) is before `cutoff`. */
  removeClosedRequestsBefore(cutoff: string): number {
    return this.sql(`DELETE FROM enablement_requests WHERE updated_at < ? AND status IN ${finalRequestStates}`).run(cutoff).changes;
  }

  /** Outcomes for this applicant not yet settled (waiting to be sent, or an unhandled problem). */
  unsettledOutcomesOf(fiscalCode: string): number {
    return (
      this.sql(
        `SELECT count(*) AS n FROM outbox o JOIN identifications i ON i.id = o.identification_id WHERE i.fiscal_code = ? AND NOT ${settledOutboxRow}`,
      ).get(fiscalCode) as { n: number }
    ).n;
  }

  /** Every local trace of one applicant: ids of their requests, then the rows removed. */
  eraseApplicant(fiscalCode: string): { requestIds: string[]; identifications: number; requests: number } {
    const requestIds = (
      this.sql(
        'SELECT id FROM enablement_requests WHERE fiscal_code = @fiscalCode UNION SELECT request_id FROM identifications WHERE fiscal_code = @fiscalCode',
      ).all({ fiscalCode }) as Array<{ id: string }>
    ).map((row) => row.id);
    this.sql('DELETE FROM outbox WHERE identification_id IN (SELECT id FROM identifications WHERE fiscal_code = ?)').run(fiscalCode);
    const identifications = this.sql('DELETE FROM identifications WHERE fiscal_code = ?').run(fiscalCode).changes;
    const requests = this.sql('DELETE FROM enablement_requests WHERE fiscal_code = ?').run(fiscalCode).changes;
    this.sql('DELETE FROM enablement_requests_refetch WHERE fiscal_code = ?').run(fiscalCode);
    return { requestIds, identifications, requests };
  }
}
