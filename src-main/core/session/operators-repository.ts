import { z } from 'zod';
import { officeSchema, operatorSchema, type Office, type Operator } from '../../../shared/contract';
import type { LocalStore } from '../store/database';
import { statementCache } from '../store/statements';

/** A scrypt verifier as stored (parameters, salt, hash). */
export const passwordVerifierSchema = z.object({
  N: z
    .number()
    .int()
    .min(1024)
    .max(2 ** 20),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(16),
  keyLength: z.number().int().min(16).max(64),
  salt: z.base64(),
  hash: z.base64(),
});
export type PasswordVerifier = z.infer<typeof passwordVerifierSchema>;

const cachedBodySchema = z.object({ operator: operatorSchema, office: officeSchema, canIdentify: z.boolean().default(true) });

export interface CachedOperator {
  operator: Operator;
  office: Office;
  /** As the central service said at the last online sign-in. */
  canIdentify: boolean;
  verifier: PasswordVerifier;
  /** Device time (ms) of the last online sign-in. */
  lastOnlineAt: number;
}

/** Operators who signed in online on this PC (the `operators` table). */
export class OperatorsRepository {
  private readonly sql: ReturnType<typeof statementCache>;

  constructor(store: LocalStore) {
    this.sql = statementCache(store.sqlite);
  }

  remember(key: string, entry: CachedOperator): void {
    this.sql(
      `INSERT INTO operators (key, operator_id, body, verifier, last_online_at) VALUES (@key, @operatorId, @body, @verifier, @lastOnlineAt)
       ON CONFLICT (key) DO UPDATE SET operator_id = excluded.operator_id, body = excluded.body, verifier = excluded.verifier, last_online_at = excluded.last_online_at`,
    ).run({
      key,
      operatorId: entry.operator.id,
      body: JSON.stringify({ operator: entry.operator, office: entry.office, canIdentify: entry.canIdentify }),
      verifier: JSON.stringify(entry.verifier),
      lastOnlineAt: new Date(entry.lastOnlineAt).toISOString(),
    });
  }

  /** The cached operator, or null when absent or unreadable (an unreadable row is never trusted). */
  find(key: string): CachedOperator | null {
    const row = this.sql('SELECT body, verifier, last_online_at AS lastOnlineAt FROM operators WHERE key = ?').get(key) as
      { body: string; verifier: string; lastOnlineAt: string } | undefined;
    if (!row) return null;
    try {
      const body = cachedBodySchema.parse(JSON.parse(row.body));
      const verifier = passwordVerifierSchema.parse(JSON.parse(row.verifier));
      const lastOnlineAt = Date.parse(row.lastOnlineAt);
      if (!Number.isFinite(lastOnlineAt)) return null;
      return { ...body, verifier, lastOnlineAt };
    } catch {
      return null;
    }
  }

  forget(key: string): void {
    this.sql('DELETE FROM operators WHERE key = ?').run(key);
  }

  /** Retention: operators whose last online sign-in here is older than `cutoff` (ISO). */
  forgetNotSeenSince(cutoff: string): void {
    this.sql('DELETE FROM operators WHERE last_online_at < ?').run(cutoff);
  }
}

/** Consecutive wrong passwords per account (the `sign_in_failures` table). */
export class SignInFailuresRepository {
  private readonly sql: ReturnType<typeof statementCache>;

  constructor(store: LocalStore) {
    this.sql = statementCache(store.sqlite);
  }

  get(key: string): { failures: number; lastFailureAt: number } | null {
    return (
      (this.sql('SELECT failures, last_failure_at AS lastFailureAt FROM sign_in_failures WHERE key = ?').get(key) as
        { failures: number; lastFailureAt: number } | undefined) ?? null
    );
  }

  /** One more wrong password at `at` (epoch ms); returns the count. */
  increment(key: string, at: number): number {
    const row = this.sql(
      `INSERT INTO sign_in_failures (key, failures, last_failure_at) VALUES (?, 1, ?)
       ON CONFLICT (key) DO UPDATE SET failures = failures + 1, last_failure_at = excluded.last_failure_at RETURNING failures`,
    ).get(key, at) as { failures: number };
    return row.failures;
  }

  clear(key: string): void {
    this.sql('DELETE FROM sign_in_failures WHERE key = ?').run(key);
  }

  /** Retention: counts whose last wrong password is older than `cutoff` (epoch ms). */
  forgetOlderThan(cutoff: number): void {
    this.sql('DELETE FROM sign_in_failures WHERE last_failure_at < ?').run(cutoff);
  }
}
