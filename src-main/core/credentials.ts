import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';
import { officeSchema, operatorSchema, type Office, type Operator } from '../../shared/contract';
import type { LocalStore } from './db/database';
import { statementCache } from './db/statements';

/**
 * What this PC remembers of the operators who signed in online: a scrypt verifier for an
 * offline sign-in, and the count of consecutive wrong passwords for the increasing delay.
 * Both live in the encrypted store; neither holds a password or a token.
 */

const scryptParameters = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 } as const;

function scrypt(password: string, salt: Buffer, parameters: { N: number; r: number; p: number; keyLength: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: parameters.N, r: parameters.r, p: parameters.p, maxmem: 128 * parameters.N * parameters.r * 2 };
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFC'), salt, parameters.keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

const verifierSchema = z.object({
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
export type PasswordVerifier = z.infer<typeof verifierSchema>;

export async function createVerifier(password: string): Promise<PasswordVerifier> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, scryptParameters);
  return { ...scryptParameters, salt: salt.toString('base64'), hash: hash.toString('base64') };
}

export async function matchesVerifier(password: string, verifier: PasswordVerifier): Promise<boolean> {
  const expected = Buffer.from(verifier.hash, 'base64');
  const actual = await scrypt(password, Buffer.from(verifier.salt, 'base64'), verifier);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The account on this PC: office code and username as the person types them, normalised. */
export function accountKey(officeCode: string, username: string): string {
  return `${officeCode.trim().toUpperCase()}/${username.trim().toLowerCase()}`;
}

const cachedBodySchema = z.object({ operator: operatorSchema, office: officeSchema });

export interface CachedOperator {
  operator: Operator;
  office: Office;
  verifier: PasswordVerifier;
  /** Device time (ms) of the last online sign-in. */
  lastOnlineAt: number;
}

export class OperatorCache {
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
      body: JSON.stringify({ operator: entry.operator, office: entry.office }),
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
      const verifier = verifierSchema.parse(JSON.parse(row.verifier));
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
}

/** Wrong passwords allowed before the delay starts. */
export const freeAttempts = 5;
const firstDelayMs = 30_000;
const maxDelayMs = 15 * 60_000;

/** The wait after `failures` consecutive wrong passwords: none up to 4, then 30 s doubling to 15 min. */
export function delayAfter(failures: number): number {
  if (failures < freeAttempts) return 0;
  return Math.min(maxDelayMs, firstDelayMs * 2 ** (failures - freeAttempts));
}

/** Consecutive wrong passwords per account, kept in the store so that a restart does not reset them. */
export class SignInThrottle {
  private readonly sql: ReturnType<typeof statementCache>;

  constructor(
    store: LocalStore,
    private readonly now: () => number,
  ) {
    this.sql = statementCache(store.sqlite);
  }

  /** Milliseconds to wait before this account may try again (0: now). */
  waitFor(key: string): number {
    const row = this.sql('SELECT failures, last_failure_at AS lastFailureAt FROM sign_in_failures WHERE key = ?').get(key) as
      { failures: number; lastFailureAt: number } | undefined;
    if (!row) return 0;
    const delay = delayAfter(row.failures);
    // Never more than the delay itself: a clock turned back must not lock anyone out for days.
    return Math.min(delay, Math.max(0, row.lastFailureAt + delay - this.now()));
  }

  failed(key: string): number {
    const row = this.sql(
      `INSERT INTO sign_in_failures (key, failures, last_failure_at) VALUES (?, 1, ?)
       ON CONFLICT (key) DO UPDATE SET failures = failures + 1, last_failure_at = excluded.last_failure_at RETURNING failures`,
    ).get(key, this.now()) as { failures: number };
    return row.failures;
  }

  succeeded(key: string): void {
    this.sql('DELETE FROM sign_in_failures WHERE key = ?').run(key);
  }
}
