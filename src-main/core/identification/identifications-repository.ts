import type { OutboxState } from '../sync/outbox-repository';
import type { LocalStore } from '../store/database';
import { statementCache } from '../store/statements';

/** An identification as stored: the outcome staff recorded, and its record (`body`, JSON). */
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

export interface Delivery {
  syncState: OutboxState;
  problemCode: string | null;
  lastError: string | null;
}

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

const columns = `id, request_id AS requestId, request_version AS requestVersion, fiscal_code AS fiscalCode, outcome,
  operator_id AS operatorId, body, created_at AS createdAt`;

/** The `identifications` table: the outcomes recorded at this desk (each with its outbox row). */
export class IdentificationsRepository {
  private readonly sql: ReturnType<typeof statementCache>;

  constructor(store: LocalStore) {
    this.sql = statementCache(store.sqlite);
  }

  /** Call in the transaction that queues its outbox row. */
  insert(identification: IdentificationRow): void {
    this.sql(
      `INSERT INTO identifications (id, request_id, request_version, fiscal_code, outcome, operator_id, body, created_at)
         VALUES (@id, @requestId, @requestVersion, @fiscalCode, @outcome, @operatorId, @body, @createdAt)`,
    ).run(identification);
  }

  get(id: string): IdentificationRow | null {
    return (this.sql(`SELECT ${columns} FROM identifications WHERE id = ?`).get(id) as IdentificationRow | undefined) ?? null;
  }

  /** Where its outcome stands with the central service: its outbox row's state and, for a problem, its code. */
  delivery(id: string): Delivery | null {
    return (
      (this.sql(
        'SELECT state AS syncState, problem_code AS problemCode, last_error AS lastError FROM outbox WHERE identification_id = ?',
      ).get(id) as Delivery | undefined) ?? null
    );
  }

  /**
   * Identifications recorded from the calendar day `from` to the day `to`, both included
   * (Italian time), oldest first, with their sync state. `created_at` is UTC ISO; the days'
   * bounds are computed for Europe/Rome.
   */
  between(from: string, to: string): Array<IdentificationRow & Delivery> {
    return this.sql(
      `SELECT ${columns}, outbox.state AS syncState, outbox.problem_code AS problemCode, outbox.last_error AS lastError
       FROM identifications JOIN outbox ON outbox.identification_id = identifications.id
       WHERE created_at >= ? AND created_at < ? ORDER BY created_at`,
    ).all(dayBoundsUtc(from)[0], dayBoundsUtc(to)[1]) as Array<IdentificationRow & Delivery>;
  }

  /** The outcomes waiting to be sent (whatever their day), and when the oldest was recorded. */
  waiting(): { count: number; oldestAt: string | null } {
    return this.sql(
      `SELECT count(*) AS count, min(created_at) AS oldestAt
       FROM identifications JOIN outbox ON outbox.identification_id = identifications.id
       WHERE outbox.state IN ('pending', 'sending', 'retry_wait')`,
    ).get() as { count: number; oldestAt: string | null };
  }

  /** Every outcome this computer recorded for one request, oldest first. */
  ofRequest(requestId: string): Array<IdentificationRow & Delivery> {
    return this.sql(
      `SELECT ${columns}, outbox.state AS syncState, outbox.problem_code AS problemCode, outbox.last_error AS lastError
       FROM identifications JOIN outbox ON outbox.identification_id = identifications.id
       WHERE request_id = ? ORDER BY created_at`,
    ).all(requestId) as Array<IdentificationRow & Delivery>;
  }
}
