import { createHash } from 'node:crypto';
import type { LocalStore } from '../store/database';
import { statementCache } from '../store/statements';

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

/** The statements behind the sync status: index searches only (tests check their plans). */
export const outboxStatusSql = {
  queue: `SELECT state, count(*) AS n FROM outbox WHERE state IN ('pending', 'sending', 'retry_wait', 'conflict', 'dead') GROUP BY state`,
  problems: `SELECT count(*) AS n FROM outbox WHERE state IN ('conflict', 'dead') AND handled_at IS NULL`,
  acked: `SELECT count(*) AS n FROM outbox WHERE state = 'acked'`,
};

const columns = `op_id AS opId, seq, identification_id AS identificationId, payload, payload_hash AS payloadHash, state, attempts,
  next_attempt_at AS nextAttemptAt, last_error AS lastError, result, problem_code AS problemCode, handled_at AS handledAt,
  handled_note AS handledNote, updated_at AS updatedAt`;

/**
 * The drain's claim: two index range scans (state, seq) and (state, next_attempt_at),
 * merged by seq: no scan of the whole queue per batch. Only the signed-in operator's
 * outcomes: the central service takes an outcome only from the token of the operator who
 * recorded it. None behind an earlier outcome of that operator for its request still to send:
 * found from the request (its index), then each one's row in the queue. CROSS JOIN keeps
 * SQLite to that order; walking the queue before each row instead made a claim O(rows²).
 */
const claimSelect = (where: string) =>
  `SELECT ${columns}, request_id AS requestId FROM outbox JOIN identifications ON identifications.id = outbox.identification_id
   WHERE ${where} AND identifications.operator_id = @operatorId
     AND NOT EXISTS (SELECT 1 FROM identifications earlier CROSS JOIN outbox queued ON queued.identification_id = earlier.id
       WHERE earlier.request_id = identifications.request_id AND earlier.operator_id = @operatorId AND queued.seq < outbox.seq
         AND queued.state IN ('pending', 'sending', 'retry_wait'))
   ORDER BY seq LIMIT @limit`;
export const outboxClaimSql = {
  pending: claimSelect(`state = 'pending'`),
  waiting: claimSelect(`state = 'retry_wait' AND next_attempt_at <= @nowMs`),
};

export const payloadHash = (payload: string) => createHash('sha256').update(payload).digest('hex');

export class OutboxRepository {
  private readonly sql: ReturnType<typeof statementCache>;

  constructor(
    private readonly store: LocalStore,
    private readonly nowIso: () => string = () => new Date().toISOString(),
  ) {
    this.sql = statementCache(store.sqlite);
  }

  /** Queues the payload of a recorded identification; call in the transaction that records it. */
  enqueue(identificationId: string, opId: string, payload: string): void {
    const seq = ((this.sql('SELECT max(seq) AS seq FROM outbox').get() as { seq: number | null }).seq ?? 0) + 1;
    this.sql(
      `INSERT INTO outbox (op_id, seq, identification_id, payload, payload_hash, state, attempts, next_attempt_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'pending', 0, 0, ?)`,
    ).run(opId, seq, identificationId, payload, payloadHash(payload), this.nowIso());
  }

  get(opId: string): OutboxEntry | null {
    return (this.sql(`SELECT ${columns} FROM outbox WHERE op_id = ?`).get(opId) as OutboxEntry | undefined) ?? null;
  }

  /** At start-up and as a drain begins: a row caught `sending` by a crash or a failed drain goes again, same key, same body. */
  recoverSending(): number {
    return this.sql(`UPDATE outbox SET state = 'pending', updated_at = ? WHERE state = 'sending'`).run(this.nowIso()).changes;
  }

  /** The oldest row due now (of one operator's outcomes, when given), or null. */
  nextDue(nowMs: number, operatorId: string | null = null): OutboxEntry | null {
    const mine = operatorId === null ? '' : 'AND identification_id IN (SELECT id FROM identifications WHERE operator_id = @operatorId)';
    const pending = this.sql(`SELECT ${columns} FROM outbox WHERE state = 'pending' ${mine} ORDER BY seq LIMIT 1`).get(
      operatorId === null ? {} : { operatorId },
    ) as OutboxEntry | undefined;
    const waiting = this.sql(
      `SELECT ${columns} FROM outbox WHERE state = 'retry_wait' AND next_attempt_at <= @nowMs ${mine} ORDER BY seq LIMIT 1`,
    ).get(operatorId === null ? { nowMs } : { nowMs, operatorId }) as OutboxEntry | undefined;
    if (pending && waiting) return pending.seq < waiting.seq ? pending : waiting;
    return pending ?? waiting ?? null;
  }

  /**
   * Claims up to `limit` rows due now, at most one per enablement request and none behind
   * an earlier outcome of the same operator for its request still to send (waiting out a
   * backoff, say): two outcomes for one request go in order. (One another operator recorded
   * goes with that operator's sign-in; it does not hold this one.) Marks them `sending` in
   * one transaction.
   */
  claimDue(nowMs: number, limit: number, operatorId: string): OutboxEntry[] {
    // `sending` need not reach the disk: a row caught in it by a crash goes again anyway.
    return this.store.inTransaction(
      () => {
        // `limit` of each: the claim's SQL already leaves out a row behind an earlier one for
        // its request, so no request comes twice (the check below stays, as a guard).
        const pending = this.sql(outboxClaimSql.pending).all({ operatorId, limit }) as Array<OutboxEntry & { requestId: string }>;
        const waiting = this.sql(outboxClaimSql.waiting).all({ nowMs, operatorId, limit }) as Array<OutboxEntry & { requestId: string }>;
        const rows = [...pending, ...waiting].sort((a, b) => a.seq - b.seq);
        const seen = new Set<string>();
        const claimed: OutboxEntry[] = [];
        for (const { requestId, ...row } of rows) {
          if (seen.has(requestId) || claimed.length >= limit) continue;
          seen.add(requestId);
          claimed.push({ ...row, state: 'sending', attempts: row.attempts + 1 });
        }
        // One statement marks the batch (measured a little cheaper than one per row).
        this.sql(
          `UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE op_id IN (SELECT value FROM json_each(?))`,
        ).run(this.nowIso(), JSON.stringify(claimed.map((entry) => entry.opId)));
        return claimed;
      },
      { durable: false },
    );
  }

  /** Outcomes still to send that other operators recorded: they go when those operators sign in online. */
  awaitingOthers(operatorId: string | null): number {
    const row = this.sql(
      `SELECT count(*) AS n FROM outbox JOIN identifications ON identifications.id = outbox.identification_id
         WHERE state IN ('pending', 'sending', 'retry_wait') AND identifications.operator_id IS NOT @operatorId`,
    ).get({ operatorId }) as { n: number };
    return row.n;
  }

  /** When the next waiting row falls due (epoch ms), or null. */
  nextWakeAt(): number | null {
    const row = this.sql(`SELECT min(next_attempt_at) AS at FROM outbox WHERE state = 'retry_wait'`).get() as { at: number | null };
    return row.at;
  }

  private update(opId: string, set: string, ...values: unknown[]): void {
    this.sql(`UPDATE outbox SET ${set}, updated_at = ? WHERE op_id = ?`).run(...values, this.nowIso(), opId);
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

  /**
   * The queue's counts (everything but the acknowledged history), read from the (state,
   * seq) index: what the sync status shows after every batch costs the queue, not the
   * history (a desk keeps thousands of acknowledged rows until retention purges them).
   */
  queueCounts(): Omit<OutboxCounts, 'acked'> {
    const rows = this.sql(outboxStatusSql.queue).all() as { state: Exclude<OutboxState, 'acked'>; n: number }[];
    const counts: Omit<OutboxCounts, 'acked'> = { pending: 0, sending: 0, retryWait: 0, conflict: 0, dead: 0, problems: 0 };
    for (const row of rows) {
      if (row.state === 'retry_wait') counts.retryWait = row.n;
      else counts[row.state] = row.n;
    }
    counts.problems = (this.sql(outboxStatusSql.problems).get() as { n: number }).n;
    return counts;
  }

  /** Every state's count, the history's too (reports and tests; not for every status). */
  counts(): OutboxCounts {
    return { ...this.queueCounts(), acked: (this.sql(outboxStatusSql.acked).get() as { n: number }).n };
  }
}
