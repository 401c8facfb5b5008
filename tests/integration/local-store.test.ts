import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { readMigrations } from '../../scripts/embed-migrations';
import { backupPathFor, DatabaseError, openLocalStore, shippedSchemaVersion } from '../../src-main/core/store/database';
import { outboxClaimSql, outboxStatusSql } from '../../src-main/core/sync/outbox-repository';
import { loadOrCreateKeyFile } from '../../src-main/core/store/key';
import { migrations } from '../../src-main/core/store/migrations.generated';
import { createTestCore, rawOpen } from '../fixtures/core';

const directories: string[] = [];
afterEach(() => {
  while (directories.length) rmSync(directories.pop()!, { recursive: true, force: true });
});
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'sportello-store-'));
  directories.push(dir);
  return dir;
}
const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function openError(path: string, key: Buffer): DatabaseError {
  try {
    openLocalStore({ path, key }).close();
  } catch (error) {
    return error as DatabaseError;
  }
  throw new Error('expected the store to refuse opening');
}

describe('local store', () => {
  it('ships exactly the migrations drizzle-kit generated', () => {
    expect(migrations).toEqual(readMigrations());
    expect(shippedSchemaVersion).toBeGreaterThan(0);
  });

  it('opens encrypted, in WAL mode with synchronous=FULL and foreign keys, migrated', () => {
    const path = join(tempDir(), 'desk.db');
    const store = openLocalStore({ path, key: randomBytes(32) });
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.sqlite.pragma('user_version', { simple: true })).toBe(shippedSchemaVersion);
    const tables = (store.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map(
      (t) => t.name,
    );
    expect(tables).toEqual(expect.arrayContaining(['enablement_requests', 'identifications', 'outbox', 'sync_state', 'settings']));
    store.close();
    expect(readFileSync(path).subarray(0, 15).toString()).not.toBe('SQLite format 3');
  });

  it('commits a transaction without waiting for the disk only when asked, and is back to synchronous=FULL after, even when it fails', () => {
    const store = openLocalStore({ path: join(tempDir(), 'desk.db'), key: randomBytes(32) });
    const synchronous = () => store.sqlite.pragma('synchronous', { simple: true });
    const seen: unknown[] = [];
    store.inTransaction(() => seen.push(synchronous()), { durable: false });
    store.inTransaction(() => seen.push(synchronous()));
    // Joined by an outer durable transaction: durable.
    store.inTransaction(() => store.inTransaction(() => seen.push(synchronous()), { durable: false }));
    expect(seen).toEqual([1, 2, 2]);
    expect(() =>
      store.inTransaction(
        () => {
          store.sqlite.prepare(`INSERT INTO sync_state (key, value) VALUES ('k', 'v')`).run();
          throw new Error('mid-transaction');
        },
        { durable: false },
      ),
    ).toThrow('mid-transaction');
    expect(synchronous()).toBe(2);
    expect(store.sqlite.prepare(`SELECT count(*) AS n FROM sync_state WHERE key = 'k'`).get()).toEqual({ n: 0 });
    // A durable write cannot hide inside a transaction that does not wait for the disk.
    expect(() => store.inTransaction(() => store.inTransaction(() => 1), { durable: false })).toThrow(/durable/);
    expect(synchronous()).toBe(2);
    store.close();
  });

  it("the sync status reads the outbox's queue through its index, never scanning the acknowledged history", () => {
    const store = openLocalStore({ path: join(tempDir(), 'desk.db'), key: randomBytes(32) });
    // A full read of the table (payloads and all) per status made a desk with 30,000 acknowledged rows drain at 180/s.
    for (const sql of [outboxStatusSql.queue, outboxStatusSql.problems, outboxStatusSql.acked]) {
      const plan = (store.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail);
      expect(plan.join('; ')).toMatch(/SEARCH outbox USING (COVERING )?INDEX outbox_state/);
      expect(plan.join('; ')).not.toMatch(/SCAN outbox/);
    }
    store.close();
  });

  it("the drain's claim checks each outcome's earlier ones for its request through the request's index, not through the queue before it (#20, drain)", () => {
    const store = openLocalStore({ path: join(tempDir(), 'desk.db'), key: randomBytes(32) });
    // Through the queue, each of the 100 rows a claim reads looked at every row still to send
    // before it: 1.7-3 ms a claim of 50 with 10,000 queued, against 0.2 by the request's index.
    for (const [sql, parameters] of [
      [outboxClaimSql.pending, { operatorId: 'op', limit: 100 }],
      [outboxClaimSql.waiting, { operatorId: 'op', limit: 100, nowMs: 0 }],
    ] as const) {
      const plan = (store.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(parameters) as { detail: string }[])
        .map((row) => row.detail)
        .join('; ');
      expect(plan).toMatch(/SEARCH outbox USING INDEX outbox_state_(seq|next)/);
      expect(plan).toMatch(
        /CORRELATED SCALAR SUBQUERY.*SEARCH earlier USING INDEX identifications_request_id \(request_id=\?\).*SEARCH queued USING INDEX outbox_identification/,
      );
      expect(plan).not.toMatch(/SCAN/);
    }
    store.close();
  });

  it('keeps one backup copy, encrypted with the same key, refreshed at close when 20 hours old, taken again after an erasure', () => {
    const path = join(tempDir(), 'desk.db');
    const key = randomBytes(32);
    const store = openLocalStore({ path, key, backup: true });
    store.sqlite.prepare(`INSERT INTO settings (key, value) VALUES ('prova', 'uno')`).run();
    store.close();
    const backup = backupPathFor(path);
    expect(readFileSync(backup).subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
    const copy = openLocalStore({ path: backup, key });
    expect(copy.sqlite.prepare(`SELECT value FROM settings WHERE key = 'prova'`).get()).toEqual({ value: 'uno' });
    copy.close();
    // A day has not passed: the next close leaves the copy as it was.
    const taken = statSync(backup).mtimeMs;
    const again = openLocalStore({ path, key, backup: true });
    again.sqlite.prepare(`UPDATE settings SET value = 'due' WHERE key = 'prova'`).run();
    again.close();
    expect(statSync(backup).mtimeMs).toBe(taken);
    // An erasure renews the copy at once: what was deleted is in no copy.
    const erasing = openLocalStore({ path, key, backup: true });
    erasing.sqlite.prepare(`DELETE FROM settings WHERE key = 'prova'`).run();
    erasing.checkpoint();
    erasing.renewBackup();
    erasing.close();
    const renewed = openLocalStore({ path: backup, key });
    expect(renewed.sqlite.prepare(`SELECT value FROM settings WHERE key = 'prova'`).get()).toBeUndefined();
    renewed.close();
    // A copy cut short (a shutdown during VACUUM INTO) is removed at the next start.
    writeFileSync(`${backup}.partial`, 'x');
    openLocalStore({ path, key, backup: true }).close();
    expect(existsSync(`${backup}.partial`)).toBe(false);
  });

  it("refuses to call a checkpoint done while another connection holds the WAL (the pull's page writer): an erasure never passes with the erased rows left in it (#20, pull)", () => {
    const path = join(tempDir(), 'desk.db');
    const key = randomBytes(32);
    const store = openLocalStore({ path, key });
    const other = openLocalStore({ path, key });
    store.sqlite.pragma('busy_timeout = 20');
    store.sqlite.prepare(`INSERT INTO settings (key, value) VALUES ('prova', 'uno')`).run();
    // The other connection reads an older snapshot: the WAL cannot be emptied under it.
    other.sqlite.exec('BEGIN');
    other.sqlite.prepare('SELECT count(*) FROM settings').get();
    store.sqlite.prepare(`DELETE FROM settings WHERE key = 'prova'`).run();
    expect(() => store.checkpoint()).toThrow(expect.objectContaining({ code: 'locked' }));
    other.sqlite.exec('COMMIT');
    expect(() => store.checkpoint()).not.toThrow();
    expect(statSync(`${path}-wal`).size).toBe(0);
    other.close();
    store.close();
  });

  it('refuses a wrong key with a clear message and leaves the file untouched', () => {
    const path = join(tempDir(), 'desk.db');
    openLocalStore({ path, key: randomBytes(32) }).close();
    const before = digest(path);
    const error = openError(path, randomBytes(32));
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error.code).toBe('wrong-key');
    expect(error.message).toMatch(/chiave di cifratura/);
    expect(digest(path)).toBe(before);
  });

  it('tells a damaged file from a wrong key, and never overwrites it', () => {
    const path = join(tempDir(), 'desk.db');
    const key = randomBytes(32);
    const store = openLocalStore({ path, key });
    store.sqlite.prepare(`INSERT INTO settings (key, value) VALUES ('x', ?)`).run('y'.repeat(20_000));
    store.close();
    const bytes = readFileSync(path);
    bytes.fill(0x5a, 0, 4096); // first page destroyed
    writeFileSync(path, bytes);
    const before = digest(path);
    const error = openError(path, key);
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/danneggiato/);
    expect(digest(path)).toBe(before);
  });

  it('refuses a database written by a newer version of the app', () => {
    const path = join(tempDir(), 'desk.db');
    const key = randomBytes(32);
    const store = openLocalStore({ path, key });
    store.sqlite.pragma(`user_version = ${shippedSchemaVersion + 1}`);
    store.close();
    const before = statSync(path).size;
    const error = openError(path, key);
    expect(error.code).toBe('newer-version');
    expect(error.message).toMatch(/versione più recente/);
    expect(statSync(path).size).toBe(before);
  });

  it('refuses a plain, unencrypted SQLite file', () => {
    const path = join(tempDir(), 'desk.db');
    const plain = new Database(path);
    plain.exec('CREATE TABLE t (x)');
    plain.close();
    expect(openError(path, randomBytes(32)).code).toBe('not-encrypted');
  });

  it('applies migrations in one transaction: a failing one leaves the database as it was', () => {
    const path = join(tempDir(), 'desk.db');
    const key = randomBytes(32);
    const raw = new Database(path);
    raw.pragma(`cipher = 'sqlcipher'`);
    raw.pragma('legacy = 4');
    raw.pragma(`key = "x'${key.toString('hex')}'"`);
    // A table that collides with the first migration makes it fail midway.
    raw.exec('CREATE TABLE outbox (op_id TEXT)');
    raw.close();
    expect(() => openLocalStore({ path, key })).toThrow();
    const check = new Database(path);
    check.pragma(`cipher = 'sqlcipher'`);
    check.pragma('legacy = 4');
    check.pragma(`key = "x'${key.toString('hex')}'"`);
    const tables = (check.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(['outbox']);
    expect(check.pragma('user_version', { simple: true })).toBe(0);
    check.close();
  });

  it("an upgrade keeps only the status, code and version of the answers stored in the outbox (they held the applicant's request)", () => {
    const path = join(tempDir(), 'desk.db');
    const key = randomBytes(32);
    const minimised = migrations.findIndex((migration) => migration.tag.endsWith('_outbox_result_minimised'));
    expect(minimised).toBeGreaterThan(0);
    // As a store left by the version before: the migrations before this one applied, none after.
    const before = { sqlite: rawOpen(path, key) };
    for (const migration of migrations.slice(0, minimised)) for (const statement of migration.statements) before.sqlite.exec(statement);
    before.sqlite.pragma(`user_version = ${minimised}`);
    const request = { id: 'REQ-1', version: 4, applicant: { fiscalCode: 'RSSMRA80A01H501U', surname: 'Rossi', name: 'Mario' } };
    before.sqlite
      .prepare(
        `INSERT INTO identifications (id, request_id, request_version, fiscal_code, outcome, operator_id, body, created_at)
         VALUES ('id-1', 'REQ-1', 3, 'RSSMRA80A01H501U', 'confirmed', 'op', '{}', '2026-11-30T10:00:00.000Z')`,
      )
      .run();
    const row = before.sqlite.prepare(
      `INSERT INTO outbox (op_id, seq, identification_id, payload, payload_hash, state, result) VALUES (?, ?, 'id-1', '{}', 'h', ?, ?)`,
    );
    row.run('op-1', 1, 'acked', JSON.stringify({ status: 'accepted', code: 'identified', request }));
    row.run('op-2', 2, 'conflict', JSON.stringify({ status: 'conflict', code: 'request-changed', request }));
    row.run('op-3', 3, 'pending', null);
    row.run('op-4', 4, 'acked', JSON.stringify({ status: 'accepted', code: 'identified', version: 5 }));
    before.sqlite.close();
    const after = openLocalStore({ path, key });
    const results = (after.sqlite.prepare('SELECT result FROM outbox ORDER BY seq').all() as { result: string | null }[]).map((r) =>
      r.result === null ? null : JSON.parse(r.result),
    );
    after.close();
    expect(results).toEqual([
      { status: 'accepted', code: 'identified', version: 4 },
      { status: 'conflict', code: 'request-changed', version: 4 },
      null,
      { status: 'accepted', code: 'identified', version: 5 },
    ]);
  });

  it('creates the key file with mode 0600', () => {
    const path = join(tempDir(), 'keys', 'desk.key');
    const key = loadOrCreateKeyFile(path);
    expect(key).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadOrCreateKeyFile(path).equals(key)).toBe(true);
  });

  it('reports a store that cannot be opened through app.info, and fails its operations in Italian', async () => {
    const dir = tempDir();
    const first = createTestCore({ dataDirectory: dir });
    await first.core.close();
    const wrong = createTestCore({ dataDirectory: dir, databaseKey: randomBytes(32) });
    expect(await wrong.core.call('app.info', {})).toMatchObject({ ok: true, value: { storeError: { code: 'wrong-key' } } });
    expect(await wrong.core.call('sync.status', {})).toMatchObject({
      ok: false,
      error: { code: 'wrong-key', message: expect.stringMatching(/chiave/) },
    });
    await wrong.core.close();
  });
});
