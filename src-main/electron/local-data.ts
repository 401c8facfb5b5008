import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the desk keeps its data on this PC. Windows' default (`%APPDATA%`, Roaming) follows
 * roaming profiles and folder redirection onto network shares, where SQLite's WAL does not
 * work: the store goes to the local, non-roaming `%LOCALAPPDATA%` instead. macOS and Linux
 * folders are local already.
 */
export function localDataDirectory(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, defaultUserData: string, appFolder: string): string {
  if (platform !== 'win32' || !env.LOCALAPPDATA) return defaultUserData;
  return join(env.LOCALAPPDATA, appFolder);
}

/** What a previous version left in the roaming folder and belongs to the desk (Chromium's own caches stay). */
const deskEntries = ['desk.db', 'desk.db-wal', 'desk.db-shm', 'desk.db.keycheck', 'desk.key.enc', 'preferences.json', 'training', 'logs'];

/**
 * Once: the store of an older version moves from the roaming folder to the local one, if
 * the local one has none yet. Returns what moved. A move across volumes copies, then removes.
 */
export function moveDeskDataOnce(from: string, to: string): string[] {
  if (from === to || !existsSync(join(from, 'desk.db')) || existsSync(join(to, 'desk.db'))) return [];
  mkdirSync(to, { recursive: true, mode: 0o700 });
  const present = new Set(readdirSync(from));
  const moved = deskEntries.filter((entry) => present.has(entry));
  for (const entry of moved) {
    try {
      renameSync(join(from, entry), join(to, entry));
    } catch {
      cpSync(join(from, entry), join(to, entry), { recursive: true });
      rmSync(join(from, entry), { recursive: true, force: true });
    }
  }
  return moved;
}
