import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localDataDirectory, moveDeskDataOnce } from '../../src-main/electron/local-data';

const folders: string[] = [];
afterEach(() => folders.splice(0).forEach((folder) => rmSync(folder, { recursive: true, force: true })));

describe('local data on Windows (#18: roaming profiles break SQLite WAL)', () => {
  it('puts the store under %LOCALAPPDATA% on Windows, and leaves macOS and Linux as they are', () => {
    const env = { LOCALAPPDATA: 'C:\\Users\\sec\\AppData\\Local', APPDATA: 'C:\\Users\\sec\\AppData\\Roaming' };
    expect(
      localDataDirectory('win32', env, 'C:\\Users\\sec\\AppData\\Roaming\\Sportello Identificazione', 'Sportello Identificazione'),
    ).toBe(join('C:\\Users\\sec\\AppData\\Local', 'Sportello Identificazione'));
    expect(localDataDirectory('linux', env, '/home/sec/.config/Sportello Identificazione', 'Sportello Identificazione')).toBe(
      '/home/sec/.config/Sportello Identificazione',
    );
  });

  it('moves an existing store once, with its key and preferences; never over a store already there', () => {
    const base = mkdtempSync(join(tmpdir(), 'sportello-move-'));
    folders.push(base);
    const roaming = join(base, 'roaming');
    const local = join(base, 'local');
    mkdirSync(join(roaming, 'training'), { recursive: true });
    for (const name of ['desk.db', 'desk.db-wal', 'desk.key.enc', 'preferences.json', 'Cookies']) writeFileSync(join(roaming, name), name);
    writeFileSync(join(roaming, 'training', 'desk.db'), 'training');
    expect(moveDeskDataOnce(roaming, local).sort()).toEqual(['desk.db', 'desk.db-wal', 'desk.key.enc', 'preferences.json', 'training']);
    expect(readFileSync(join(local, 'desk.db'), 'utf8')).toBe('desk.db');
    expect(existsSync(join(roaming, 'desk.db'))).toBe(false);
    expect(existsSync(join(roaming, 'Cookies'))).toBe(true); // Chromium's own files stay
    // Run again (every start): nothing left to move; and a local store is never overwritten.
    writeFileSync(join(roaming, 'desk.db'), 'older');
    expect(moveDeskDataOnce(roaming, local)).toEqual([]);
    expect(readFileSync(join(local, 'desk.db'), 'utf8')).toBe('desk.db');
  });
});
