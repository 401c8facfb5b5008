import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCentral } from '../fixtures/central';
import { createTestCore, rawOpen, ready, signedInDesk } from '../fixtures/core';
import { backupPathFor } from '../../src-main/core/store/database';
import { draftFor } from '../fixtures/outcomes';
import { smallDisk, type SmallDisk } from '../fixtures/small-disk';
import type { EnablementRequest } from '../../shared/contract';

/**
 * #19 item 3, storage faults while the desk works: a disk that fills up (a real small
 * tmpfs: write() answers ENOSPC), the database locked by another process. Each time: a
 * clear Italian message, nothing half-written (no outcome, no outbox row, no audit
 * entry), the draft kept; once the cause is gone, the same confirmation goes through.
 */
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

// Can this machine mount one? (Each test that needs it mounts its own.) On CI (root, as
// the provisioned machine is) they run whatever the probe said, and fail if they cannot.
const probe = smallDisk(1024 * 1024);
const noSmallDisk = typeof probe === 'string' ? probe : (probe.unmount(), null);
function mountSmallDisk(): SmallDisk {
  const disk = smallDisk(16 * 1024 * 1024);
  if (typeof disk === 'string') throw new Error(disk);
  cleanups.push(() => disk.unmount());
  return disk;
}

async function deskWithDraft(dataDirectory?: string) {
  const central = await startTestCentral({ seed: 30, seedValue: 19 });
  const desk = await signedInDesk(central, dataDirectory ? { dataDirectory } : {});
  cleanups.push(desk.cleanup);
  const core = ready(desk.core);
  const request = (await central.store.officeRequests('ZZIS00100A')).find(
    (r) => r.status === 'awaiting-identification' && r.identificationRequired,
  ) as EnablementRequest;
  expect((await core.call('requests.lookup', { fiscalCode: request.applicant.fiscalCode })).ok).toBe(true);
  expect((await core.call('drafts.save', draftFor(request))).ok).toBe(true);
  const written = () => ({
    outcomes: (core.store.sqlite.prepare('SELECT count(*) AS n FROM identifications').get() as { n: number }).n,
    outbox: (core.store.sqlite.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n,
    audited: (core.store.sqlite.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'confirm'").get() as { n: number }).n,
  });
  const confirm = () =>
    core.call('identifications.confirm', { draft: draftFor(request), acknowledgedWarnings: [], password: 'prova-segreteria' });
  return { core, request, written, confirm, desk };
}

describe('storage faults while the desk works', () => {
  it.skipIf(noSmallDisk !== null && !process.env.CI)(
    `disk full during a confirm: a clear message, nothing half-written, the draft kept (${noSmallDisk ?? 'a 16 MiB tmpfs'})`,
    async () => {
      const small = mountSmallDisk();
      const { core, request, written, confirm } = await deskWithDraft(join(small.path, 'data'));
      small.fill();
      const refused = await confirm();
      expect(refused.ok).toBe(false);
      if (refused.ok) return;
      expect(refused.error.code).toBe('disk-full');
      expect(refused.error.message).toMatch(/Spazio su disco esaurito/);
      expect(refused.error.message).toMatch(/non è stata registrata/);
      expect(written()).toEqual({ outcomes: 0, outbox: 0, audited: 0 });
      // Even reading the draft back writes (its audit entry), so it waits for the space too.
      const whileFull = await core.call('drafts.get', { requestId: request.id });
      expect(!whileFull.ok && whileFull.error.code).toBe('disk-full');
      small.free();
      const draft = await core.call('drafts.get', { requestId: request.id });
      expect(draft.ok && draft.value?.document?.number).toBe(request.declaredDocument.number);
      const confirmed = await confirm();
      expect(confirmed.ok && confirmed.value.outcome).toBe('confirmed');
      expect(written()).toEqual({ outcomes: 1, outbox: 1, audited: 1 });
    },
  );

  it.skipIf(noSmallDisk !== null && !process.env.CI)(
    'a data folder on a read-only file system at start: the reason on screen, the file untouched',
    async () => {
      const small = mountSmallDisk();
      const dataDirectory = join(small.path, 'read-only');
      const first = createTestCore({ dataDirectory });
      await first.core.close();
      const before = readFileSync(join(dataDirectory, 'desk.db'));
      small.remount('ro');
      cleanups.push(() => small.remount('rw'));
      const second = createTestCore({ dataDirectory, databaseKey: first.databaseKey });
      expect(second.core.status).toBe('unavailable');
      const info = await second.core.call('app.info', {});
      expect(info.ok && info.value.storeError?.code).toBe('read-only');
      expect(info.ok && info.value.storeError?.message).toMatch(/sola lettura/);
      expect(readFileSync(join(dataDirectory, 'desk.db')).equals(before)).toBe(true);
      await second.core.close();
    },
  );

  it('a damaged page among the outcomes found at start: the reason, the file and its backup named, the file never overwritten', async () => {
    const { confirm, desk } = await deskWithDraft();
    expect((await confirm()).ok).toBe(true);
    await desk.core.close(); // the close takes the day's backup copy
    const path = join(desk.dataDirectory, 'desk.db');
    const backup = backupPathFor(path);
    expect(existsSync(backup)).toBe(true);
    // One byte changed in the middle of the outcomes table's page (the first page intact).
    const raw = rawOpen(path, desk.databaseKey);
    const { rootpage } = raw.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'identifications'").get() as { rootpage: number };
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    raw.close();
    const bytes = readFileSync(path);
    const offset = (rootpage - 1) * pageSize + pageSize / 2;
    bytes[offset] = bytes[offset]! ^ 0xff;
    writeFileSync(path, bytes);
    const reopened = createTestCore({ dataDirectory: desk.dataDirectory, databaseKey: desk.databaseKey });
    cleanups.push(() => reopened.core.close());
    expect(reopened.core.status).toBe('unavailable');
    const info = await reopened.core.call('app.info', {});
    const storeError = info.ok ? info.value.storeError : null;
    expect(storeError?.code).toBe('corrupt');
    expect(storeError?.message).toContain('danneggiato e non è stato modificato');
    expect(storeError?.message).toContain(path);
    expect(storeError?.message).toContain(`Ultima copia di sicurezza: ${backup}`);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    // The backup is the store as it was: it opens with the same key and holds the outcome.
    const copy = rawOpen(backup, desk.databaseKey);
    expect((copy.prepare('SELECT count(*) AS n FROM identifications').get() as { n: number }).n).toBe(1);
    copy.close();
  });

  it(
    'the database locked by another process during a confirm: a clear message, nothing half-written, then it goes through',
    { timeout: 30_000 },
    async () => {
      const { core, written, confirm, desk } = await deskWithDraft();
      // Another process takes the write lock and keeps it (as a second copy of the app would).
      const holder = spawn(
        process.execPath,
        [
          '-e',
          `const Database = require('better-sqlite3-multiple-ciphers');
         const db = new Database(process.argv[1]);
         db.pragma("cipher = 'sqlcipher'"); db.pragma('legacy = 4'); db.pragma(\`key = "x'\${process.argv[2]}'"\`);
         db.exec('BEGIN IMMEDIATE');
         process.stdout.write('locked\\n');
         process.stdin.on('end', () => { db.exec('ROLLBACK'); db.close(); process.exit(0); }).resume();`,
          join(desk.dataDirectory, 'desk.db'),
          desk.databaseKey.toString('hex'),
        ],
        { cwd: join(import.meta.dirname, '../..'), stdio: ['pipe', 'pipe', 'inherit'] },
      );
      const exited = new Promise((resolve) => holder.on('exit', resolve));
      cleanups.push(async () => {
        holder.stdin.end();
        await exited;
      });
      await new Promise<void>((resolve) => holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve()));
      const refused = await confirm();
      expect(refused.ok).toBe(false);
      if (refused.ok) return;
      expect(refused.error.code).toBe('locked');
      expect(refused.error.message).toMatch(/in uso da un’altra/);
      expect(refused.error.message).toMatch(/non è stata registrata/);
      expect(written()).toEqual({ outcomes: 0, outbox: 0, audited: 0 });
      holder.stdin.end();
      await exited;
      const confirmed = await confirm();
      expect(confirmed.ok && confirmed.value.outcome).toBe('confirmed');
      expect(written()).toEqual({ outcomes: 1, outbox: 1, audited: 1 });
      void core;
    },
  );
});
