import { createHash } from 'node:crypto';
import type { LocalStore } from '../store/database';
import { statementCache } from '../store/statements';

/**
 * The audit trail: who did what, on whose fiscal code, when. Append-only in the schema
 * (triggers refuse UPDATE and DELETE) and hash-chained: each entry's hash covers its
 * content and the previous hash, so an edit made around the app (a raw SQL session, a
 * restored file) breaks the chain at the first altered entry.
 */
export type AuditAction =
  | 'sign-in'
  | 'sign-in-failed'
  | 'password-failed'
  | 'sign-out'
  | 'unlock'
  | 'lookup'
  | 'view-applicant'
  | 'view-draft'
  | 'view-archive'
  | 'view-statistics'
  | 'view-history'
  | 'view-problems'
  | 'print'
  | 'confirm'
  | 'refuse'
  | 'export'
  | 'settings-change'
  | 'problem-handled'
  | 'purge'
  | 'erasure'
  | 'erasure-preview'
  | 'password-changed'
  | 'operator-created'
  | 'operator-changed';

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
  | { ok: true; entries: number }
  | { ok: false; entries: number; firstBrokenSeq: number; reason: 'hash' | 'link' | 'sequence' | 'checkpoint' };

interface Checkpoint {
  throughSeq: number;
  hash: string;
}

/** A checkpoint as kept: with the time of the purge that made it. */
export interface StoredCheckpoint extends Checkpoint {
  at: string;
}

/** How a purge entry cites the checkpoint it made (verification looks for it). */
export function checkpointCitation(checkpoint: Checkpoint): string {
  return `checkpoint=${checkpoint.throughSeq}:${checkpoint.hash}`;
}

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
      // After a purge that removed every entry, the chain goes on from its checkpoint.
      const last =
        (this.sql('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined) ??
        this.checkpointAsLast();
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

  /** The chain's head: its last entry (sequence, hash, when recorded), null when there is none. */
  head(): { sequence: number; hash: string; at: string } | null {
    const last = this.sql('SELECT seq, hash, at FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string; at: string } | undefined;
    return last ? { sequence: last.seq, hash: last.hash, at: last.at } : null;
  }

  /** The last purge's checkpoint, with when it was made. */
  checkpoint(): StoredCheckpoint | null {
    return (
      (this.sql('SELECT through_seq AS throughSeq, hash, at FROM audit_checkpoints ORDER BY through_seq DESC LIMIT 1').get() as
        StoredCheckpoint | undefined) ?? null
    );
  }

  /**
   * What the chain holds at `seq` now: the entry's hash; or `purged` when a retention
   * purge removed it (with the checkpoint's hash when the purge ended exactly there);
   * or `missing` past the end.
   */
  hashAt(seq: number): { state: 'present'; hash: string } | { state: 'purged'; hash: string | null } | { state: 'missing' } {
    const row = this.sql('SELECT hash FROM audit_log WHERE seq = ?').get(seq) as { hash: string } | undefined;
    if (row) return { state: 'present', hash: row.hash };
    const checkpoint = this.latestCheckpoint();
    if (checkpoint && seq <= checkpoint.throughSeq)
      return { state: 'purged', hash: seq === checkpoint.throughSeq ? checkpoint.hash : null };
    return { state: 'missing' };
  }

  private latestCheckpoint(): Checkpoint | undefined {
    return this.sql('SELECT through_seq AS throughSeq, hash FROM audit_checkpoints ORDER BY through_seq DESC LIMIT 1').get() as
      Checkpoint | undefined;
  }

  private checkpointAsLast(): { seq: number; hash: string } | undefined {
    const checkpoint = this.latestCheckpoint();
    return checkpoint ? { seq: checkpoint.throughSeq, hash: checkpoint.hash } : undefined;
  }

  /**
   * Removes the entries recorded before `cutoff` (retention). The chain stays verifiable:
   * a checkpoint keeps the hash of the last entry removed, and the purge entry the caller
   * appends in the same transaction cites it. Returns the checkpoint, or null when
   * nothing was old enough.
   */
  removeBefore(cutoff: string): (Checkpoint & { removed: number }) | null {
    const last = this.sql('SELECT seq, hash FROM audit_log WHERE at < ? ORDER BY seq DESC LIMIT 1').get(cutoff) as
      { seq: number; hash: string } | undefined;
    if (!last) return null;
    const checkpoint = { throughSeq: last.seq, hash: last.hash };
    this.sql('INSERT INTO audit_checkpoints (through_seq, hash, at) VALUES (?, ?, ?)').run(last.seq, last.hash, this.now().toISOString());
    const removed = this.sql('DELETE FROM audit_log WHERE seq <= ?').run(last.seq).changes;
    return { ...checkpoint, removed };
  }

  /**
   * Walks the whole chain from its start (or from the last purge's checkpoint); reports
   * the first entry whose link, hash or sequence is wrong, or a checkpoint that no purge
   * entry in the chain cites (one added around the app to hide a deletion).
   */
  verify(): AuditVerification {
    const checkpoint = this.latestCheckpoint();
    let prevHash = checkpoint?.hash ?? genesis;
    let expectedSeq = (checkpoint?.throughSeq ?? 0) + 1;
    let count = 0;
    const citation = checkpoint ? checkpointCitation(checkpoint) : null;
    let cited = citation === null;
    for (const row of this.sql(
      'SELECT seq, at, operator_id AS operatorId, action, fiscal_code AS fiscalCode, subject, prev_hash AS prevHash, hash FROM audit_log ORDER BY seq',
    ).iterate() as Iterable<AuditEntry>) {
      count++;
      if (row.seq !== expectedSeq) return { ok: false, entries: count, firstBrokenSeq: row.seq, reason: 'sequence' };
      if (row.prevHash !== prevHash) return { ok: false, entries: count, firstBrokenSeq: row.seq, reason: 'link' };
      if (auditHash(prevHash, row) !== row.hash) return { ok: false, entries: count, firstBrokenSeq: row.seq, reason: 'hash' };
      if (!cited && row.action === 'purge' && row.subject?.includes(citation!)) cited = true;
      prevHash = row.hash;
      expectedSeq++;
    }
    if (!cited) return { ok: false, entries: count, firstBrokenSeq: checkpoint!.throughSeq + 1, reason: 'checkpoint' };
    return { ok: true, entries: count };
  }
}
