import { createHash } from 'node:crypto';
import type { LocalStore } from './db/database';
import { statementCache } from './db/statements';

/**
 * The audit trail: who did what, on whose fiscal code, when. Append-only in the schema
 * (triggers refuse UPDATE and DELETE) and hash-chained: each entry's hash covers its
 * content and the previous hash, so an edit made around the app (a raw SQL session, a
 * restored file) breaks the chain at the first altered entry.
 */
export type AuditAction =
  | 'sign-in'
  | 'sign-in-failed'
  | 'sign-out'
  | 'lookup'
  | 'view-applicant'
  | 'print'
  | 'confirm'
  | 'refuse'
  | 'export'
  | 'settings-change'
  | 'problem-handled'
  | 'purge'
  | 'erasure';

export interface AuditEntry {
  seq: number;
  at: string;
  operatorId: string | null;
  action: AuditAction;
  fiscalCode: string | null;
  subject: string | null;
  prevHash: string;
  hash: string;
}

export type AuditVerification =
  { ok: true; entries: number } | { ok: false; entries: number; firstBrokenSeq: number; reason: 'hash' | 'link' | 'sequence' };

const genesis = '0'.repeat(64);

export function auditHash(prevHash: string, entry: Omit<AuditEntry, 'prevHash' | 'hash'>): string {
  const content = JSON.stringify([entry.seq, entry.at, entry.operatorId, entry.action, entry.fiscalCode, entry.subject]);
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

export class AuditLog {
  private readonly sql: ReturnType<typeof statementCache>;

  constructor(
    private readonly store: LocalStore,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.sql = statementCache(store.sqlite);
  }

  /** Appends one entry; call inside the transaction of the action it records, where there is one. */
  append(
    action: AuditAction,
    details: { operatorId?: string | null; fiscalCode?: string | null; subject?: string | null } = {},
  ): AuditEntry {
    const write = this.store.sqlite.transaction(() => {
      const last = this.sql('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
      const entry = {
        seq: (last?.seq ?? 0) + 1,
        at: this.now().toISOString(),
        operatorId: details.operatorId ?? null,
        action,
        fiscalCode: details.fiscalCode ?? null,
        subject: details.subject ?? null,
      };
      const prevHash = last?.hash ?? genesis;
      const hash = auditHash(prevHash, entry);
      this.sql(
        'INSERT INTO audit_log (seq, at, operator_id, action, fiscal_code, subject, prev_hash, hash) VALUES (@seq, @at, @operatorId, @action, @fiscalCode, @subject, @prevHash, @hash)',
      ).run({ ...entry, prevHash, hash });
      return { ...entry, prevHash, hash };
    });
    return write.immediate();
  }

  entries(limit = 1000): AuditEntry[] {
    return this.sql(
      `SELECT seq, at, operator_id AS operatorId, action, fiscal_code AS fiscalCode, subject, prev_hash AS prevHash, hash FROM audit_log ORDER BY seq DESC LIMIT ?`,
    ).all(limit) as AuditEntry[];
  }

  /** Walks the whole chain; reports the first entry whose link, hash or sequence is wrong. */
  verify(): AuditVerification {
    let prevHash = genesis;
    let expectedSeq = 1;
    let count = 0;
    for (const row of this.sql(
      'SELECT seq, at, operator_id AS operatorId, action, fiscal_code AS fiscalCode, subject, prev_hash AS prevHash, hash FROM audit_log ORDER BY seq',
    ).iterate() as Iterable<AuditEntry>) {
      count++;
      if (row.seq !== expectedSeq) return { ok: false, entries: count, firstBrokenSeq: row.seq, reason: 'sequence' };
      if (row.prevHash !== prevHash) return { ok: false, entries: count, firstBrokenSeq: row.seq, reason: 'link' };
      if (auditHash(prevHash, row) !== row.hash) return { ok: false, entries: count, firstBrokenSeq: row.seq, reason: 'hash' };
      prevHash = row.hash;
      expectedSeq++;
    }
    return { ok: true, entries: count };
  }
}
