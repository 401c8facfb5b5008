import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CentralService } from '../../central/server';
import { startTestCentral } from '../fixtures/central';
import { operations, type AppEvent } from '../../shared/contract';
import { delayAfter } from '../../src-main/core/session/credentials';
import { createTestCore, unreachableCentralUrl, ready } from '../fixtures/core';
import { draftFor } from '../fixtures/outcomes';

/**
 * #7: offline sign-in with the verifier cached at the last online sign-in, the increasing
 * delay after wrong passwords, the idle lock that keeps the desk's state, and the access
 * policy. Real encrypted store files, the real central service on 127.0.0.1; the clock is
 * the core's `now` option.
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const office = 'ZZIS00100A';
const day = 86_400_000;
const segreteria = { officeCode: office, username: 'segreteria', password: 'prova-segreteria' };
const dirigente = { officeCode: office, username: 'dirigente', password: 'prova-dirigente' };

async function central(): Promise<CentralService> {
  const service = await startTestCentral({ seed: 20, seedValue: 7 });
  cleanups.push(() => service.close());
  return service;
}

/** One PC: the same data folder and key, opened by successive cores (restarts) with their own clock and central URL. */
function desk() {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'sportello-session-'));
  const databaseKey = randomBytes(32);
  cleanups.push(() => rmSync(dataDirectory, { recursive: true, force: true }));
  return (centralUrl: string, at: number = Date.now()) => {
    let clock = at;
    const test = createTestCore({ dataDirectory, databaseKey, centralUrl, now: () => new Date(clock) });
    cleanups.push(() => test.core.close());
    return { ...test, advance: (ms: number) => (clock += ms) };
  };
}

describe('offline sign-in', () => {
  it('lets in, for a limited time, an operator who signed in online on this PC', async () => {
    const service = await central();
    const open = desk();
    const start = Date.now();
    const online = open(service.url, start);
    expect(await online.core.call('session.signIn', segreteria)).toMatchObject({ ok: true, value: { mode: 'online' } });
    await online.core.close();

    // The central service is unreachable: the verifier cached at the online sign-in is used.
    const offline = open(unreachableCentralUrl, start + 6 * day);
    const signedIn = await offline.core.call('session.signIn', { ...segreteria, username: ' Segreteria ' });
    expect(signedIn).toMatchObject({ ok: true, value: { mode: 'offline', operator: { role: 'operator' }, locked: false } });
    expect(ready(offline.core).session.currentToken()).toBeNull();
    expect((await offline.core.call('sync.status', {})).ok).toBe(true);
    // A wrong password offline gets the same answer as an account never signed in here (#14: nothing tells which are cached).
    expect(await offline.core.call('session.signIn', { ...segreteria, password: 'sbagliata' })).toMatchObject({
      ok: false,
      error: { code: 'central-unreachable' },
    });
    // Someone who never signed in online here cannot sign in offline (once the desk is free: #14).
    await offline.core.call('session.signOut', {});
    expect(await offline.core.call('session.signIn', dirigente)).toMatchObject({
      ok: false,
      error: { code: 'central-unreachable', message: expect.stringContaining('negli ultimi 7 giorni') },
    });
    await offline.core.close();

    // Eight days later the cached verifier no longer opens the desk.
    const late = open(unreachableCentralUrl, start + 8 * day);
    expect(await late.core.call('session.signIn', segreteria)).toMatchObject({ ok: false, error: { code: 'offline-expired' } });
    await late.core.close();

    // A clock turned back before the last online sign-in does not extend it either.
    const turnedBack = open(unreachableCentralUrl, start - day);
    expect(await turnedBack.core.call('session.signIn', segreteria)).toMatchObject({ ok: false, error: { code: 'offline-clock' } });
  });

  it('forgets the cached verifier when the central service refuses that same password (changed or revoked)', async () => {
    const service = await central();
    const open = desk();
    const first = open(service.url);
    expect((await first.core.call('session.signIn', segreteria)).ok).toBe(true);
    // A stranger's wrong password does not touch the cache...
    await first.core.call('session.signIn', { ...segreteria, password: 'indovina' });
    await first.core.close();
    const offline = open(unreachableCentralUrl);
    expect(await offline.core.call('session.signIn', segreteria)).toMatchObject({ ok: true, value: { mode: 'offline' } });
    await offline.core.close();
    // ...but once the central service no longer accepts the known password, offline is over too.
    await service.store.putOperator(office, 'segreteria', 'nuova-password-2026', {
      id: 'op-segreteria',
      displayName: 'Segreteria didattica',
      role: 'operator',
    });
    const online = open(service.url);
    expect(await online.core.call('session.signIn', segreteria)).toMatchObject({ ok: false, error: { code: 'invalid-credentials' } });
    await online.core.close();
    const after = open(unreachableCentralUrl);
    expect(await after.core.call('session.signIn', segreteria)).toMatchObject({ ok: false, error: { code: 'central-unreachable' } });
  });

  it('can be limited to fewer days by an office administrator', async () => {
    const service = await central();
    const open = desk();
    const start = Date.now();
    const online = open(service.url, start);
    await online.core.call('session.signIn', dirigente);
    const settings = await online.core.call('settings.get', {});
    if (!settings.ok) throw new Error(settings.error.message);
    const updated = await online.core.call('settings.update', {
      centralUrl: settings.value.centralUrl,
      retentionDays: settings.value.retentionDays,
      idleLockMinutes: settings.value.idleLockMinutes,
      offlineSignInDays: 2,
    });
    expect(updated).toMatchObject({ ok: true, value: { offlineSignInDays: 2 } });
    await online.core.close();
    const offline = open(unreachableCentralUrl, start + 3 * day);
    expect(await offline.core.call('session.signIn', dirigente)).toMatchObject({
      ok: false,
      error: { code: 'offline-expired', message: expect.stringContaining('2 giorni') },
    });
  });
});

describe('going online from an offline session', () => {
  it('signs the same operator in online in place, keeping the desk; refuses while the service is still away', async () => {
    const service = await central();
    const open = desk();
    const first = open(service.url);
    await first.core.call('session.signIn', segreteria);
    await first.core.close();
    await service.setFaults({ down: true });
    const { core } = open(service.url);
    expect(await core.call('session.signIn', segreteria)).toMatchObject({ ok: true, value: { mode: 'offline' } });
    const request = (await service.store.officeRequests('ZZIS00100A')).find(
      (r) => r.status === 'awaiting-identification' && r.identificationRequired,
    )!;
    const draft = draftFor(request);
    await core.call('drafts.save', draft);

    expect(await core.call('session.goOnline', { password: 'prova-segreteria' })).toMatchObject({
      ok: false,
      error: { code: 'central-unreachable' },
    });
    expect(ready(core).session.current()).toMatchObject({ mode: 'offline' });
    await service.setFaults({ down: false });
    expect(await core.call('session.goOnline', { password: 'sbagliata' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-credentials' },
    });
    expect(await core.call('session.goOnline', { password: 'prova-segreteria' })).toMatchObject({
      ok: true,
      value: { mode: 'online', operator: { role: 'operator' } },
    });
    expect(ready(core).session.currentToken()).not.toBeNull();
    expect(await core.call('drafts.get', { requestId: request.id })).toEqual({ ok: true, value: draft });
  });
});

describe('wrong passwords', () => {
  it('are free four times, then each attempt waits longer, across a restart, and a success resets the count', async () => {
    expect([1, 4, 5, 6, 7, 20].map(delayAfter)).toEqual([0, 0, 30_000, 60_000, 120_000, 900_000]);
    const service = await central();
    const open = desk();
    const start = Date.now();
    const first = open(service.url, start);
    const wrong = { ...segreteria, password: 'sbagliata' };
    const messages: string[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const result = await first.core.call('session.signIn', wrong);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-credentials' } });
      if (!result.ok) messages.push(result.error.message);
    }
    expect(messages[1]).toContain('Ancora 3 tentativi');
    expect(messages[4]).toContain('tra 30 secondi');
    // Even the right password waits now.
    expect(await first.core.call('session.signIn', segreteria)).toMatchObject({ ok: false, error: { code: 'sign-in-delayed' } });
    await first.core.close();

    // A restart does not reset the count.
    const restarted = open(service.url, start + 10_000);
    expect(await restarted.core.call('session.signIn', segreteria)).toMatchObject({
      ok: false,
      error: { code: 'sign-in-delayed', message: expect.stringContaining('20 secondi') },
    });
    // The central service counts too (per account, on its own clock): its block ends with the desk's.
    restarted.advance(21_000);
    service.advanceClock(31_000);
    expect(await restarted.core.call('session.signIn', wrong)).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('tra 60 secondi') },
    });
    restarted.advance(61_000);
    service.advanceClock(61_000);
    expect(await restarted.core.call('session.signIn', segreteria)).toMatchObject({ ok: true });
    // Reset: four wrong passwords in a row are free again.
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect(await restarted.core.call('session.unlock', { password: 'sbagliata' })).toMatchObject({
        ok: false,
        error: { code: 'wrong-password' },
      });
    }
    expect(await restarted.core.call('session.unlock', { password: 'prova-segreteria' })).toMatchObject({ ok: true });
  });
});

describe('idle lock', () => {
  it('locks after the idle minutes, refuses everything but unlocking, and keeps the wizard’s draft', async () => {
    const service = await central();
    const open = desk();
    const { core, advance } = open(service.url);
    const events: AppEvent[] = [];
    core.events.subscribe((event) => events.push(event));
    await core.call('session.signIn', segreteria);
    const request = (await service.store.officeRequests('ZZIS00100A')).find(
      (r) => r.status === 'awaiting-identification' && r.identificationRequired,
    )!;
    await core.call('requests.lookup', { fiscalCode: request.applicant.fiscalCode });
    const draft = draftFor(request);
    expect((await core.call('drafts.save', draft)).ok).toBe(true);

    // Activity postpones the lock.
    advance(4 * 60_000);
    ready(core).session.lockIfIdle();
    expect(ready(core).session.current()!.locked).toBe(false);
    await core.call('session.touch', {});
    advance(4 * 60_000);
    ready(core).session.lockIfIdle();
    expect(ready(core).session.current()!.locked).toBe(false);
    advance(60_000);
    ready(core).session.lockIfIdle();
    expect(ready(core).session.current()!.locked).toBe(true);
    expect(events.filter((event) => event.name === 'session.lock')).toEqual([{ name: 'session.lock', payload: { locked: true } }]);

    // Locked: no data, no action; the screens that need nothing personal still answer.
    expect(await core.call('requests.lookup', { fiscalCode: request.applicant.fiscalCode })).toMatchObject({
      ok: false,
      error: { code: 'session-locked' },
    });
    expect(await core.call('drafts.get', { requestId: request.id })).toMatchObject({ ok: false, error: { code: 'session-locked' } });
    expect(await core.call('session.current', {})).toMatchObject({ ok: true, value: { locked: true } });
    expect((await core.call('sync.status', {})).ok).toBe(true);

    expect(await core.call('session.unlock', { password: 'sbagliata' })).toMatchObject({ ok: false, error: { code: 'wrong-password' } });
    expect(await core.call('session.unlock', { password: 'prova-segreteria' })).toMatchObject({ ok: true, value: { locked: false } });
    expect(await core.call('drafts.get', { requestId: request.id })).toEqual({ ok: true, value: draft });

    // The operator can also lock on leaving the desk.
    expect(await core.call('session.lock', {})).toMatchObject({ ok: true, value: { locked: true } });
    const actions = ready(core).store.sqlite.prepare(`SELECT action FROM audit_log WHERE action = 'unlock'`).all();
    expect(actions).toHaveLength(1);
  });
});

describe('access policy', () => {
  it('answers only what the sign-in screen needs before sign-in, and reserves administration to office administrators', async () => {
    const service = await central();
    const { core } = desk()(service.url);
    const publicOperations = Object.entries(operations)
      .filter(([, spec]) => spec.access === 'public')
      .map(([name]) => name)
      .sort();
    expect(publicOperations).toEqual([
      // IT's diagnostics: also when nobody can sign in (the store did not open); no personal data (diagnostics.test.ts).
      'app.diagnostics',
      'app.info',
      'app.installUpdate',
      'app.setLocale',
      'session.current',
      'session.signIn',
      'session.signOut',
      'session.touch',
      'session.unlock',
      'sync.status',
    ]);
    const fiscalCode = (await service.store.allRequests())[0]!.applicant.fiscalCode;
    expect(await core.call('requests.lookup', { fiscalCode })).toMatchObject({ ok: false, error: { code: 'not-signed-in' } });
    expect(await core.call('sync.problems', {})).toMatchObject({ ok: false, error: { code: 'not-signed-in' } });
    expect(await core.call('session.unlock', { password: 'x' })).toMatchObject({ ok: false, error: { code: 'not-signed-in' } });
    await core.call('session.signIn', segreteria);
    expect((await core.call('requests.lookup', { fiscalCode })).ok).toBe(true);
    for (const call of [core.call('data.erase', { fiscalCode }), core.call('data.purge', {}), core.call('audit.verify', {})]) {
      expect(await call).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });
});
