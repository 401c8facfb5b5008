import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PasswordVerifier, SignInFailuresRepository } from './operators-repository';

/**
 * The rules of passwords on this PC: the scrypt verifier kept for an offline sign-in (in
 * the encrypted store, never the password), and the increasing delay after wrong ones.
 */

const scryptParameters = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 } as const;

/** At most this many scrypt computations at once: each holds 32 MiB and a core for ~100 ms. */
const maxConcurrentScrypt = 2;
let scryptRunning = 0;
const scryptWaiting: Array<() => void> = [];

async function scrypt(password: string, salt: Buffer, parameters: { N: number; r: number; p: number; keyLength: number }): Promise<Buffer> {
  if (scryptRunning < maxConcurrentScrypt) scryptRunning++;
  else await new Promise<void>((resolve) => scryptWaiting.push(resolve)); // the slot is handed over on release
  try {
    const options: ScryptOptions = { N: parameters.N, r: parameters.r, p: parameters.p, maxmem: 128 * parameters.N * parameters.r * 2 };
    return await new Promise((resolve, reject) =>
      scryptCallback(password.normalize('NFC'), salt, parameters.keyLength, options, (error, key) =>
        error ? reject(error) : resolve(key),
      ),
    );
  } finally {
    const next = scryptWaiting.shift();
    if (next) next();
    else scryptRunning--;
  }
}

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
  constructor(
    private readonly failures: SignInFailuresRepository,
    private readonly now: () => number,
  ) {}

  /** Milliseconds to wait before this account may try again (0: now). */
  waitFor(key: string): number {
    const row = this.failures.get(key);
    if (!row) return 0;
    const delay = delayAfter(row.failures);
    // Never more than the delay itself: a clock turned back must not lock anyone out for days.
    return Math.min(delay, Math.max(0, row.lastFailureAt + delay - this.now()));
  }

  failed(key: string): number {
    return this.failures.increment(key, this.now());
  }

  succeeded(key: string): void {
    this.failures.clear(key);
  }
}
