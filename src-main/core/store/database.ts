import { createHmac, timingSafeEqual } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { worded, type Message } from '../../../shared/i18n/messages';
import { makePrivateDirectory } from '../paths';
import { migrations } from './migrations.generated';

/**
 * Opens the local store: SQLCipher-encrypted SQLite, WAL, synchronous=FULL,
 * foreign_keys=ON; applies pending migrations at start in one transaction; refuses a
 * database written by a newer version; never overwrites a file it cannot read.
 */
export type SqliteDatabase = InstanceType<typeof Database>;

export interface LocalStore {
  sqlite: SqliteDatabase;
  path: string;
  /**
   * Runs `work` in one immediate (write-locking) transaction; nested calls join it.
   * `durable: false` commits without waiting for the disk (WAL, synchronous NORMAL): the
   * transaction is atomic and the file consistent, but a power cut may undo it; only for
   * state that is rebuilt the same way if lost (the outbox's `sending` and acknowledgements:
   * a row found pending again goes out with its key, and the service replays its answer;
   * a pulled page, lost with its cursor, is fetched again).
   */
  inTransaction<T>(work: () => T, options?: { durable?: boolean }): T;
  /** Moves the WAL into the file and empties it (after an erasure: no old page stays in the WAL); throws `locked` if it cannot. */
  checkpoint(): void;
  /**
   * After an erasure: the backup copy is dropped, then taken again from the store as it
   * is now, so no copy keeps the person erased (no-op without `backup`).
   */
  renewBackup(): void;
  /** Closes; the app's store first refreshes its backup copy when it is 20 hours old (`backup`). */
  close(): void;
}

export type DatabaseErrorCode =
  'wrong-key' | 'corrupt' | 'not-encrypted' | 'newer-version' | 'read-only' | 'locked' | 'disk-full' | 'cannot-open';

/** A store problem the person must see, with a way out (words: shared/i18n's `store.*`). */
export class DatabaseError extends Error {
  readonly text: Message;
  constructor(
    readonly code: DatabaseErrorCode,
    text: Message,
    readonly detail?: string,
  ) {
    super(worded(text).message);
    this.name = 'DatabaseError';
    this.text = text;
  }
}

/** A SQLite failure met by an operation, as the person must read it (nothing of it was written); null when it is a bug. */
export function storeFailureWhileWorking(error: unknown): DatabaseError | null {
  const code = classifySqliteError(error);
  return code ? new DatabaseError(code, { key: `store-working.${code}` }, (error as { code?: string }).code) : null;
}

export function databaseError(code: DatabaseErrorCode, detail?: string): DatabaseError {
  return new DatabaseError(code, { key: `store.${code}` }, detail);
}

/** Maps a SQLite error to a code the person can act on, or null when it is a bug. */
export function classifySqliteError(error: unknown): DatabaseErrorCode | null {
  const code = (error as { code?: string } | null)?.code ?? '';
  if (code.startsWith('SQLITE_CORRUPT')) return 'corrupt';
  if (code.startsWith('SQLITE_NOTADB')) return 'corrupt';
  if (code.startsWith('SQLITE_READONLY')) return 'read-only';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'locked';
  if (code.startsWith('SQLITE_FULL')) return 'disk-full';
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR')) return 'cannot-open';
  return null;
}

const sqliteHeader = Buffer.from('SQLite format 3\0');

function startsWithPlainHeader(path: string): boolean {
  if (!existsSync(path)) return false;
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(16);
    const read = readSync(fd, buffer, 0, 16, 0);
    return read === 16 && buffer.equals(sqliteHeader);
  } finally {
    closeSync(fd);
  }
}

/**
 * A small sidecar proves which key a file was created with, so a wrong key and a
 * damaged file get different messages (SQLCipher reports both as "not a database").
 */
const keyCheckPath = (path: string) => `${path}.keycheck`;
const keyCheck = (key: Buffer) => createHmac('sha256', key).update('sportello-identificazione key check v1').digest('hex');

export interface OpenOptions {
  path: string;
  /** 32 random bytes from the host (Electron safeStorage, key file or environment). */
  key: Buffer;
  readonly?: boolean;
  /** Keep a backup copy (the app's own store): see `backupPathFor`. */
  backup?: boolean;
  /** How long a write waits for another connection's (ms; 5 s unless told). */
  busyTimeoutMs?: number;
}

/**
 * The backup copy: one encrypted file (same key) beside the store, in `backups/`, taken
 * at close when the last is 20 hours old and again at once after an erasure. It is what
 * IT puts back in place of a damaged file; the screen that reports the damage names it.
 */
export function backupPathFor(path: string): string {
  return join(dirname(path), 'backups', basename(path).replace(/\.db$/, '') + '-backup.db');
}
const backupEveryMs = 20 * 3_600_000;

/**
 * The tables holding what exists nowhere else (outcomes not yet sent, the audit chain,
 * accounts, settings), checked page by page at every start; the requests cache is a
 * copy of the service's and not read through here (a million rows would slow the start).
 */
const irreplaceableTables = [
  'identifications',
  'outbox',
  'audit_log',
  'audit_checkpoints',
  'audit_anchors',
  'operators',
  'settings',
  'sync_state',
  'sign_in_failures',
] as const;

function checkIrreplaceable(sqlite: SqliteDatabase): void {
  // The tables this file has (one written by an older version may lack the newest).
  const present = new Set(
    (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name),
  );
  for (const table of irreplaceableTables.filter((name) => present.has(name))) {
    const rows = sqlite.pragma(`quick_check(${table})`) as Array<{ quick_check: string }>;
    if (rows.length !== 1 || rows[0]!.quick_check !== 'ok') throw databaseError('corrupt', `quick_check(${table})`);
  }
}

/** The damage, where the file is and where its backup is: what IT needs to put it right. */
function corruptMessage(path: string): Message {
  const backup = backupPathFor(path);
  if (!existsSync(backup)) return { key: 'store.corrupt-at', params: { path, backup: null } };
  const at = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('it-IT', { ...options, timeZone: 'Europe/Rome' }).format(statSync(backup).mtime);
  const copy = {
    path: backup,
    day: at({ day: '2-digit', month: '2-digit', year: 'numeric' }),
    time: at({ hour: '2-digit', minute: '2-digit' }),
  };
  return { key: 'store.corrupt-at', params: { path, backup: copy } };
}

export function openLocalStore(options: OpenOptions): LocalStore {
  const { path, key } = options;
  if (key.length !== 32) throw new RangeError('database key must be 32 bytes');
  const existed = existsSync(path);
  if (existed && startsWithPlainHeader(path)) throw databaseError('not-encrypted');

  let sqlite: SqliteDatabase;
  try {
    sqlite = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw databaseError(classifySqliteError(error) ?? 'cannot-open', (error as Error).message);
  }
  try {
    sqlite.pragma(`cipher = 'sqlcipher'`);
    sqlite.pragma('legacy = 4');
    sqlite.pragma(`key = "x'${key.toString('hex')}'"`);
    try {
      sqlite.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (error) {
      const classified = classifySqliteError(error);
      if (classified === 'corrupt') {
        const check = existsSync(keyCheckPath(path)) ? readFileSync(keyCheckPath(path), 'utf8').trim() : null;
        const keyMatches = check !== null && check.length === 64 && timingSafeEqual(Buffer.from(check), Buffer.from(keyCheck(key)));
        throw databaseError(keyMatches ? 'corrupt' : 'wrong-key');
      }
      throw databaseError(classified ?? 'cannot-open', (error as Error).message);
    }
    if (!options.readonly) {
      sqlite.pragma('journal_mode = WAL');
      // Deleted rows are overwritten, not left in free pages (erasure and retention mean it).
      sqlite.pragma('secure_delete = ON');
      sqlite.pragma('synchronous = FULL');
    }
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    if (!existed || !existsSync(keyCheckPath(path))) writeFileSync(keyCheckPath(path), keyCheck(key), { mode: 0o600 });
    // Checked before anything is written, migrations included: a damaged file stays as it was.
    if (options.backup) checkIrreplaceable(sqlite);
    if (!options.readonly) applyMigrations(sqlite);
    else {
      const version = sqlite.pragma('user_version', { simple: true }) as number;
      if (version > migrations.length) throw databaseError('newer-version');
    }
  } catch (error) {
    sqlite.close();
    if (error instanceof DatabaseError) throw error;
    const classified = classifySqliteError(error);
    if (classified) throw databaseError(classified, (error as Error).message);
    throw error;
  }
  // A copy cut short by a shutdown (personal data, not a usable copy) does not stay.
  if (options.backup) rmSync(`${backupPathFor(path)}.partial`, { force: true });
  let lightDepth = 0;
  // The database, its WAL and shared memory, and the key check: readable by this user only.
  try {
    for (const file of [path, `${path}-wal`, `${path}-shm`, keyCheckPath(path)]) if (existsSync(file)) chmodSync(file, 0o600);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return {
    sqlite,
    path,
    inTransaction: (work, how) => {
      const durable = how?.durable !== false;
      // A durable write inside a non-durable transaction would silently lose its durability.
      if (durable && lightDepth > 0) throw new Error('a durable transaction inside one that does not wait for the disk');
      if (durable || sqlite.inTransaction || options.readonly) return sqlite.transaction(work).immediate();
      sqlite.pragma('synchronous = NORMAL');
      lightDepth++;
      try {
        return sqlite.transaction(work).immediate();
      } finally {
        lightDepth--;
        sqlite.pragma('synchronous = FULL');
      }
    },
    checkpoint: () => {
      // Another connection (the pull's page writer) may hold the database past the busy
      // timeout: SQLite then says busy instead of failing, and the WAL keeps what was just
      // removed. Once more, then a refusal (the person tries again), never a silent half.
      for (let attempt = 0; ; attempt++) {
        const [result] = sqlite.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
        if (result?.busy === 0) return;
        if (attempt === 1) throw databaseError('locked', 'wal_checkpoint busy');
      }
    },
    renewBackup: () => {
      if (!options.backup || options.readonly) return;
      rmSync(backupPathFor(path), { force: true });
      refreshBackup(sqlite, path);
    },
    close: () => {
      if (options.backup && !options.readonly) refreshBackup(sqlite, path);
      sqlite.close();
    },
  };
}

/** A new backup copy when the last is a day old: written whole to a side file, then moved in place. */
function refreshBackup(sqlite: SqliteDatabase, path: string): void {
  const target = backupPathFor(path);
  if (existsSync(target) && Date.now() - statSync(target).mtimeMs < backupEveryMs) return;
  const partial = `${target}.partial`;
  try {
    makePrivateDirectory(dirname(target));
    rmSync(partial, { force: true }); // a copy cut short (a shutdown) never stays behind
    // VACUUM INTO writes the copy encrypted with the store's own key.
    sqlite.prepare('VACUUM INTO ?').run(partial);
    chmodSync(partial, 0o600);
    renameSync(partial, target);
  } catch {
    // A full or read-only disk must not stop the app from closing: the last copy stays.
    rmSync(partial, { force: true });
  }
}

/** The file system's refusals (a read-only or full disk, no permission), as the person must read them. */
function fileSystemError(error: unknown): DatabaseError | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return databaseError('read-only', code);
  if (code === 'ENOSPC') return databaseError('disk-full', code);
  return null;
}

/** The store, or the reason the person must see (any other error is a bug and propagates). */
export function tryOpenLocalStore(options: OpenOptions): LocalStore | DatabaseError {
  try {
    return openLocalStore(options);
  } catch (error) {
    if (error instanceof DatabaseError && error.code === 'corrupt' && options.backup)
      return new DatabaseError('corrupt', corruptMessage(options.path), error.detail);
    if (error instanceof DatabaseError) return error;
    const reason = fileSystemError(error);
    if (reason) return reason;
    throw error;
  }
}

/** The data folder, private to this user; or why it cannot be (the desk then shows the reason). */
export function tryMakeDataFolder(path: string): DatabaseError | null {
  try {
    makePrivateDirectory(path);
    return null;
  } catch (error) {
    const reason = fileSystemError(error);
    if (reason) return reason;
    throw error;
  }
}

/** Applies every shipped migration not yet applied, all in one transaction. */
export function applyMigrations(sqlite: SqliteDatabase): number {
  const applied = sqlite.pragma('user_version', { simple: true }) as number;
  if (applied > migrations.length) throw databaseError('newer-version', `database ${applied}, app ${migrations.length}`);
  if (applied === migrations.length) return 0;
  const run = sqlite.transaction(() => {
    for (const migration of migrations.slice(applied)) {
      for (const statement of migration.statements) sqlite.exec(statement);
    }
    sqlite.pragma(`user_version = ${migrations.length}`);
  });
  run.immediate();
  return migrations.length - applied;
}

export const shippedSchemaVersion = migrations.length;
