import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from '../core/log';

/**
 * Where the browser host keeps the store key: never beside `desk.db` (a copy of the data
 * folder would carry the key with the data), but in a folder of its own, private to the
 * user: SPORTELLO_KEY_DIR, else the OS's per-user configuration folder. One key per data
 * folder. Or no file at all: SPORTELLO_DB_KEY (64 hex) in the environment.
 */
export function defaultKeyDirectory(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.SPORTELLO_KEY_DIR) return resolve(env.SPORTELLO_KEY_DIR);
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'SportelloIdentificazione', 'keys');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'sportello-identificazione-keys');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'sportello-identificazione', 'keys');
}

export function browserHostKeyPath(dataDirectory: string, keyDirectory = defaultKeyDirectory()): string {
  const id = createHash('sha256').update(resolve(dataDirectory)).digest('hex').slice(0, 16);
  return join(keyDirectory, `${id}.key`);
}

/** The key file for a data folder; a key left in the data folder by an older version is moved out. */
export function prepareBrowserHostKey(dataDirectory: string, logger: Logger, keyDirectory = defaultKeyDirectory()): string {
  const path = browserHostKeyPath(dataDirectory, keyDirectory);
  mkdirSync(keyDirectory, { recursive: true, mode: 0o700 });
  const legacy = join(dataDirectory, 'desk.key');
  if (existsSync(legacy) && !existsSync(path)) {
    renameSync(legacy, path);
    logger.info('database-key.moved-out-of-data-folder');
  }
  return path;
}
