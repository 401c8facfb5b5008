import { randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CentralService } from '../../central/server';
import { startTestCentral } from '../fixtures/central';
import type { EnablementRequest } from '../../shared/contract/central-api';
import { CentralClient } from '../../src-main/core/sync/central-client';
import { drainInterrupted, pullInterrupted } from '../../src-main/core/sync/problems';
import type { SyncEngine } from '../../src-main/core/sync/engine';
import type { CoreOptions } from '../../src-main/core/app';
import { createTestCore, rawOpen, ready, signedInDesk } from '../fixtures/core';
import { testDevice } from '../fixtures/device';
import { submissionFor } from '../fixtures/outcomes';

/** Real reference central service on 127.0.0.1, real encrypted SQLite files. */

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** What `npm run build` makes for the Electron host (absent before a build). */
const builtPageWriter = fileURLToPath(new URL('../../out/main/page-writer-worker.js', import.meta.url));

/** The desk's own options: pulled pages written by the main thread's connection, not a thread of their own. */
const onMainThread: Partial<CoreOptions> = { pageWriterWorker: undefined };

async function setup(seed = 300, pageSize = 100, fetchVia?: typeof fetch, options: Partial<CoreOptions> = {}) {
  const central = await startTestCentral({ seed, seedValue: 11, admin: true });
  const test = await signedInDesk(central, {
    sync: { pageSize, backoff: { baseMs: 5, capMs: 40 }, probeIntervalMs: 50 },
    ...(fetchVia ? { fetch: fetchVia } : {}),
    ...options,
  });
  cleanups.push(test.cleanup);
  expect(test.signIn).toMatchObject({ operator: { role: 'operator' }, mode: 'online' });
  return { central, ...test, engine: ready(test.core).sync, outcomes: ready(test.core).outcomes };
}

const officeScope = async (central: CentralService) => (await central.store.officeScope('ZZIS00100A'))!;

/** Pulls until the cache holds everything, tolerating injected faults. */
async function pullAll(engine: SyncEngine, central: CentralService, maxRounds = 400) {
  for (let round = 0; round < maxRounds; round++) {
    await engine.pull();
    // The office's copy: the requests of its scope (its province), not the whole country.
    if (
      engine.requests.count() === (await central.store.requestCount(await officeScope(central))) &&
      engine.state.get('refetching') === null
    ) {
      // One more page to be sure the cursor is at the end.
      const cursorBefore = engine.state.get('cursor');
      await engine.pull();
      if (engine.state.get('cursor') === cursorBefore) return;
    }
  }
  throw new Error('pull did not complete');
}

/**
 * Drains until nothing is pending, skipping the backoff (`retryNow`): these tests prove
 * exactly-once through faults; the backoff's own timing is sync-faults.test.ts's, on an
 * injected clock. Each round waits on the service's answers, never on a timer.
 */
async function drain(engine: SyncEngine, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    engine.retryNow();
    await engine.push();
    if (engine.status().pending === 0) return;
    // Let the event loop run (sockets, the probe's timer) before the next round.
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`outbox not drained: ${JSON.stringify(engine.outbox.counts())}`);
}

const awaiting = async (central: CentralService, count: number): Promise<EnablementRequest[]> =>
  (await central.store.allRequests()).filter((r) => r.status === 'awaiting-identification' && r.identificationRequired).slice(0, count);

/** Requests awaiting identification in the office's own scope (so in its local copy). */
const inScope = async (central: CentralService): Promise<EnablementRequest[]> =>
  (await central.store.allRequests(await officeScope(central))).filter(
    (r) => r.status === 'awaiting-identification' && r.identificationRequired,
  );

async function expectExactlyOnce(central: CentralService, opIds: string[]) {
  const effects = await central.store.effects();
  const keys = effects.map((effect) => effect.key);
  expect(new Set(keys).size).toBe(keys.length);
  expect([...keys].sort()).toEqual([...opIds].sort());
}

describe('sync engine against the reference central service', () => {
  it('signs in, and refuses wrong credentials with an Italian message', async () => {
    const { core } = await setup(10);
    const wrong = await core.dispatch('session.signIn', { officeCode: 'ZZIS00100A', username: 'segreteria', password: 'sbagliata' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid-credentials', message: expect.stringMatching(/non corretti/) } });
  });

  it('pulls 5,000 requests in pages through injected faults, each page with its cursor', async () => {
    const { central, engine } = await setup(5000, 500);
    await central.setFaults({ errorRate: 0.2, truncateRate: 0.1, latencyMs: 1, seed: 3 });
    await pullAll(engine, central);
    expect(engine.requests.count()).toBe(await central.store.requestCount(await officeScope(central)));
    // Later changes arrive as items too: an annulment.
    const target = (await inScope(central))[0]!;
    await central.setFaults({ errorRate: 0, truncateRate: 0 });
    await fetch(`${central.adminUrl}/admin/requests/${target.id}/annul`, { method: 'POST' });
    await engine.pull();
    expect(engine.requests.findById(target.id)?.status).toBe('annulled');
  });

  it('a long pull shows on the status how many requests it has received so far, and nothing once done (#17, freshness)', async () => {
    let engineRef: SyncEngine | null = null;
    const seenAtEachPage: Array<number | null> = [];
    const asOfAtEachPage: Array<string | null> = [];
    // Each request for a page of changes: what the status said at that moment.
    const fetchVia: typeof fetch = (input, init) => {
      if (engineRef && String(input).includes('/changes')) {
        seenAtEachPage.push(engineRef.status().pullReceived);
        asOfAtEachPage.push(engineRef.status().lastPullAt);
      }
      return fetch(input, init);
    };
    const { central, engine } = await setup(1500, 100, fetchVia);
    engineRef = engine;
    const total = await central.store.requestCount(await officeScope(central));
    expect(total).toBeGreaterThan(300);
    await engine.pull();
    expect(engine.requests.count()).toBe(total);
    // Nothing shown before a page says more follow; then each page asked for after the pages before it, counted.
    expect(seenAtEachPage[0]).toBeNull();
    expect(seenAtEachPage.slice(1)).toEqual(seenAtEachPage.slice(1).map((_, i) => (i + 1) * 100));
    expect(seenAtEachPage.length).toBeGreaterThan(3);
    expect(engine.status().pullReceived).toBeNull();
    // "Up to date as of" only once caught up: never while the first sync is half done.
    expect(new Set(asOfAtEachPage)).toEqual(new Set([null]));
    expect(engine.status().lastPullAt).not.toBeNull();
    // A routine pull of one page shows no count at all.
    seenAtEachPage.length = 0;
    await engine.pull();
    expect(seenAtEachPage).toEqual([null]);
  });

  it('asks for the next page before it writes the one it has: that request is on the wire while the page is written (#20, pull)', async () => {
    // Which pages of changes had their request written to the socket (undici's own diagnostics channel).
    const sent: string[] = [];
    const onHeaders = (message: unknown) => {
      const path = (message as { request: { path: string } }).request.path;
      if (path.includes('/changes')) sent.push(path);
    };
    subscribe('undici:client:sendHeaders', onHeaders);
    try {
      // On the main thread's writer, which blocks the thread while it writes (the writer's
      // own thread blocks nothing; both run the same writePage).
      const { central, engine } = await setup(1500, 100, undefined, onMainThread);
      const total = await central.store.requestCount(await officeScope(central));
      const sentAtWrite: number[] = [];
      const write = engine.requests.upsertRows.bind(engine.requests);
      vi.spyOn(engine.requests, 'upsertRows').mockImplementation((rows, table) => {
        sentAtWrite.push(sent.length);
        write(rows, table);
      });
      sent.length = 0;
      await engine.pull();
      expect(engine.requests.count()).toBe(total);
      const pages = sentAtWrite.length;
      expect(pages).toBeGreaterThan(3);
      // Page k is written once the request for page k + 1 has gone out (the last has no next).
      // Not the first: the socket that brought it is not back in the pool yet, so the second
      // request waits for a new connection; from then on a kept-alive socket is free.
      expect(sentAtWrite.slice(1)).toEqual(sentAtWrite.slice(1).map((_, index) => Math.min(index + 3, pages)));
    } finally {
      unsubscribe('undici:client:sendHeaders', onHeaders);
    }
  });

  it("writes each page without waiting for the disk (synchronous NORMAL), its cursor in the same transaction; the store's durable writes still wait (#20, pull)", async () => {
    // Seen on the main thread's writer; the writer's own thread runs the same writePage on its connection.
    const { central, core, engine } = await setup(1500, 100, undefined, onMainThread);
    const store = ready(core).store;
    // 1 is NORMAL (the WAL reaches the disk at checkpoints), 2 is FULL (each commit waits for it).
    const synchronous: number[] = [];
    const write = engine.requests.upsertRows.bind(engine.requests);
    vi.spyOn(engine.requests, 'upsertRows').mockImplementation((rows, table) => {
      synchronous.push(store.sqlite.pragma('synchronous', { simple: true }) as number);
      write(rows, table);
    });
    await engine.pull();
    expect(engine.requests.count()).toBe(await central.store.requestCount(await officeScope(central)));
    expect(synchronous.length).toBeGreaterThan(3);
    expect(new Set(synchronous)).toEqual(new Set([1]));
    // The store's durable writes (an outcome) still wait for the disk.
    expect(store.sqlite.pragma('synchronous', { simple: true })).toBe(2);
  });

  it("writes pulled pages on the writer's own thread and connection: the main thread's opens no transaction for them, and sees every row, the cursor and 'as of' (#20, pull)", async () => {
    const { central, core, engine } = await setup(1500, 100);
    const store = ready(core).store;
    const transactions = vi.spyOn(store, 'inTransaction');
    await engine.pull();
    const total = await central.store.requestCount(await officeScope(central));
    expect(total).toBeGreaterThan(300);
    expect(transactions).not.toHaveBeenCalled();
    expect(engine.requests.count()).toBe(total);
    expect(engine.state.get('cursor')).not.toBeNull();
    expect(engine.status().lastPullAt).not.toBeNull();
    // A later change arrives through the same thread, and the desk reads it at once.
    const target = (await inScope(central))[0]!;
    await fetch(`${central.adminUrl}/admin/requests/${target.id}/annul`, { method: 'POST' });
    await engine.pull();
    expect(transactions).not.toHaveBeenCalled();
    expect(engine.requests.findById(target.id)?.status).toBe('annulled');
  });

  it("a writer's thread lost mid-pull: the page it held is not written, the pull says so, and the next pull brings the rest on the main thread's connection, nothing lost or doubled (#20, pull)", async () => {
    const dying = new URL('../fixtures/page-writer-dying.mjs', import.meta.url);
    const { central, engine, logger } = await setup(1500, 100, undefined, { pageWriterWorker: dying });
    const total = await central.store.requestCount(await officeScope(central));
    await engine.pull();
    // Two pages written, the third lost with the thread: its cursor with it.
    expect(engine.requests.count()).toBe(200);
    expect(engine.status().lastError).toBe(pullInterrupted);
    expect(engine.status().lastPullAt).toBeNull();
    expect(logger.lines.map((line) => line.event)).toEqual(expect.arrayContaining(['sync.page-writer-lost', 'sync.pull-write-failed']));
    await engine.pull();
    expect(engine.requests.count()).toBe(total);
    expect(engine.status().lastError).toBeNull();
    expect(engine.status().lastPullAt).not.toBeNull();
    const ids = (await central.store.allRequests(await officeScope(central))).map((request) => request.id);
    expect(ids.every((id) => engine.requests.findById(id) !== null)).toBe(true);
  });

  it("a page waits on the writer's thread for as long as another connection holds the store (a retention purge of many rows), instead of failing the pull after the store's usual 5 s (#20, pull)", async () => {
    const { central, engine, dataDirectory, databaseKey } = await setup(300, 100);
    // Another connection holds the store's write lock for longer than the usual busy timeout, as a long purge would.
    const other = rawOpen(join(dataDirectory, 'desk.db'), databaseKey);
    other.exec('BEGIN IMMEDIATE');
    const held = new Promise<void>((resolve) =>
      setTimeout(() => {
        other.exec('COMMIT');
        other.close();
        resolve();
      }, 6_000),
    );
    await engine.pull();
    await held;
    expect(engine.status().lastError).toBeNull();
    expect(engine.requests.count()).toBe(await central.store.requestCount(await officeScope(central)));
    expect(engine.status().lastPullAt).not.toBeNull();
  });

  it("a writer's thread that cannot start has seen no page: the main thread's connection writes them all, and the pull goes through (#20, pull)", async () => {
    const missing = new URL('../fixtures/no-such-page-writer.mjs', import.meta.url);
    const { central, engine, logger } = await setup(600, 100, undefined, { pageWriterWorker: missing });
    await engine.pull();
    expect(engine.requests.count()).toBe(await central.store.requestCount(await officeScope(central)));
    expect(engine.status().lastError).toBeNull();
    expect(engine.status().lastPullAt).not.toBeNull();
    expect(logger.lines.filter((line) => line.event === 'sync.page-writer-lost')).toEqual([
      expect.objectContaining({ level: 'warn', started: false }),
    ]);
  });

  it.skipIf(!existsSync(builtPageWriter))(
    'the built page writer (out/main/page-writer-worker.js, what the Electron host starts) writes pulled pages (skipped before `npm run build`)',
    async () => {
      const { central, core, engine } = await setup(600, 100, undefined, { pageWriterWorker: builtPageWriter });
      const transactions = vi.spyOn(ready(core).store, 'inTransaction');
      await engine.pull();
      expect(transactions).not.toHaveBeenCalled();
      expect(engine.requests.count()).toBe(await central.store.requestCount(await officeScope(central)));
      expect(engine.status().lastError).toBeNull();
    },
  );

  it('a pull the service defers (503, Retry-After: outcomes first) goes again by itself at the time asked; its message goes once it goes through (#16)', async () => {
    // Deferring every poll, then none: the service reads this object at each poll.
    const defer = { outcomesInFlight: 0, retryAfterSeconds: 1 };
    const central = await startTestCentral({ seed: 40, seedValue: 11, deferFeedAt: defer });
    const answers: number[] = [];
    let answered: () => void = () => {};
    const fetchVia: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).includes('/changes')) {
        answers.push(response.status);
        answered();
      }
      return response;
    };
    const test = await signedInDesk(central, { fetch: fetchVia });
    cleanups.push(test.cleanup);
    const engine = ready(test.core).sync;
    await engine.pull();
    expect(answers).toEqual([503]);
    expect(engine.status().lastError).toBe('Servizio centrale occupato a ricevere esiti: l’elenco delle richieste si aggiorna tra poco.');
    expect(engine.requests.count()).toBe(0);
    // The service is free again: the desk's own retry, a second after, brings the scope.
    defer.outcomesInFlight = Number.POSITIVE_INFINITY;
    await new Promise<void>((resolve) => (answered = () => answers.includes(200) && resolve()));
    await engine.pull(); // joins the retry's pull, or finds it done
    expect(answers.slice(0, 2)).toEqual([503, 200]);
    expect(engine.requests.count()).toBe(await central.store.requestCount(await officeScope(central)));
    expect(engine.status().lastError).toBeNull();
  });

  it('re-fetches everything into a fresh table and swaps it in when the cursor is refused (410)', async () => {
    const { central, engine } = await setup(250, 100);
    await pullAll(engine, central);
    const cursor = engine.state.get('cursor');
    const target = (await inScope(central))[0]!;
    const inCopy = await central.store.requestCount(await officeScope(central));
    await fetch(`${central.adminUrl}/admin/requests/${target.id}/expire`, { method: 'POST' });
    await fetch(`${central.adminUrl}/admin/compact`, { method: 'POST' });
    await engine.pull();
    expect(engine.state.get('refetching')).toBeNull();
    expect(engine.state.get('cursor')).not.toBe(cursor);
    expect(engine.requests.count()).toBe(inCopy);
    expect(engine.requests.findById(target.id)?.status).toBe('expired');
    // A cursor the server never issued is refused the same way.
    engine.state.set('cursor', Buffer.from('000000000000.0:1').toString('base64url'));
    await engine.pull();
    expect(engine.requests.count()).toBe(inCopy);
    expect(engine.state.get('refetching')).toBeNull();
  });

  it("a refetch's pages go to the writer's thread but its last, which swaps the whole copy in, is written on the main thread's connection (the desk's writes wait for it there, not behind the thread's lock) (#20, pull)", async () => {
    const { central, core, engine } = await setup(250, 30);
    await pullAll(engine, central);
    const inCopy = await central.store.requestCount(await officeScope(central));
    // Three pages at least: two to the thread, the last here.
    expect(inCopy).toBeGreaterThan(60);
    engine.state.set('cursor', Buffer.from('000000000000.0:1').toString('base64url'));
    const transactions = vi.spyOn(ready(core).store, 'inTransaction');
    await engine.pull();
    expect(engine.requests.count()).toBe(inCopy);
    expect(engine.state.get('refetching')).toBeNull();
    // The 410's reset of the fresh table, then the swap: no other page on this connection.
    expect(transactions).toHaveBeenCalledTimes(2);
  });

  it('looks up online when reachable, and from the cache when the central service is down, saying which', async () => {
    const { central, core, engine } = await setup(200);
    const request = (await awaiting(central, 1))[0]!;
    const online = await core.dispatch('requests.lookup', { fiscalCode: request.applicant.fiscalCode.toLowerCase() });
    expect(online).toMatchObject({ ok: true, value: { source: 'online', items: [{ id: request.id }] } });
    await central.setFaults({ down: true });
    const cached = await core.dispatch('requests.lookup', { fiscalCode: request.applicant.fiscalCode });
    expect(cached).toMatchObject({ ok: true, value: { source: 'cache', items: [{ id: request.id }] } });
    expect(engine.status().online).toBe(false);
    const invalid = await core.dispatch('requests.lookup', { fiscalCode: 'RSSMRA80A01H501X' });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'fiscal-code-check-character' } });
  });

  it('with the service just found away, lookups answer from the cache without waiting on the network; the probe brings them back online', async () => {
    const central = await startTestCentral({ seed: 60, seedValue: 11, admin: true });
    let lookupsSent = 0;
    const test = createTestCore({
      centralUrl: central.url,
      sync: { probeIntervalMs: 1_000, backoff: { baseMs: 5, capMs: 40 } },
      startSync: true,
      fetch: (input, init) => {
        if (String(input).includes('/v2/enablement-requests?')) lookupsSent++;
        return globalThis.fetch(input, init);
      },
    });
    cleanups.push(async () => {
      await test.cleanup();
      await central.close();
    });
    const { core } = test;
    await core.call('session.signIn', { officeCode: 'ZZIS00100A', username: 'segreteria', password: 'prova-segreteria' });
    const request = (await awaiting(central, 1))[0]!;
    const lookup = () => core.call('requests.lookup', { fiscalCode: request.applicant.fiscalCode });
    expect(await lookup()).toMatchObject({ ok: true, value: { source: 'online' } });
    await central.setFaults({ down: true });
    const before = lookupsSent;
    expect(await lookup()).toMatchObject({ ok: true, value: { source: 'cache', items: [{ id: request.id }] } });
    expect(await lookup()).toMatchObject({ ok: true, value: { source: 'cache' } });
    expect(await lookup()).toMatchObject({ ok: true, value: { source: 'cache' } });
    // One attempt found the service away; the next lookups did not try again.
    expect(lookupsSent - before).toBe(1);
    await central.setFaults({ down: false });
    await vi.waitFor(() => expect(ready(core).sync.status().online).toBe(true), { timeout: 5_000 });
    expect(await lookup()).toMatchObject({ ok: true, value: { source: 'online' } });
  });

  it.each([
    ['500 errors', { errorRate: 0.5 }],
    ['connection dropped after commit', { dropAfterCommitRate: 0.5 }],
    ['truncated bodies', { truncateRate: 0.5 }],
    ['429 with Retry-After', { rateLimitRate: 0.5, retryAfterSeconds: 0 }],
    ['added latency', { latencyMs: 20 }],
  ])('pushes exactly once through %s', async (_name, faults) => {
    const { central, engine, outcomes } = await setup(120);
    await pullAll(engine, central);
    await central.setFaults({ ...faults, seed: 9 });
    const opIds = (await awaiting(central, 25)).map(
      (request) => outcomes.record(submissionFor(request, 'confirmed', engine.state.clientId())).opId,
    );
    await drain(engine);
    expect(engine.outbox.counts()).toMatchObject({ acked: 25, pending: 0, sending: 0, retryWait: 0, dead: 0, conflict: 0 });
    await expectExactlyOnce(central, opIds);
    expect(await central.store.emails()).toHaveLength(25);
  });

  it('queues while the central service refuses connections, and drains when it is back', async () => {
    const { central, engine, outcomes } = await setup(60);
    await pullAll(engine, central);
    await central.setFaults({ down: true });
    const opIds = (await awaiting(central, 5)).map(
      (request) => outcomes.record(submissionFor(request, 'confirmed', engine.state.clientId())).opId,
    );
    await engine.push();
    expect(engine.status()).toMatchObject({ online: false, pending: 5 });
    await central.setFaults({ down: false });
    engine.start();
    await drain(engine);
    expect(engine.status()).toMatchObject({ online: true, pending: 0 });
    await expectExactlyOnce(central, opIds);
  });

  it('after an outage, sends the queue in calls of up to 50 outcomes (not one call each), each applied once', async () => {
    const calls: string[] = [];
    const counting: typeof fetch = (input, init) => {
      calls.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
      return fetch(input, init);
    };
    const { central, engine, outcomes } = await setup(400, 500, counting);
    await pullAll(engine, central);
    await central.setFaults({ down: true });
    const opIds = (await inScope(central))
      .slice(0, 60)
      .map((request) => outcomes.record(submissionFor(request, 'confirmed', engine.state.clientId())).opId);
    expect(opIds).toHaveLength(60);
    await engine.push();
    await central.setFaults({ down: false });
    calls.length = 0;
    await drain(engine);
    const posts = calls.filter((call) => call.startsWith('POST /v2/identification'));
    expect(posts).toEqual(['POST /v2/identification-batches', 'POST /v2/identification-batches']);
    expect(engine.outbox.counts()).toMatchObject({ acked: 60, pending: 0, dead: 0, conflict: 0 });
    await expectExactlyOnce(central, opIds);
  });

  it('a drain commits once per batch: the answers and the claim of the next batch go in one transaction (#20, drain)', async () => {
    const { central, core, engine, outcomes } = await setup(400, 500);
    await pullAll(engine, central);
    await central.setFaults({ down: true });
    const opIds = (await inScope(central))
      .slice(0, 100)
      .map((request) => outcomes.record(submissionFor(request, 'confirmed', engine.state.clientId())).opId);
    expect(opIds).toHaveLength(100);
    await engine.push();
    await central.setFaults({ down: false });
    // The transactions begun outside any other (each one a commit; the ones inside are savepoints).
    const store = ready(core).store;
    const inTransaction = store.inTransaction.bind(store);
    let commits = 0;
    vi.spyOn(store, 'inTransaction').mockImplementation((work, how) => {
      if (!store.sqlite.inTransaction) commits++;
      return inTransaction(work, how);
    });
    engine.retryNow();
    await engine.push();
    expect(engine.outbox.counts()).toMatchObject({ acked: 100, pending: 0, sending: 0 });
    // Two calls of 50: the first claim, then each batch's answers with the next claim (none after the second).
    expect(commits).toBe(3);
    await expectExactlyOnce(central, opIds);
  });

  it('a drain keeps two batches on the wire once the service has answered one; an outcome behind one on the wire waits for its answer (#20, drain)', async () => {
    // Each batch call from the moment it is asked until its answer has been read, and the
    // request ids each one carried, in the order the calls went out.
    let onTheWire = 0;
    let most = 0;
    let answered = 0;
    const sent: Array<{ requests: string[]; answeredBefore: number }> = [];
    const watching: typeof fetch = async (input, init) => {
      if (new URL(String(input)).pathname !== '/v2/identification-batches') return fetch(input, init);
      const items = (JSON.parse(String(init?.body)) as { items: Array<{ body: string }> }).items;
      sent.push({ requests: items.map((item) => (JSON.parse(item.body) as { requestId: string }).requestId), answeredBefore: answered });
      most = Math.max(most, ++onTheWire);
      try {
        const response = await fetch(input, init);
        const text = await response.text();
        return new Response(text, { status: response.status, headers: response.headers });
      } finally {
        onTheWire--;
        answered++;
      }
    };
    const { central, engine, outcomes } = await setup(700, 500, watching);
    await pullAll(engine, central);
    await central.setFaults({ down: true });
    const [request, ...others] = (await inScope(central)).slice(0, 149);
    expect(others).toHaveLength(148);
    const record = (target: EnablementRequest, outcome: 'confirmed' | 'refused') =>
      outcomes.record(submissionFor(target, outcome, engine.state.clientId())).opId;
    // Calls of 50: the first alone; then the second, with the third sent before the second's
    // answer. The request's refusal goes in the second; its confirmation, recorded among the
    // third's, may not go until the refusal has its answer.
    const opIds = others.slice(0, 50).map((other) => record(other, 'confirmed'));
    const refusal = record(request!, 'refused');
    opIds.push(refusal, ...others.slice(50, 99).map((other) => record(other, 'confirmed')));
    const confirmation = record(request!, 'confirmed');
    opIds.push(confirmation, ...others.slice(99).map((other) => record(other, 'confirmed')));
    await engine.push();
    await central.setFaults({ down: false });
    // What went while the service was away (refused at the door) does not count.
    sent.length = 0;
    most = 0;
    answered = 0;
    engine.retryNow();
    await engine.push();
    expect(engine.outbox.counts()).toMatchObject({ pending: 0, sending: 0, dead: 0 });
    expect(sent.map((call) => call.requests.length)).toEqual([50, 50, 49, 1]);
    expect(most).toBe(2);
    expect(sent.map((call) => call.answeredBefore).slice(0, 3)).toEqual([0, 1, 1]);
    expect(sent[1]!.requests).toContain(request!.id);
    expect(sent[2]!.requests).not.toContain(request!.id);
    // The confirmation went in the last call, once the refusal's call was answered.
    expect(sent[3]!.requests).toEqual([request!.id]);
    expect(sent[3]!.answeredBefore).toBeGreaterThanOrEqual(2);
    const keys = (await central.store.effects()).map((effect) => effect.key);
    expect(keys.indexOf(refusal)).toBeLessThan(keys.indexOf(confirmation));
    await expectExactlyOnce(central, opIds);
  });

  it('answers the store could not write (a full disk) leave their outcomes to go again, by themselves after a backoff, with their keys: one effect each', async () => {
    const { central, engine, outcomes } = await setup(60);
    await pullAll(engine, central);
    const [first, second, third, fourth] = await awaiting(central, 4);
    // Queued while the service is away, then sent in one batch.
    await central.setFaults({ down: true });
    const opIds = [first!, second!, third!].map(
      (request) => outcomes.record(submissionFor(request, 'confirmed', engine.state.clientId())).opId,
    );
    await engine.push();
    await central.setFaults({ down: false });
    const full = () => {
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    };
    const markAcked = vi.spyOn(engine.outbox, 'markAcked').mockImplementationOnce(full);
    engine.retryNow();
    await engine.push();
    // The service took them; the desk could not write its answers: nothing of that batch
    // written (no write tried while the store refuses them), and the person is told.
    expect(opIds.map((opId) => engine.outbox.get(opId)!.state)).toEqual(['sending', 'sending', 'sending']);
    expect(engine.status()).toMatchObject({ pending: 3, lastError: drainInterrupted });
    engine.retryNow();
    await engine.push();
    expect(opIds.map((opId) => engine.outbox.get(opId)!.state)).toEqual(['acked', 'acked', 'acked']);
    expect(engine.status()).toMatchObject({ pending: 0, lastError: null });
    // A running desk: nobody calls again, no "retry now": the drain's own backoff does.
    engine.start();
    markAcked.mockImplementationOnce(full);
    const later = outcomes.record(submissionFor(fourth!, 'confirmed', engine.state.clientId())).opId;
    await engine.push();
    await vi.waitFor(() => expect(engine.outbox.get(later)!.state).toBe('acked'), { timeout: 10_000, interval: 10 });
    expect(markAcked.mock.results.filter((result) => result.type === 'throw')).toHaveLength(2);
    await expectExactlyOnce(central, [...opIds, later]);
  });

  it('an outcome waits behind an earlier one of the same operator for its request that is waiting out a backoff: the two reach the service in order', async () => {
    const { central, core, engine, outcomes } = await setup(60);
    await pullAll(engine, central);
    const request = (await awaiting(central, 1))[0]!;
    await central.setFaults({ errorRate: 1 });
    const refusal = outcomes.record(submissionFor(request, 'refused', engine.state.clientId())).opId;
    await engine.push();
    expect(engine.outbox.get(refusal)!.state).toBe('retry_wait');
    // A long backoff (the service failed it a few times).
    ready(core)
      .store.sqlite.prepare(`UPDATE outbox SET next_attempt_at = ? WHERE op_id = ?`)
      .run(Date.now() + 3_600_000, refusal);
    await central.setFaults({ errorRate: 0 });
    const confirmation = outcomes.record(submissionFor(request, 'confirmed', engine.state.clientId())).opId;
    // Sent now if it could go: the queue is not paused, the service answers.
    engine.retryNow(confirmation);
    await engine.push();
    expect(engine.outbox.get(confirmation)!.state).toBe('pending');
    expect((await central.store.effects()).map((effect) => effect.key)).not.toContain(confirmation);
    await drain(engine);
    expect(engine.outbox.get(refusal)!.state).toBe('acked');
    expect(['acked', 'conflict']).toContain(engine.outbox.get(confirmation)!.state);
    const keys = (await central.store.effects()).map((effect) => effect.key);
    expect(keys.indexOf(refusal)).toBeGreaterThanOrEqual(0);
    expect(keys.indexOf(refusal)).toBeLessThan(keys.indexOf(confirmation));
  });

  it('with a service that refuses the batch call itself (an older one: 404; or 400/413), sends each outcome on its own instead of parking them all', async () => {
    for (const refusal of [
      { status: 404, body: '{"message":"Route POST:/v2/identification-batches not found","error":"Not Found","statusCode":404}' },
      { status: 413, body: '{"code":"validation","message":"body too large"}' },
    ]) {
      const refusing: typeof fetch = (input, init) =>
        new URL(String(input)).pathname === '/v2/identification-batches'
          ? Promise.resolve(new Response(refusal.body, { status: refusal.status, headers: { 'content-type': 'application/json' } }))
          : fetch(input, init);
      const { central, engine, outcomes } = await setup(60, 100, refusing);
      await pullAll(engine, central);
      const opIds = (await inScope(central))
        .slice(0, 3)
        .map((request) => outcomes.record(submissionFor(request, 'confirmed', engine.state.clientId())).opId);
      await drain(engine);
      expect(engine.outbox.counts()).toMatchObject({ acked: 3, dead: 0, pending: 0 });
      await expectExactlyOnce(central, opIds);
    }
  });

  it('puts every conflict code on the problems list with a plain reason', async () => {
    const { central, core, engine, outcomes } = await setup(400);
    await pullAll(engine, central);
    const all = await central.store.allRequests();
    const pick = (predicate: (r: EnablementRequest) => boolean) => all.find(predicate)!;
    const [toAnnul, toExpire, toBump, twice] = await awaiting(central, 4);
    const cases: Array<[EnablementRequest, string]> = [
      [pick((r) => r.status === 'enabled'), 'already-enabled'],
      [toAnnul!, 'request-annulled'],
      [toExpire!, 'request-expired'],
      [pick((r) => r.status === 'awaiting-code-confirmation'), 'code-not-confirmed'],
      [pick((r) => r.status === 'awaiting-identification' && !r.identificationRequired), 'identification-not-required'],
      [toBump!, 'stale-version'],
    ];
    // Offline at the desk: everything queues.
    await central.setFaults({ down: true });
    const opIds = cases.map(([request]) => outcomes.record(submissionFor(request, 'confirmed', engine.state.clientId())).opId);
    // While queued, the central side changes: annulled, expired, updated.
    await fetch(`${central.adminUrl}/admin/requests/${toAnnul!.id}/annul`, { method: 'POST' });
    await fetch(`${central.adminUrl}/admin/requests/${toExpire!.id}/expire`, { method: 'POST' });
    await central.store.putRequest({ ...toBump!, version: toBump!.version + 1 });
    // A second confirmation of the same person by another desk: already enabled.
    const first = outcomes.record(submissionFor(twice!, 'confirmed', engine.state.clientId())).opId;
    const second = outcomes.record(submissionFor(twice!, 'confirmed', engine.state.clientId())).opId;
    await engine.push();
    expect(engine.status()).toMatchObject({ online: false, pending: 8 });
    await central.setFaults({ down: false });
    await drain(engine);
    const problems = await core.call('sync.problems', {});
    expect(problems.ok).toBe(true);
    const list = problems.ok ? problems.value : [];
    const byCode = new Map(list.map((p) => [p.code, p]));
    // Each code on its own request (not just somewhere on the list).
    for (const [request, code] of [...cases, [twice!, 'already-enabled'] as const]) {
      const onRequest = list.filter((p) => p.requestId === request.id);
      expect(onRequest).toHaveLength(1);
      expect(onRequest[0]).toMatchObject({ state: 'conflict', code, retryable: false });
      expect(onRequest[0]!.reason.length).toBeGreaterThan(20);
    }
    expect(list).toHaveLength(7);
    expect(engine.outbox.get(first)!.state).toBe('acked');
    expect(engine.outbox.get(second)!.state).toBe('conflict');
    await expectExactlyOnce(central, [...opIds, first, second]);
    // Handled with a note: off the list.
    const problem = byCode.get('request-annulled')!;
    const handled = await core.call('sync.markHandled', { opId: problem.opId, note: 'Richiedente avvisato' });
    expect(handled.ok && handled.value.some((p) => p.opId === problem.opId)).toBe(false);
    expect(engine.status().problems).toBe(6);
  });

  it('parks a permanent failure as dead without blocking the others', async () => {
    const { central, engine, outcomes } = await setup(50);
    await pullAll(engine, central);
    const [a, b] = await awaiting(central, 2);
    const ghost = { ...a!, id: 'REQ-DOES-NOT-EXIST' };
    const dead = outcomes.record(submissionFor(ghost, 'confirmed', engine.state.clientId())).opId;
    const alive = outcomes.record(submissionFor(b!, 'confirmed', engine.state.clientId())).opId;
    await drain(engine);
    expect(engine.outbox.get(dead)).toMatchObject({ state: 'dead', problemCode: 'request-not-found' });
    expect(engine.outbox.get(alive)!.state).toBe('acked');
    expect(engine.problems()[0]).toMatchObject({ opId: dead, retryable: true, reason: expect.stringMatching(/non conosce/) });
  });

  it('asks for a new sign-in on 401 and then sends what was queued', async () => {
    const { central, core, engine, outcomes } = await setup(50);
    await pullAll(engine, central);
    const required: unknown[] = [];
    core.events.subscribe((event) => event.name === 'session.required' && required.push(event.payload));
    await fetch(`${central.adminUrl}/admin/revoke-sessions`, { method: 'POST' });
    const opId = outcomes.record(submissionFor((await awaiting(central, 1))[0]!, 'confirmed', engine.state.clientId())).opId;
    await engine.push();
    expect(engine.status()).toMatchObject({ needsSignIn: true, pending: 1 });
    expect(required).toEqual([{ reason: 'expired' }]);
    expect(engine.outbox.get(opId)!.state).toBe('pending');
    await core.dispatch('session.signIn', { officeCode: 'ZZIS00100A', username: 'segreteria', password: 'prova-segreteria' });
    await drain(engine);
    expect(engine.outbox.get(opId)!.state).toBe('acked');
  });

  it('re-sends a row left `sending` by a crash with the same key, and the server replays', async () => {
    const { central, engine, outcomes } = await setup(30);
    await pullAll(engine, central);
    await central.setFaults({ dropAfterCommitRate: 1 });
    const opId = outcomes.record(submissionFor((await awaiting(central, 1))[0]!, 'confirmed', engine.state.clientId())).opId;
    await engine.push();
    // Simulate the crash: the row is still `sending` in the file.
    engine.outbox['store'].sqlite.prepare(`UPDATE outbox SET state = 'sending' WHERE op_id = ?`).run(opId);
    await central.setFaults({ dropAfterCommitRate: 0 });
    expect(engine.outbox.recoverSending()).toBe(1);
    await drain(engine);
    expect(engine.outbox.get(opId)).toMatchObject({ state: 'acked' });
    await expectExactlyOnce(central, [opId]);
  });

  it('an acknowledgement undone by a power cut (its row pending again) goes out again with its key and is replayed: one effect', async () => {
    const { central, engine, outcomes } = await setup(30);
    await pullAll(engine, central);
    const opIds = (await awaiting(central, 3)).map(
      (request) => outcomes.record(submissionFor(request, 'confirmed', engine.state.clientId())).opId,
    );
    await drain(engine);
    const answers = opIds.map((opId) => engine.outbox.get(opId)!.result);
    // The drain's commits do not wait for the disk: after a power cut its rows may be as before it.
    engine.outbox['store'].sqlite.prepare(`UPDATE outbox SET state = 'pending', result = NULL, attempts = 0`).run();
    await drain(engine);
    expect(opIds.map((opId) => engine.outbox.get(opId)!.state)).toEqual(['acked', 'acked', 'acked']);
    expect(opIds.map((opId) => engine.outbox.get(opId)!.result)).toEqual(answers);
    await expectExactlyOnce(central, opIds);
  });

  it("an acknowledged outcome's row keeps the answer's status, code and version, not a second copy of the applicant's request", async () => {
    const { central, engine, outcomes } = await setup(30);
    await pullAll(engine, central);
    const request = (await awaiting(central, 1))[0]!;
    const opId = outcomes.record(submissionFor(request, 'confirmed', engine.state.clientId())).opId;
    await drain(engine);
    const kept = engine.outbox.get(opId)!.result!;
    expect(JSON.parse(kept)).toEqual({ status: 'accepted', code: 'identified', version: engine.requests.findById(request.id)!.version });
    expect(kept).not.toContain(request.applicant.fiscalCode);
    expect(kept).not.toContain(request.applicant.surname);
  });

  it('replays the stored answer for the same key and body, refuses the same key with another body', async () => {
    const { central } = await setup(20);
    const client = new CentralClient({ baseUrl: central.url });
    const device = testDevice();
    const deviceId = device.deviceId;
    const signedIn = await client.signIn({
      officeCode: 'ZZIS00100A',
      username: 'segreteria',
      password: 'prova-segreteria',
      ...device.prove('ZZIS00100A', 'segreteria'),
    });
    const token = signedIn.ok ? signedIn.value.token : '';
    const request = (await awaiting(central, 1))[0]!;
    const key = randomUUID();
    const body = JSON.stringify(submissionFor(request, 'confirmed', deviceId));
    const first = await client.submitIdentification(token, key, body);
    const again = await client.submitIdentification(token, key, body);
    expect(first).toMatchObject({ ok: true, value: { status: 'accepted', code: 'identified' } });
    expect(again).toEqual(first);
    const other = await client.submitIdentification(token, key, JSON.stringify(submissionFor(request, 'refused', deviceId)));
    expect(other).toMatchObject({ ok: false, failure: { kind: 'http', status: 422, code: 'idempotency-key-reused' } });
    expect(await central.store.effects()).toHaveLength(1);
  });

  it('leaves no fiscal code, name or document number in clear in the database files', async () => {
    const { central, engine, dataDirectory, outcomes } = await setup(300);
    await pullAll(engine, central);
    for (const request of await awaiting(central, 10)) outcomes.record(submissionFor(request, 'confirmed', engine.state.clientId()));
    await drain(engine);
    const files = readdirSync(dataDirectory).filter((name) => name.startsWith('desk.db'));
    expect(files).toContain('desk.db');
    const bytes = Buffer.concat(files.map((name) => readFileSync(join(dataDirectory, name))));
    expect(bytes.length).toBeGreaterThan(100_000);
    const samples = (await central.store.allRequests())
      .slice(0, 300)
      .flatMap((r) => [
        r.applicant.fiscalCode,
        r.applicant.surname.length >= 5 ? r.applicant.surname : null,
        r.declaredDocument.number,
        r.applicant.email,
      ])
      .filter((value): value is string => value !== null);
    const found = samples.filter((value) => bytes.includes(Buffer.from(value)));
    expect(found).toEqual([]);
  });
});
