import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCentral } from '../fixtures/central';
import { createTestCore, rawOpen, ready } from '../fixtures/core';
import { draftFor } from '../fixtures/outcomes';
import { backupPathFor } from '../../src-main/core/store/database';

/**
 * #7 data protection: the retention purge removes what the central service acknowledged
 * and what is old, keeps what waits and unhandled problems, and leaves a verifiable audit
 * chain; erasure by fiscal code is an office administrator's, audited, and never drops an
 * outcome that was not sent. One clock drives the desk and the central service.
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const day = 86_400_000;
const dirigente = { officeCode: 'ZZIS00100A', username: 'dirigente', password: 'prova-dirigente' };

async function setup() {
  let clock = Date.now() - 100 * day;
  const now = () => new Date(clock);
  const service = await startTestCentral({ seed: 30, seedValue: 11, now });
  const dataDirectory = mkdtempSync(join(tmpdir(), 'sportello-retention-'));
  const databaseKey = randomBytes(32);
  cleanups.push(async () => {
    await service.close();
    rmSync(dataDirectory, { recursive: true, force: true });
  });
  const open = () => {
    const test = createTestCore({ dataDirectory, databaseKey, centralUrl: service.url, now });
    cleanups.push(() => test.core.close());
    return test.core;
  };
  const awaiting = (await service.store.officeRequests('ZZIS00100A')).filter(
    (request) => request.status === 'awaiting-identification' && request.identificationRequired,
  );
  return { service, open, awaiting, dataDirectory, databaseKey, advance: (ms: number) => (clock += ms) };
}

function count(core: ReturnType<Awaited<ReturnType<typeof setup>>['open']>, sql: string, ...params: unknown[]): number {
  return (
    ready(core)
      .store.sqlite.prepare(sql)
      .get(...params) as { n: number }
  ).n;
}

describe('retention purge', () => {
  it('removes acknowledged identifications, closed cached requests and old audit entries; keeps what waits; the chain still verifies', async () => {
    const { service, open, awaiting, advance, dataDirectory, databaseKey } = await setup();
    const [sent, queued, untouched] = awaiting as [(typeof awaiting)[0], (typeof awaiting)[0], (typeof awaiting)[0]];
    let core = open();
    // The operator signs in here once, 100 days ago, and never again.
    await core.call('session.signIn', { ...dirigente, username: 'segreteria', password: 'prova-segreteria' });
    await core.call('session.signOut', {});
    await core.call('session.signIn', dirigente);
    for (const request of [sent, queued, untouched]) await core.call('requests.lookup', { fiscalCode: request.applicant.fiscalCode });
    expect(
      await core.call('identifications.confirm', { draft: draftFor(sent), acknowledgedWarnings: [], password: dirigente.password }),
    ).toMatchObject({
      ok: true,
      value: { delivery: 'sent' },
    });
    await service.setFaults({ down: true });
    expect(
      await core.call('identifications.confirm', { draft: draftFor(queued), acknowledgedWarnings: [], password: dirigente.password }),
    ).toMatchObject({
      ok: true,
      value: { delivery: 'queued' },
    });
    await service.setFaults({ down: false });
    const auditBefore = count(core, 'SELECT count(*) AS n FROM audit_log');
    await core.close();

    // 91 days later: the retention period (90 days) has passed for all of that.
    advance(91 * day);
    core = open();
    await core.call('session.signIn', dirigente);
    // Asked first (#21): the preview says what the purge would remove, and removes nothing.
    const identificationsBefore = count(core, 'SELECT count(*) AS n FROM identifications');
    const preview = await core.call('data.purgePreview', {});
    expect(preview).toMatchObject({ ok: true, value: { retentionDays: 90, identifications: 1, requests: 1, auditEntries: auditBefore } });
    expect(count(core, 'SELECT count(*) AS n FROM identifications')).toBe(identificationsBefore);
    const report = await core.call('data.purge', {});
    expect(report).toMatchObject({ ok: true, value: { retentionDays: 90, identifications: 1, requests: 1, auditEntries: auditBefore } });
    expect(count(core, 'SELECT count(*) AS n FROM identifications WHERE request_id = ?', sent.id)).toBe(0);
    expect(count(core, 'SELECT count(*) AS n FROM enablement_requests WHERE id = ?', sent.id)).toBe(0);
    // The unsent confirmation and the open requests stay.
    expect(count(core, 'SELECT count(*) AS n FROM identifications WHERE request_id = ?', queued.id)).toBe(1);
    expect(count(core, `SELECT count(*) AS n FROM outbox WHERE state != 'acked'`)).toBe(1);
    expect(count(core, 'SELECT count(*) AS n FROM enablement_requests WHERE id = ?', untouched.id)).toBe(1);
    // The verifier of today's sign-in stays; the operator not seen for 100 days is forgotten.
    expect(ready(core).store.sqlite.prepare('SELECT key FROM operators').all()).toEqual([{ key: 'ZZIS00100A/dirigente' }]);
    // The chain starts at the checkpoint, and the purge entry cites it.
    expect(await core.call('audit.verify', {})).toMatchObject({ ok: true, value: { ok: true, entries: 2 } });
    expect(await core.call('settings.get', {})).toMatchObject({ ok: true, value: { lastPurge: { identifications: 1, requests: 1 } } });
    // Audit entries are still append-only for everything after the checkpoint.
    expect(() => ready(core).store.sqlite.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(() => ready(core).store.sqlite.prepare('DELETE FROM audit_checkpoints').run()).toThrow(/append-only/);
    await core.close();

    // A checkpoint forged around the app, to delete entries, is found.
    const raw = rawOpen(join(dataDirectory, 'desk.db'), databaseKey);
    const last = raw.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
    raw
      .prepare('INSERT INTO audit_checkpoints (through_seq, hash, at) VALUES (?, ?, ?)')
      .run(last.seq, last.hash, new Date().toISOString());
    raw.prepare('DELETE FROM audit_log').run();
    raw.close();
    core = open();
    await core.call('session.signIn', dirigente);
    expect(await core.call('audit.verify', {})).toMatchObject({
      ok: true,
      value: { ok: false, reason: 'checkpoint', firstBrokenSeq: last.seq + 1 },
    });
  });
});

describe('erasure by fiscal code', () => {
  it('refuses while an outcome waits, then removes the applicant’s local data, audited', async () => {
    const { service, open, awaiting, dataDirectory, databaseKey } = await setup();
    const [request, other] = awaiting as [(typeof awaiting)[0], (typeof awaiting)[0]];
    const core = open();
    await core.call('session.signIn', dirigente);
    await core.call('requests.lookup', { fiscalCode: request.applicant.fiscalCode });
    await core.call('requests.lookup', { fiscalCode: other.applicant.fiscalCode });
    await service.setFaults({ down: true });
    await core.call('identifications.confirm', { draft: draftFor(request), acknowledgedWarnings: [], password: dirigente.password });
    await core.call('drafts.save', draftFor(other));

    const refused = await core.call('data.erase', { fiscalCode: request.applicant.fiscalCode.toLowerCase() });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'erasure-pending', message: expect.stringContaining('Nulla è stato cancellato') },
    });
    expect(count(core, 'SELECT count(*) AS n FROM identifications')).toBe(1);
    expect(await core.call('data.erase', { fiscalCode: 'RSSMRA80A01H501X' })).toMatchObject({
      ok: false,
      error: { code: 'fiscal-code-check-character' },
    });

    await service.setFaults({ down: false });
    ready(core).sync.retryNow();
    await ready(core).sync.push();
    expect(count(core, `SELECT count(*) AS n FROM outbox WHERE state = 'acked'`)).toBe(1);
    // Asked first (#21): the preview checks the code and says what would go, removing nothing.
    expect(await core.call('data.erasePreview', { fiscalCode: 'RSSMRA80A01H501X' })).toMatchObject({
      ok: false,
      error: { code: 'fiscal-code-check-character' },
    });
    const auditBefore = count(core, 'SELECT count(*) AS n FROM audit_log');
    expect(await core.call('data.erasePreview', { fiscalCode: request.applicant.fiscalCode })).toEqual({
      ok: true,
      value: { fiscalCode: request.applicant.fiscalCode, identifications: 1, requests: 1 },
    });
    expect(count(core, 'SELECT count(*) AS n FROM identifications')).toBe(1);
    // Nothing removed, but the question itself is audited (it tells what this PC holds of someone).
    expect(count(core, 'SELECT count(*) AS n FROM audit_log')).toBe(auditBefore + 1);
    expect(
      count(core, `SELECT count(*) AS n FROM audit_log WHERE action = 'erasure-preview' AND fiscal_code = ?`, request.applicant.fiscalCode),
    ).toBe(1);
    expect(await core.call('data.erase', { fiscalCode: request.applicant.fiscalCode })).toEqual({
      ok: true,
      value: { fiscalCode: request.applicant.fiscalCode, identifications: 1, requests: 1 },
    });
    expect(count(core, 'SELECT count(*) AS n FROM identifications')).toBe(0);
    expect(count(core, 'SELECT count(*) AS n FROM outbox')).toBe(0);
    expect(count(core, 'SELECT count(*) AS n FROM enablement_requests WHERE fiscal_code = ?', request.applicant.fiscalCode)).toBe(0);
    // The backup copy was taken again after the erasure: the person is in no copy either.
    const copy = rawOpen(backupPathFor(join(dataDirectory, 'desk.db')), databaseKey);
    expect(copy.prepare('SELECT count(*) AS n FROM identifications').get()).toEqual({ n: 0 });
    expect(copy.prepare('SELECT count(*) AS n FROM enablement_requests WHERE fiscal_code = ?').get(request.applicant.fiscalCode)).toEqual({
      n: 0,
    });
    copy.close();
    // The other applicant is untouched, draft included.
    expect(count(core, 'SELECT count(*) AS n FROM enablement_requests WHERE fiscal_code = ?', other.applicant.fiscalCode)).toBe(1);
    expect(await core.call('drafts.get', { requestId: other.id })).toMatchObject({ ok: true, value: { requestId: other.id } });
    const erasure = ready(core)
      .store.sqlite.prepare(`SELECT operator_id AS operatorId, fiscal_code AS fiscalCode FROM audit_log WHERE action = 'erasure'`)
      .all();
    expect(erasure).toEqual([{ operatorId: expect.any(String), fiscalCode: request.applicant.fiscalCode }]);
    expect(await core.call('audit.verify', {})).toMatchObject({ ok: true, value: { ok: true } });
  });

  it('is not undone by what was on its way: a first sync page fetched before it, written after it, leaves the applicant out; a lookup after it caches them again (#20, pull)', async () => {
    const { service, open, awaiting } = await setup();
    const [request] = awaiting as [(typeof awaiting)[0]];
    const core = open();
    await core.call('session.signIn', dirigente);
    await core.call('requests.lookup', { fiscalCode: request.applicant.fiscalCode });
    const held = () => count(core, 'SELECT count(*) AS n FROM enablement_requests WHERE id = ?', request.id);
    expect(held()).toBe(1);
    // The first sync's page (the whole scope, this applicant too) is on its way for a while...
    await service.setFaults({ latencyMs: 1_500 });
    const pulling = ready(core).sync.pull();
    // ...when the office administrator erases the applicant (the page still on its way: the erasure is kept for it).
    expect(await core.call('data.erase', { fiscalCode: request.applicant.fiscalCode })).toMatchObject({ ok: true, value: { requests: 1 } });
    expect(count(core, 'SELECT count(*) AS n FROM erased_applicants')).toBe(1);
    await pulling;
    await service.setFaults({ latencyMs: 0 });
    // The page was written after (the rest of the scope is there) without the applicant; nothing of the erasure is kept.
    expect(count(core, 'SELECT count(*) AS n FROM enablement_requests')).toBeGreaterThan(1);
    expect(held()).toBe(0);
    expect(count(core, 'SELECT count(*) AS n FROM erased_applicants')).toBe(0);
    // Asked for after the erasure, the service's data is cached again.
    await core.call('requests.lookup', { fiscalCode: request.applicant.fiscalCode });
    expect(held()).toBe(1);
  });

  it('is not undone by a lookup whose answer was on its way (#20, pull)', async () => {
    const { service, open, awaiting } = await setup();
    const [request] = awaiting as [(typeof awaiting)[0]];
    const core = open();
    await core.call('session.signIn', dirigente);
    const held = () => count(core, 'SELECT count(*) AS n FROM enablement_requests WHERE fiscal_code = ?', request.applicant.fiscalCode);
    await service.setFaults({ latencyMs: 1_500 });
    const looking = core.call('requests.lookup', { fiscalCode: request.applicant.fiscalCode });
    // Nothing was cached yet: the erasure removes nothing, but what the lookup brings after it is not cached.
    expect(await core.call('data.erase', { fiscalCode: request.applicant.fiscalCode })).toMatchObject({ ok: true, value: { requests: 0 } });
    expect(count(core, 'SELECT count(*) AS n FROM erased_applicants')).toBe(1);
    // Answered by the service, which found the request: not cached, so not shown either.
    expect(await looking).toMatchObject({ ok: true, value: { source: 'online', items: [] } });
    await service.setFaults({ latencyMs: 0 });
    expect(held()).toBe(0);
    expect(count(core, 'SELECT count(*) AS n FROM erased_applicants')).toBe(0);
    await core.call('requests.lookup', { fiscalCode: request.applicant.fiscalCode });
    expect(held()).toBe(1);
  });

  it("says an erasure is unfinished while another connection (the pull's page writer) keeps the WAL from emptying; repeated, it completes (#20, pull)", async () => {
    const { open, awaiting, dataDirectory, databaseKey } = await setup();
    const [request] = awaiting as [(typeof awaiting)[0]];
    const core = open();
    await core.call('session.signIn', dirigente);
    await core.call('requests.lookup', { fiscalCode: request.applicant.fiscalCode });
    ready(core).store.sqlite.pragma('busy_timeout = 20');
    // A connection reading an older snapshot, as the writer's thread would hold one mid-page.
    const other = rawOpen(join(dataDirectory, 'desk.db'), databaseKey);
    other.exec('BEGIN');
    other.prepare('SELECT count(*) FROM enablement_requests').get();
    expect(await core.call('data.erase', { fiscalCode: request.applicant.fiscalCode })).toMatchObject({
      ok: false,
      error: { code: 'locked', message: expect.stringContaining('ripetere la cancellazione') },
    });
    expect(count(core, 'SELECT count(*) AS n FROM enablement_requests WHERE fiscal_code = ?', request.applicant.fiscalCode)).toBe(0);
    other.exec('COMMIT');
    other.close();
    expect(await core.call('data.erase', { fiscalCode: request.applicant.fiscalCode })).toEqual({
      ok: true,
      value: { fiscalCode: request.applicant.fiscalCode, identifications: 0, requests: 0 },
    });
  });
});
