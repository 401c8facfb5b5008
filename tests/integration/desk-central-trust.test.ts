import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CentralService } from '../../central/server';
import { startTestCentral } from '../fixtures/central';
import { AuditAnchors } from '../../src-main/core/audit/anchors';
import { AuditLog, auditHash, checkpointCitation, type AuditEntry } from '../../src-main/core/audit/audit-log';
import { createMemoryLogger } from '../../src-main/core/log';
import { CentralClient } from '../../src-main/core/sync/central-client';
import type { EnablementRequest } from '../../shared/contract';
import { centralPaths } from '../../shared/contract/central-api';
import { createTestCore, rawOpen, ready } from '../fixtures/core';
import { draftFor } from '../fixtures/outcomes';

/**
 * #15 at the desk, against the real reference service on 127.0.0.1: outcomes go only with
 * the token of the operator who recorded them, sign-out ends the service's session, the
 * service's throttling and revocations reach the sign-in, office administrators manage
 * operators, and the audit chain is anchored so that a rewrite with the store key shows.
 */
const root = join(import.meta.dirname, '../..');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const office = 'ZZIS00100A';
const segreteria = { officeCode: office, username: 'segreteria', password: 'prova-segreteria' };
const dirigente = { officeCode: office, username: 'dirigente', password: 'prova-dirigente' };

async function central(): Promise<CentralService> {
  const service = await startTestCentral({ seed: 60, seedValue: 21, admin: true });
  cleanups.push(() => service.close());
  return service;
}

function openDesk(centralUrl: string, dataDirectory = mkdtempSync(join(tmpdir(), 'sportello-trust-')), databaseKey = randomBytes(32)) {
  const test = createTestCore({ dataDirectory, databaseKey, centralUrl });
  cleanups.push(() => test.cleanup());
  return test;
}

const awaiting = async (service: CentralService): Promise<EnablementRequest[]> =>
  (await service.store.officeRequests(office)).filter(
    (request) => request.status === 'awaiting-identification' && request.identificationRequired,
  );

async function confirm(core: ReturnType<typeof openDesk>['core'], request: EnablementRequest, password: string) {
  await core.call('requests.lookup', { fiscalCode: request.applicant.fiscalCode });
  const result = await core.call('identifications.confirm', { draft: draftFor(request), acknowledgedWarnings: [], password });
  expect(result).toMatchObject({ ok: true });
  return result;
}

describe('outcomes go with their own operator', () => {
  it("an outcome recorded offline waits for its operator: another operator's sign-in does not send it in their name", async () => {
    const service = await central();
    const { core } = openDesk(service.url);
    const request = (await awaiting(service))[0]!;
    expect(await core.call('session.signIn', segreteria)).toMatchObject({ ok: true, value: { mode: 'online' } });
    await ready(core).sync.pull();
    await service.setFaults({ down: true });
    await confirm(core, request, segreteria.password);
    await core.call('session.signOut', {});
    await service.setFaults({ down: false });

    expect(await core.call('session.signIn', dirigente)).toMatchObject({ ok: true, value: { mode: 'online' } });
    // (Past the backoff the failed attempt earned: whatever is due goes now.)
    ready(core).sync.retryNow();
    await ready(core).sync.push();
    expect(await service.store.effects()).toEqual([]);
    expect(await core.call('sync.status', {})).toMatchObject({ ok: true, value: { pending: 1, awaitingOtherOperators: 1 } });
    await core.call('session.signOut', {});

    await core.call('session.signIn', segreteria);
    ready(core).sync.retryNow();
    await ready(core).sync.push();
    expect(await service.store.effects()).toEqual([expect.objectContaining({ requestId: request.id, operatorId: 'op-segreteria' })]);
    expect(await core.call('sync.status', {})).toMatchObject({ ok: true, value: { pending: 0, awaitingOtherOperators: 0 } });
  });

  it("sign-out ends the service's session: the token is refused after", async () => {
    const service = await central();
    const { core } = openDesk(service.url);
    await core.call('session.signIn', segreteria);
    const token = ready(core).session.currentToken()!;
    const before = await fetch(`${service.url}${centralPaths.changes}?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(before.status).toBe(200);
    await core.call('session.signOut', {});
    // The revocation is sent as the desk signs out; wait for it by asking until it lands.
    await expect
      .poll(
        async () =>
          (await fetch(`${service.url}${centralPaths.changes}?limit=1`, { headers: { authorization: `Bearer ${token}` } })).status,
      )
      .toBe(401);
  });
});

describe("the service's answers reach the sign-in", () => {
  it('the service throttles an account across desks: a fresh desk with the right password waits, and does not slip in offline', async () => {
    const service = await central();
    const first = openDesk(service.url);
    for (let attempt = 0; attempt < 5; attempt++) await first.core.call('session.signIn', { ...segreteria, password: 'sbagliata' });
    const second = openDesk(service.url);
    const answer = await second.core.call('session.signIn', segreteria);
    expect(answer).toMatchObject({ ok: false, error: { code: 'sign-in-delayed', message: expect.stringContaining('riprovare tra') } });
  });

  it('a temporary password is changed at the first sign-in, then the operator works', async () => {
    const service = await central();
    const admin = openDesk(service.url);
    await admin.core.call('session.signIn', dirigente);
    const created = await admin.core.call('operators.create', {
      username: 'anna.bianchi',
      displayName: 'Anna Bianchi',
      role: 'operator',
      canIdentify: true,
    });
    expect(created).toMatchObject({ ok: true, value: { operator: { username: 'anna.bianchi', passwordChangeRequired: true } } });
    const temporary = created.ok ? created.value.temporaryPassword : '';

    const desk = openDesk(service.url);
    const account = { officeCode: office, username: 'anna.bianchi', password: temporary };
    expect(await desk.core.call('session.signIn', account)).toMatchObject({ ok: false, error: { code: 'password-change-required' } });
    expect(await desk.core.call('session.signIn', { ...account, newPassword: 'corta' })).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });
    expect(await desk.core.call('session.signIn', { ...account, newPassword: 'anna-password-nuova' })).toMatchObject({
      ok: true,
      value: { mode: 'online', operator: { displayName: 'Anna Bianchi', role: 'operator' } },
    });
    // The new password is the one the desk knows now (confirmations, unlock).
    await confirm(desk.core, (await awaiting(service))[0]!, 'anna-password-nuova');
    await ready(desk.core).sync.push();
    expect(await service.store.effects()).toHaveLength(1);
  });

  it('the head teacher revokes an operator at the desk: audited there, recorded by the service, and the operator is refused, offline too', async () => {
    const service = await central();
    const operatorDesk = openDesk(service.url);
    await operatorDesk.core.call('session.signIn', segreteria);
    await operatorDesk.core.call('session.signOut', {});

    const admin = openDesk(service.url);
    await admin.core.call('session.signIn', dirigente);
    const listed = await admin.core.call('operators.list', {});
    expect(listed).toMatchObject({ ok: true });
    const target = (listed.ok ? listed.value : []).find((operator) => operator.username === 'segreteria')!;
    expect(await admin.core.call('operators.update', { operatorId: 'op-dirigente', disabled: true })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const revoked = await admin.core.call('operators.update', { operatorId: target.id, canIdentify: false });
    expect(revoked).toMatchObject({ ok: true, value: { canIdentify: false } });
    const audit = ready(admin.core).store.sqlite.prepare(`SELECT action, subject FROM audit_log WHERE action = 'operator-changed'`).all();
    expect(audit).toEqual([{ action: 'operator-changed', subject: `${target.id} abilitazione revocata` }]);
    expect(await service.store.operatorChanges(office)).toEqual([
      expect.objectContaining({ actorId: 'op-dirigente', operatorId: target.id }),
    ]);

    expect(await operatorDesk.core.call('session.signIn', segreteria)).toMatchObject({ ok: false, error: { code: 'not-permitted' } });
    // The verifier this desk cached is gone: with the service away, no offline way in either.
    await service.setFaults({ down: true });
    expect(await operatorDesk.core.call('session.signIn', segreteria)).toMatchObject({ ok: false, error: { code: 'central-unreachable' } });
  });

  it('an operator cannot manage operators, and an administrator offline is told why', async () => {
    const service = await central();
    const desk = openDesk(service.url);
    await desk.core.call('session.signIn', segreteria);
    expect(await desk.core.call('operators.list', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await desk.core.call('session.signOut', {});
    await desk.core.call('session.signIn', dirigente);
    await service.setFaults({ down: true });
    const away = await desk.core.call('operators.list', {});
    expect(away).toMatchObject({ ok: false, error: { code: 'central-unreachable', message: expect.stringContaining('operatori') } });
  });
});

describe('the desk follows what the service says about the account', () => {
  it('an office administrator without the permission to identify manages operators but records no outcome (it would be refused, and lost)', async () => {
    const service = await central();
    const admin = openDesk(service.url);
    await admin.core.call('session.signIn', dirigente);
    const created = await admin.core.call('operators.create', {
      username: 'dsga.prova',
      displayName: 'DSGA di prova',
      role: 'office-admin',
      canIdentify: false,
    });
    const temporary = created.ok ? created.value.temporaryPassword : '';
    const desk = openDesk(service.url);
    const signedIn = await desk.core.call('session.signIn', {
      officeCode: office,
      username: 'dsga.prova',
      password: temporary,
      newPassword: 'dsga-password-nuova',
    });
    expect(signedIn).toMatchObject({ ok: true, value: { canIdentify: false, operator: { role: 'office-admin' } } });
    expect(await desk.core.call('operators.list', {})).toMatchObject({ ok: true });
    const request = (await awaiting(service))[0]!;
    await desk.core.call('requests.lookup', { fiscalCode: request.applicant.fiscalCode });
    const refused = await desk.core.call('identifications.confirm', {
      draft: draftFor(request),
      acknowledgedWarnings: [],
      password: 'dsga-password-nuova',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not-permitted' } });
    expect(ready(desk.core).sync.outbox.counts().pending).toBe(0);
  });

  it('two operators signing in at once on one desk: the one refused leaves no live session on the service', async () => {
    const service = await central();
    const { core } = openDesk(service.url);
    const answers = await Promise.all([core.call('session.signIn', segreteria), core.call('session.signIn', dirigente)]);
    expect(answers.filter((answer) => answer.ok)).toHaveLength(1);
    const sessions = () => service.store.sessionCount();
    await expect.poll(sessions).toBe(1);
  });
});

describe('the anchored audit trail', () => {
  /** Rewrites the chain with the store key: drops the triggers, edits an entry, recomputes every hash after it. */
  function rewrite(path: string, key: Buffer, seq: number) {
    const raw = rawOpen(path, key);
    raw.exec('DROP TRIGGER audit_log_no_update');
    const rows = raw
      .prepare(
        'SELECT seq, at, operator_id AS operatorId, action, fiscal_code AS fiscalCode, subject, prev_hash AS prevHash, hash FROM audit_log ORDER BY seq',
      )
      .all() as AuditEntry[];
    let prevHash = rows.find((row) => row.seq === seq)!.prevHash;
    const update = raw.prepare('UPDATE audit_log SET fiscal_code = ?, prev_hash = ?, hash = ? WHERE seq = ?');
    for (const row of rows.filter((candidate) => candidate.seq >= seq)) {
      const edited = row.seq === seq ? { ...row, fiscalCode: null } : row;
      const hash = auditHash(prevHash, edited);
      update.run(edited.fiscalCode, prevHash, hash, row.seq);
      prevHash = hash;
    }
    raw.close();
  }

  it('anchors the head with every push; a rewrite with the key still passes the chain but not the anchor, in the app and in npm run audit:verify', async () => {
    const service = await central();
    const test = openDesk(service.url);
    const started = createTestCore({
      dataDirectory: test.dataDirectory,
      databaseKey: test.databaseKey,
      centralUrl: service.url,
      startSync: true,
    });
    await test.core.close();
    const { core } = started;
    const anchors = () =>
      ready(core).store.sqlite.prepare('SELECT sequence FROM audit_anchors ORDER BY sequence').all() as { sequence: number }[];
    await core.call('session.signIn', dirigente);
    const head = () => (ready(core).store.sqlite.prepare('SELECT max(seq) AS seq FROM audit_log').get() as { seq: number }).seq;
    const lastAnchored = () => anchors().at(-1)?.sequence ?? null;
    const [first, second] = await awaiting(service);
    // Each confirmation is pushed at once, and the push anchors the head it leaves.
    await confirm(core, first!, dirigente.password);
    const a1 = head();
    await expect.poll(lastAnchored).toBe(a1);
    await confirm(core, second!, dirigente.password);
    const a2 = head();
    await expect.poll(lastAnchored).toBe(a2);
    expect(await core.call('audit.verify', {})).toMatchObject({ ok: true, value: { ok: true, anchoredSeq: a2, anchorSource: 'central' } });
    await core.close();

    // Someone with the store key rewrites the second applicant's lookup (after the first anchor) and recomputes the chain.
    const dbPath = join(test.dataDirectory, 'desk.db');
    const peek = rawOpen(dbPath, test.databaseKey);
    const lookupSeq = (
      peek.prepare(`SELECT seq FROM audit_log WHERE action = 'lookup' AND fiscal_code = ?`).get(second!.applicant.fiscalCode) as {
        seq: number;
      }
    ).seq;
    peek.close();
    expect(lookupSeq).toBeGreaterThan(a1);
    rewrite(dbPath, test.databaseKey, lookupSeq);

    const reopened = createTestCore({ dataDirectory: test.dataDirectory, databaseKey: test.databaseKey, centralUrl: service.url });
    cleanups.push(() => reopened.core.close());
    await reopened.core.call('session.signIn', dirigente);
    // The chain alone is consistent again; the signed heads are not.
    expect(await reopened.core.call('audit.verify', {})).toMatchObject({
      ok: true,
      value: { ok: false, reason: 'anchor', anchoredSeq: a1, firstBrokenSeq: a1 + 1 },
    });

    // The receipts deleted too: the service's own latest still catches it.
    const raw = rawOpen(dbPath, test.databaseKey);
    raw.exec('DELETE FROM audit_anchors');
    raw.close();
    expect(await reopened.core.call('audit.verify', {})).toMatchObject({ ok: true, value: { ok: false, reason: 'anchor' } });
    await reopened.core.close();

    // The command line, from the receipts kept here (put back) and the service's published keys.
    const restore = rawOpen(dbPath, test.databaseKey);
    const receipts = (await (await fetch(`${service.adminUrl}/admin/audit-anchors`)).json()) as Array<{
      anchor: { sequence: number; hash: string; anchoredAt: string };
    }>;
    for (const receipt of receipts)
      restore
        .prepare('INSERT INTO audit_anchors (sequence, hash, anchored_at, receipt) VALUES (?, ?, ?, ?)')
        .run(receipt.anchor.sequence, receipt.anchor.hash, receipt.anchor.anchoredAt, JSON.stringify(receipt));
    restore.close();
    writeFileSync(join(test.dataDirectory, 'desk.key'), test.databaseKey.toString('hex'));
    // Asynchronously: the service answers from this very process.
    const cli = await new Promise<{ stdout: string; stderr: string; status: number | null }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(root, 'scripts/audit-verify.ts'), '--data-dir', test.dataDirectory, '--central-url', service.url],
        { cwd: root, env: { ...process.env, SPORTELLO_DB_KEY: '' } },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (status) => resolve({ stdout, stderr, status }));
    });
    expect(cli.stdout + cli.stderr).toContain(`riscritto dopo l’ancoraggio alla voce ${a1}`);
    expect(cli.status).toBe(1);
  });

  it('a purge may drop anchored heads only once they are older than the shortest retention: a fake purge of recent history is caught', async () => {
    const service = await central();
    const { core } = openDesk(service.url);
    await core.call('session.signIn', dirigente);
    const store = ready(core).store;
    const token = ready(core).session.currentToken()!;
    const client = new CentralClient({ baseUrl: service.url });
    const logger = createMemoryLogger();
    const day = 24 * 60 * 60_000;

    // History recorded ten days ago, anchored then.
    const tenDaysAgo = Date.now() - 10 * day;
    const old = new AuditLog(store, () => new Date(tenDaysAgo));
    for (let i = 0; i < 4; i++) old.append('lookup', { operatorId: 'op-dirigente', fiscalCode: 'RSSMRA80A01H501U' });
    await new AuditAnchors({ store, audit: old, client, logger, now: () => tenDaysAgo }).anchor(token, 'push');
    // And today's, anchored today.
    const audit = new AuditLog(store);
    audit.append('lookup', { operatorId: 'op-dirigente', fiscalCode: 'RSSMRA80A01H501U' });
    const anchors = new AuditAnchors({ store, audit, client, logger, now: Date.now });
    await anchors.anchor(token, 'push');
    expect(anchors.receipts()).toHaveLength(2);

    // A retention purge of what is older than 7 days: the old anchor goes with it, legitimately.
    store.inTransaction(() => {
      const checkpoint = audit.removeBefore(new Date(Date.now() - 7 * day).toISOString())!;
      audit.append('purge', { subject: checkpointCitation(checkpoint) });
    });
    expect(await anchors.verify(token)).toMatchObject({ ok: true, anchorSource: 'central' });

    // Someone with the key "purges" today's anchored history too, checkpoint and citation in order.
    const raw = store.sqlite;
    raw.exec('DROP TRIGGER IF EXISTS audit_log_no_delete');
    store.inTransaction(() => {
      const checkpoint = audit.removeBefore(new Date(Date.now() + day).toISOString())!;
      audit.append('purge', { subject: checkpointCitation(checkpoint) });
    });
    expect(audit.verify()).toMatchObject({ ok: true });
    expect(await anchors.verify(token)).toMatchObject({ ok: false, reason: 'anchor' });
  });
});
