import { chmodSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Default per-user data folder when the host does not supply one (Electron uses its own
 * `userData`). Windows: %APPDATA%; macOS: ~/Library/Application Support; else XDG.
 */
export function defaultDataDirectory(appFolder = 'sportello-identificazione'): string {
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), appFolder);
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', appFolder);
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), appFolder);
}

/** A folder only this user may read (0700), also when something else created it first. */
export function makePrivateDirectory(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
}
