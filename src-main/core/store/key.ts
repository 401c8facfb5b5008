import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Database keys outside Electron (browser host, tests, tools): from the environment
 * variable SPORTELLO_DB_KEY (64 hex characters) or from a key file created once with
 * mode 0600. Electron wraps its key with safeStorage instead (src-main/electron).
 */
export const databaseKeyEnvironmentVariable = 'SPORTELLO_DB_KEY';

export function parseHexKey(text: string): Buffer {
  const trimmed = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(trimmed)) throw new Error('database key must be 64 hexadecimal characters');
  return Buffer.from(trimmed, 'hex');
}

export function loadOrCreateKeyFile(path: string): Buffer {
  if (existsSync(path)) return parseHexKey(readFileSync(path, 'utf8'));
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(path, key.toString('hex'), { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return key;
}

export function databaseKey(keyFilePath: string, environment: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnvironment = environment[databaseKeyEnvironmentVariable];
  return fromEnvironment ? parseHexKey(fromEnvironment) : loadOrCreateKeyFile(keyFilePath);
}
