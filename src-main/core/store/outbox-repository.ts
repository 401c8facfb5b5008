import { createHash } from 'node:crypto';
import type { LocalStore } from '../db/database';
import { statementCache } from '../db/statements';

/**
 * The transactional outbox. An outcome and its outbox row are written in one
 * transaction; the payload never changes after that. States:
 *   pending → sending → acked | conflict | retry_wait | dead
 * A row left `sending` by a crash is sent again with the same key at start-up.
 */
export type OutboxState = 'pending' | 'sending' | 'acked' | 'conflict' | 'retry_wait' | 'dead';

export interface OutboxEntry {
  opId: string;
  seq: number;
  identificationId: string;
  payload: string;
  payloadHash: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  result: string | null;
  problemCode: string | null;
  handledAt: string | null;
  handledNote: string | null;
  updatedAt: string;
}

export interface IdentificationRow {
  id: string;
  requestId: string;
  requestVersion: number;
  fiscalCode: string;
  outcome: 'confirmed' | 'refused';
  operatorId: string;
  body: string;
  createdAt: string;
}

export interface OutboxCounts {
  pending: number;
  sending: number;
  retryWait: number;
  acked: number;
  conflict: number;
  dead: number;
  /** Conflicts and dead rows not yet marked handled. */
  problems: number;
}

export const payloadHash = (payload: string) => createHash('sha256').update(payload).digest('hex');

/** UTC instants bounding a calendar day in Italy (DST-aware), as ISO strings. */
export function dayBoundsUtc(day: string, timeZone = 'Europe/Rome'): [string, string] {
  const startOf = (isoDay: string) => {
    // Midnight in the zone: try the two possible offsets and keep the one that maps back to 00:00.
    for (const offset of [1, 2, 0]) {
      const candidate = new Date(`${isoDay}T00:00:00.000Z`);
      candidate.setUTCHours(-offset);
      const local = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(candidate);
      if (local === '00') return candidate.toISOString();
    }
    return new Date(`${isoDay}T00:00:00.000Z`).toISOString();
  };
  const next = new Date(`${day}T12:00:00.000Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return [startOf(day), startOf(next.toISOString().slice(0, 10))];
}

const columns = `op_id AS opId, seq, identification_id AS identificationId, payload, payload_hash AS payloadHash, state, attempts,
  next_attempt_at AS nextAttemptAt, last_error AS lastError, result, problem_code AS problemCode, handled_at AS handledAt,
  handled_note AS handledNote, updated_at AS updatedAt`;

export class OutboxRepository {
  private readonly sql: ReturnType<typeof statementCache>;

  constructor(
    private readonly store: LocalStore,
    private readonly nowIso: () => string = () => new Date().toISOString(),
  ) {
    this.sql = statementCache(store.sqlite);
  }

  private get db() {
    return this.store.sqlite;
  }

  /** Runs `work` in one immediate transaction (nested writes join it). */
  inTransaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  /** Records an outcome and its outbox row atomically. */
  enqueue(identification: IdentificationRow, opId: string, payload: string): OutboxEntry {
    const write = this.db.transaction(() => {
      this.sql(
        `INSERT INTO identifications (id, request_id, request_version, fiscal_code, outcome, operator_id, body, created_at)
           VALUES (@id, @requestId, @requestVersion, @fiscalCode, @outcome, @operatorId, @body, @createdAt)`,
      ).run(identification);
      const seq = ((this.sql('SELECT max(seq) AS seq FROM outbox').get() as { seq: number | null }).seq ?? 0) + 1;
      this.sql(
        `INSERT INTO outbox (op_id, seq, identification_id, payload, payload_hash, state, attempts, next_attempt_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'pending', 0, 0, ?)`,
      ).run(opId, seq, identification.id, payload, payloadHash(payload), this.nowIso());
    });
    write.immediate();
    return this.get(opId)!;
  }

  get(opId: string): OutboxEntry | null {
    return (this.sql(`SELECT ${columns} FROM outbox WHERE op_id = ?`).get(opId) as OutboxEntry | undefined) ?? null;
  }

  all(): OutboxEntry[] {
    return this.sql(`SELECT ${columns} FROM outbox ORDER BY seq`).all() as OutboxEntry[];
  }

  /** At start-up: a row caught `sending` by a crash goes again, same key, same body. */
  recoverSending(): number {
    return this.sql(`UPDATE outbox SET state = 'pending', updated_at = ? WHERE state = 'sending'`).run(this.nowIso()).changes;
  }

  /** The oldest row due now, or null. */
  nextDue(nowMs: number): OutboxEntry | null {
    const pending = this.sql(`SELECT ${columns} FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT 1`).get() as OutboxEntry | undefined;
    const waiting = this.sql(`SELECT ${columns} FROM outbox WHERE state = 'retry_wait' AND next_attempt_at <= ? ORDER BY seq LIMIT 1`).get(
      nowMs,
    ) as OutboxEntry | undefined;
    if (pending && waiting) return pending.seq < waiting.seq ? pending : waiting;
    return pending ?? waiting ?? null;
  }

  /**
   * Claims up to `limit` rows due now, at most one per enablement request (so two
   * outcomes for one request go in order), and marks them `sending` in one transaction.
   */
  claimDue(nowMs: number, limit: number): OutboxEntry[] {
    const claim = this.db.transaction(() => {
      // Two index range scans (state, seq) and (state, next_attempt_at), merged by seq:
      // no scan of the whole queue per batch.
      const select = (where: string) =>
        `SELECT ${columns}, request_id AS requestId FROM outbox JOIN identifications ON identifications.id = outbox.identification_id
         WHERE ${where} ORDER BY seq LIMIT ?`;
      const pending = this.sql(select(`state = 'pending'`)).all(limit * 2) as Array<OutboxEntry & { requestId: string }>;
      const waiting = this.sql(select(`state = 'retry_wait' AND next_attempt_at <= ?`)).all(nowMs, limit * 2) as Array<
        OutboxEntry & { requestId: string }
      >;
      const rows = [...pending, ...waiting].sort((a, b) => a.seq - b.seq);
      const seen = new Set<string>();
      const claimed: OutboxEntry[] = [];
      const mark = this.sql(`UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE op_id = ?`);
      for (const { requestId, ...row } of rows) {
        if (seen.has(requestId) || claimed.length >= limit) continue;
        seen.add(requestId);
        mark.run(this.nowIso(), row.opId);
        claimed.push({ ...row, state: 'sending', attempts: row.attempts + 1 });
      }
      return claimed;
    });
    return claim.immediate();
  }

  /** When the next waiting row falls due (epoch ms), or null. */
  nextWakeAt(): number | null {
    const row = this.sql(`SELECT min(next_attempt_at) AS at FROM outbox WHERE state = 'retry_wait'`).get() as { at: number | null };
    return row.at;
  }

  private update(opId: string, set: string, ...values: unknown[]): void {
    this.sql(`UPDATE outbox SET ${set}, updated_at = ? WHERE op_id = ?`).run(...values, this.nowIso(), opId);
  }

  markSending(opId: string): void {
    this.update(opId, `state = 'sending', attempts = attempts + 1`);
  }

  markAcked(opId: string, result: string): void {
    this.update(opId, `state = 'acked', result = ?, last_error = NULL, problem_code = NULL`, result);
  }

  markConflict(opId: string, code: string, result: string): void {
    this.update(opId, `state = 'conflict', result = ?, problem_code = ?, last_error = NULL`, result, code);
  }

  markRetry(opId: string, nextAttemptAt: number, error: string): void {
    this.update(opId, `state = 'retry_wait', next_attempt_at = ?, last_error = ?`, nextAttemptAt, error);
  }

  markDead(opId: string, code: string, error: string): void {
    this.update(opId, `state = 'dead', problem_code = ?, last_error = ?`, code, error);
  }

  /** Back to the queue without counting against it (e.g. sign-in needed). */
  markPending(opId: string, error: string | null = null): void {
    this.update(opId, `state = 'pending', last_error = ?`, error);
  }

  /** "Retry now": waiting and dead rows go back to pending, due at once. Returns how many. */
  retryNow(opId?: string): number {
    const where = opId ? `op_id = ? AND state IN ('retry_wait', 'dead')` : `state = 'retry_wait'`;
    const statement = this.sql(
      `UPDATE outbox SET state = 'pending', next_attempt_at = 0, problem_code = NULL, updated_at = ? WHERE ${where}`,
    );
    return (opId ? statement.run(this.nowIso(), opId) : statement.run(this.nowIso())).changes;
  }

  markHandled(opId: string, note: string): boolean {
    return (
      this.sql(
        `UPDATE outbox SET handled_at = ?, handled_note = ?, updated_at = ? WHERE op_id = ? AND state IN ('conflict', 'dead') AND handled_at IS NULL`,
      ).run(this.nowIso(), note, this.nowIso(), opId).changes === 1
    );
  }

  problems(): OutboxEntry[] {
    return this.sql(
      `SELECT ${columns} FROM outbox WHERE state IN ('conflict', 'dead') AND handled_at IS NULL ORDER BY seq`,
    ).all() as OutboxEntry[];
  }

  counts(): OutboxCounts {
    const rows = this.sql(
      `SELECT state, count(*) AS n, sum(CASE WHEN handled_at IS NULL THEN 1 ELSE 0 END) AS open FROM outbox GROUP BY state`,
    ).all() as {
      state: OutboxState;
      n: number;
      open: number;
    }[];
    const counts: OutboxCounts = { pending: 0, sending: 0, retryWait: 0, acked: 0, conflict: 0, dead: 0, problems: 0 };
    for (const row of rows) {
      if (row.state === 'retry_wait') counts.retryWait = row.n;
      else counts[row.state] = row.n;
      if (row.state === 'conflict' || row.state === 'dead') counts.problems += row.open;
    }
    return counts;
  }

  stateOfIdentification(identificationId: string): OutboxState | null {
    return (
      (this.sql('SELECT state FROM outbox WHERE identification_id = ?').get(identificationId) as { state: OutboxState } | undefined)
        ?.state ?? null
    );
  }

  /**
   * Identifications recorded on a calendar day (Italian time), oldest first, with their
   * sync state. `created_at` is UTC ISO; the day's bounds are computed for Europe/Rome.
   */
  identificationsOfDay(day: string): Array<IdentificationRow & { syncState: OutboxState }> {
    const rows = this.sql(
      `SELECT id, request_id AS requestId, request_version AS requestVersion, fiscal_code AS fiscalCode, outcome, operator_id AS operatorId, body,
              created_at AS createdAt, outbox.state AS syncState
       FROM identifications JOIN outbox ON outbox.identification_id = identifications.id
       WHERE created_at >= ? AND created_at < ? ORDER BY created_at`,
    ).all(...dayBoundsUtc(day)) as Array<IdentificationRow & { syncState: OutboxState }>;
    return rows;
  }

  identification(id: string): IdentificationRow | null {
    return (
      (this.sql(
        `SELECT id, request_id AS requestId, request_version AS requestVersion, fiscal_code AS fiscalCode, outcome, operator_id AS operatorId, body, created_at AS createdAt
           FROM identifications WHERE id = ?`,
      ).get(id) as IdentificationRow | undefined) ?? null
    );
  }
}
