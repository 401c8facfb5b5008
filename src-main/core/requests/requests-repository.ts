import { enablementRequestSchema, type EnablementRequest } from '../../../shared/contract/central-api';
import type { LocalStore } from '../store/database';
import { statementCache, type Statement } from '../store/statements';
import { requestRow, type RequestRow } from './request-row';

/**
 * Cached enablement requests. Keyed by the canonical fiscal code, so an omocode variant
 * scanned from a card finds the request. A change only lands if its version is not
 * older than what the cache holds.
 */
export type RequestTable = 'enablement_requests' | 'enablement_requests_refetch';

export class RequestsRepository {
  private readonly upserts: Record<RequestTable, Statement>;
  private readonly sql: (text: string) => Statement;

  constructor(private readonly store: LocalStore) {
    this.sql = statementCache(store.sqlite);
    const upsert = (table: RequestTable) =>
      this.sql(
        `INSERT INTO ${table} (id, version, fiscal_code, status, body, updated_at) VALUES (@id, @version, @fiscalCode, @status, @body, @updatedAt)
         ON CONFLICT(id) DO UPDATE SET version = excluded.version, fiscal_code = excluded.fiscal_code, status = excluded.status,
           body = excluded.body, updated_at = excluded.updated_at
         WHERE excluded.version >= ${table}.version`,
      );
    this.upserts = {
      enablement_requests: upsert('enablement_requests'),
      enablement_requests_refetch: upsert('enablement_requests_refetch'),
    };
  }

  /**
   * Requests from the service, cached. `erasedAfter`: the epoch the fetch that brought them
   * began at (`ErasureGuard`); the requests of an applicant erased since then are left out.
   * Call inside a transaction.
   */
  upsert(requests: readonly EnablementRequest[], erasedAfter?: number): void {
    this.upsertRows(requests.map(requestRow), 'enablement_requests', erasedAfter);
  }

  /**
   * Rows made beforehand (`requestRow`: the pull hands them to its writer's thread), as
   * `upsert`. Call inside the page's transaction.
   */
  upsertRows(rows: readonly RequestRow[], table: RequestTable = 'enablement_requests', erasedAfter?: number): void {
    const statement = this.upserts[table];
    const erased =
      erasedAfter === undefined
        ? null
        : new Set(
            (this.sql('SELECT fiscal_code AS code FROM erased_applicants WHERE epoch > ?').all(erasedAfter) as Array<{ code: string }>).map(
              (row) => row.code,
            ),
          );
    for (const row of rows) if (!erased?.has(row.fiscalCode)) statement.run(row);
  }

  /** Every cached request for a canonical fiscal code, newest first. Rows that fail the schema are skipped. */
  findByFiscalCode(canonical: string): EnablementRequest[] {
    const rows = this.sql('SELECT body FROM enablement_requests WHERE fiscal_code = ? ORDER BY updated_at DESC').all(canonical) as {
      body: string;
    }[];
    const requests: EnablementRequest[] = [];
    for (const row of rows) {
      const parsed = enablementRequestSchema.safeParse(JSON.parse(row.body));
      if (parsed.success) requests.push(parsed.data);
    }
    return requests;
  }

  findById(id: string): EnablementRequest | null {
    const row = this.sql('SELECT body FROM enablement_requests WHERE id = ?').get(id) as { body: string } | undefined;
    if (!row) return null;
    const parsed = enablementRequestSchema.safeParse(JSON.parse(row.body));
    return parsed.success ? parsed.data : null;
  }

  count(): number {
    return (this.sql('SELECT count(*) AS n FROM enablement_requests').get() as { n: number }).n;
  }

  clearRefetch(): void {
    this.sql('DELETE FROM enablement_requests_refetch').run();
  }

  /** Replaces the cache with the re-fetched copy. Call inside the transaction that saves the cursor. */
  swapInRefetch(): void {
    this.store.sqlite.exec(`DELETE FROM enablement_requests;
      INSERT INTO enablement_requests (id, version, fiscal_code, status, body, updated_at)
        SELECT id, version, fiscal_code, status, body, updated_at FROM enablement_requests_refetch;
      DELETE FROM enablement_requests_refetch;`);
  }
}
