import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CentralService } from '../../central/server';
import type { EnablementRequest } from '../../shared/contract/central-api';
import { createRandom } from '../../shared/domain/synthetic-people';
import { startTestCentral } from '../fixtures/central';
import { ready, signedInDesk } from '../fixtures/core';
import { submissionFor } from '../fixtures/outcomes';
import { drainInterrupted } from '../../src-main/core/sync/problems';
import type { SyncEngine } from '../../src-main/core/sync/engine';

/**
 * #19: the drain's fault semantics, observed on an injected clock and a seeded random,
 * against the real service on 127.0.0.1, with no `retryNow()`: each push is what the
 * engine's wake-up timer would run at that moment of injected time.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const backoff = { baseMs: 1_000, capMs: 60_000 };

async function setup(seed: number, randomSeed = 7) {
  const central = await startTestCentral({ seed, seedValue: 19, admin: true });
  let clock = Date.parse('2026-11-30T08:00:00Z');
  const test = await signedInDesk(central, {
    sync: { pageSize: 500, backoff, now: () => clock, random: createRandom(randomSeed) },
  });
  cleanups.push(test.cleanup);
  const { sync: engine, outcomes } = ready(test.core);
  await engine.pull();
  const awaiting = (await central.store.allRequests((await central.store.officeScope('ZZIS00100A'))!)).filter(
    (r) => r.status === 'awaiting-identification' && r.identificationRequired,
  );
  const record = (requests: EnablementRequest[]) =>
    requests.map((request) => outcomes.record(submissionFor(request, 'confirmed', engine.state.clientId())).opId);
  return {
    central,
    core: test.core,
    engine,
    awaiting,
    record,
    now: () => clock,
    advance: (ms: number) => {
      clock += ms;
    },
    setClock: (at: number) => {
      clock = at;
    },
  };
}

const effectKeys = async (central: CentralService) => (await central.store.effects()).map((effect) => effect.key);

/** Watches the desk's batch calls: how many outcomes each carried (and their keys), and the most ever in flight at once. */
function watchBatches() {
  const watched = { sizes: [] as number[], keys: [] as string[], inFlight: 0, maxInFlight: 0 };
  const originalFetch = globalThis.fetch;
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    if (!String(input).endsWith('/v2/identification-batches')) return originalFetch(input, init);
    const items = (JSON.parse(String(init?.body)) as { items: Array<{ key: string }> }).items;
    watched.sizes.push(items.length);
    watched.keys.push(...items.map((item) => item.key));
    watched.maxInFlight = Math.max(watched.maxInFlight, ++watched.inFlight);
    try {
      return await originalFetch(input, init);
    } finally {
      watched.inFlight--;
    }
  }) as typeof fetch;
  cleanups.push(async () => {
    globalThis.fetch = originalFetch;
  });
  return watched;
}

/**
 * Every outcome took effect once, and the desk sent them in the order they were recorded
 * (each first sent after the one before). Two calls on the wire at once (#20, drain) may be
 * applied in either order: outcomes of different requests; one request's go in order.
 */
async function expectSentInOrderOnce(central: CentralService, watched: ReturnType<typeof watchBatches>, opIds: string[]) {
  const keys = await effectKeys(central);
  expect(keys).toHaveLength(opIds.length);
  expect([...keys].sort()).toEqual([...opIds].sort());
  expect([...new Set(watched.keys)]).toEqual(opIds);
}

describe('drain fault semantics on an injected clock', () => {
  it('honours a 429 Retry-After to the second, for the whole queue', async () => {
    const { central, engine, awaiting, record, now, advance } = await setup(80);
    await central.setFaults({ rateLimitRate: 1, retryAfterSeconds: 30 });
    const opIds = record(awaiting.slice(0, 3));
    const refusedAt = now();
    await engine.push();
    expect(await effectKeys(central)).toEqual([]);
    // What was sent waits for Retry-After; what was not is held by the queue's pause.
    for (const row of opIds.map((opId) => engine.outbox.get(opId)!))
      expect(row.state === 'pending' || (row.state === 'retry_wait' && row.nextAttemptAt === refusedAt + 30_000)).toBe(true);
    expect(opIds.some((opId) => engine.outbox.get(opId)!.state === 'retry_wait')).toBe(true);
    await central.setFaults({ rateLimitRate: 0 });
    // A new outcome recorded during the pause waits too: the pause is the queue's.
    opIds.push(...record(awaiting.slice(3, 4)));
    advance(29_999);
    await engine.push();
    expect(await effectKeys(central)).toEqual([]);
    expect(engine.status().pending).toBe(4);
    advance(1);
    await engine.push();
    expect(await effectKeys(central)).toEqual(opIds);
    expect(engine.status().pending).toBe(0);
  });

  it('backs off exponentially with full jitter up to its cap, as the seeded random says, then sends', async () => {
    const { central, engine, awaiting, record, now, setClock } = await setup(40, 11);
    await central.setFaults({ errorRate: 1 });
    const [opId] = record(awaiting.slice(0, 1));
    const expected = createRandom(11);
    const delays: number[] = [];
    const predicted: number[] = [];
    for (let attempt = 1; attempt <= 9; attempt++) {
      const before = now();
      await engine.push();
      const row = engine.outbox.get(opId!)!;
      expect(row).toMatchObject({ state: 'retry_wait', attempts: attempt });
      delays.push(row.nextAttemptAt - before);
      predicted.push(Math.floor(expected() * Math.min(backoff.capMs, backoff.baseMs * 2 ** (attempt - 1))));
      // Nothing goes before its moment...
      setClock(row.nextAttemptAt - 1);
      await engine.push();
      expect(engine.outbox.get(opId!)!.attempts).toBe(attempt);
      // ...and it goes at its moment.
      setClock(row.nextAttemptAt);
    }
    expect(delays).toEqual(predicted);
    // Ceilings 1, 2, 4, … 32 s, then the 60-s cap.
    expect(Math.max(...delays.slice(6))).toBeLessThan(backoff.capMs);
    await central.setFaults({ errorRate: 0 });
    await engine.push();
    expect(engine.outbox.get(opId!)).toMatchObject({ state: 'acked', attempts: 10 });
    expect(await effectKeys(central)).toEqual([opId]);
  });

  it('keeps 500 outcomes through 7 days with the service down, then sends them all, in the order they were recorded', async () => {
    const { central, engine, awaiting, record, advance } = await setup(2200);
    const watched = watchBatches();
    await central.setFaults({ down: true });
    expect(awaiting.length).toBeGreaterThanOrEqual(500);
    const opIds = record(awaiting.slice(0, 500));
    // Seven days of wake-ups, one an hour: each finds the service gone.
    for (let hour = 0; hour < 7 * 24; hour++) {
      await engine.push();
      advance(3_600_000);
    }
    expect(engine.status()).toMatchObject({ online: false, pending: 500, problems: 0 });
    // The first call's 50 wait out their backoff; the rest were never sent (the service was gone).
    const counts = engine.outbox.counts();
    expect(counts).toMatchObject({ retryWait: 50, pending: 450, dead: 0, acked: 0 });
    await central.setFaults({ down: false });
    // The wake-up after the longest wait (the cap): everything is due.
    advance(backoff.capMs);
    await engine.push();
    expect(engine.status()).toMatchObject({ online: true, pending: 0, problems: 0 });
    await expectSentInOrderOnce(central, watched, opIds);
  });

  it('a connection cut after the service committed: the outcome waits its backoff, goes again with its key, and the stored answer is replayed', async () => {
    const { central, engine, awaiting, record, now, setClock } = await setup(40);
    await central.setFaults({ dropAfterCommitRate: 1 });
    const [opId] = record(awaiting.slice(0, 1));
    await engine.push();
    // Committed at the service, unknown at the desk.
    expect(await effectKeys(central)).toEqual([opId]);
    const row = engine.outbox.get(opId!)!;
    expect(row).toMatchObject({ state: 'retry_wait', attempts: 1 });
    expect(row.nextAttemptAt).toBeGreaterThanOrEqual(now());
    await central.setFaults({ dropAfterCommitRate: 0 });
    setClock(row.nextAttemptAt);
    await engine.push();
    expect(engine.outbox.get(opId!)).toMatchObject({ state: 'acked', attempts: 2 });
    expect(JSON.parse(engine.outbox.get(opId!)!.result!)).toMatchObject({ status: 'accepted', code: 'identified' });
    expect(await effectKeys(central)).toEqual([opId]);
  });

  it('a truncated answer is retried like a lost one, and a second delivery of the same outcome makes no second effect', async () => {
    const { central, engine, awaiting, record, setClock } = await setup(40);
    await central.setFaults({ truncateRate: 1 });
    const opIds = record(awaiting.slice(0, 2));
    await engine.push();
    expect(await effectKeys(central)).toEqual(opIds);
    expect(opIds.map((opId) => engine.outbox.get(opId)!.state)).toEqual(['retry_wait', 'retry_wait']);
    await central.setFaults({ truncateRate: 0 });
    setClock(Math.max(...opIds.map((opId) => engine.outbox.get(opId)!.nextAttemptAt)));
    await engine.push();
    expect(opIds.map((opId) => engine.outbox.get(opId)!.state)).toEqual(['acked', 'acked']);
    // Delivered once more (a crash after the answer, before it was written): the same answer, still one effect each.
    engine.outbox['store'].sqlite.prepare(`UPDATE outbox SET state = 'pending'`).run();
    await engine.push();
    expect(opIds.map((opId) => engine.outbox.get(opId)!.state)).toEqual(['acked', 'acked']);
    expect(await effectKeys(central)).toEqual(opIds);
  });

  it('a payload changed on disk is never sent: parked as dead with its reason, the others go', async () => {
    const { central, engine, awaiting, record, advance } = await setup(40);
    await central.setFaults({ down: true });
    const [poisoned, healthy] = record(awaiting.slice(0, 2));
    await engine.push();
    engine.outbox['store'].sqlite
      .prepare(`UPDATE outbox SET payload = replace(payload, 'confirmed', 'refused') WHERE op_id = ?`)
      .run(poisoned);
    await central.setFaults({ down: false });
    advance(backoff.capMs);
    await engine.push();
    expect(engine.outbox.get(poisoned!)).toMatchObject({ state: 'dead', problemCode: 'payload-corrupt' });
    expect(engine.outbox.get(healthy!)!.state).toBe('acked');
    expect(await effectKeys(central)).toEqual([healthy]);
    expect(engine.problems().map((problem) => problem.opId)).toEqual([poisoned]);
  });

  it('sends at most 50 outcomes per call', async () => {
    const { central, engine, awaiting, record, advance } = await setup(700);
    const watched = watchBatches();
    const calls = watched.sizes;
    await central.setFaults({ down: true });
    const opIds = record(awaiting.slice(0, 120));
    expect(opIds).toHaveLength(120);
    await engine.push();
    await central.setFaults({ down: false });
    advance(backoff.capMs);
    calls.length = 0;
    await engine.push();
    expect(calls).toEqual([50, 50, 20]);
    await expectSentInOrderOnce(central, watched, opIds);
  });

  it('one drain at a time: pushes asked for together, and outcomes recorded meanwhile, fold into one drain (two calls on the wire at most)', async () => {
    const { central, engine, awaiting, record, advance } = await setup(700);
    const watched = watchBatches();
    await central.setFaults({ down: true });
    const opIds = record(awaiting.slice(0, 150));
    await engine.push();
    await central.setFaults({ down: false });
    advance(backoff.capMs);
    watched.sizes.length = 0;
    const drains = [engine.push(), engine.push(), engine.push()];
    opIds.push(...record(awaiting.slice(150, 160)));
    await Promise.all([...drains, engine.push()]);
    // One drain keeps two calls on the wire (#20, drain); three drains at once would keep six.
    expect(watched.maxInFlight).toBe(2);
    expect(watched.sizes.reduce((sum, size) => sum + size, 0)).toBe(160);
    await expectSentInOrderOnce(central, watched, opIds);
  });

  /** Outcomes queued while the service is away, then the service back and every backoff over: the next push sends them. */
  async function queuedWhileAway(desk: Awaited<ReturnType<typeof setup>>, count: number) {
    await desk.central.setFaults({ down: true });
    const opIds = desk.record(desk.awaiting.slice(0, count));
    expect(opIds).toHaveLength(count);
    await desk.engine.push();
    await desk.central.setFaults({ down: false });
    desk.advance(backoff.capMs);
    return opIds;
  }

  /**
   * Stands between the desk and the service for its batch calls, numbered from 1 (again from
   * `restart`): `answer` forwards a call or answers it itself. Other calls pass.
   */
  function interceptBatchCalls(answer: (call: number, forward: () => Promise<Response>) => Promise<Response>) {
    const inner = globalThis.fetch;
    let calls = 0;
    globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) =>
      String(input).endsWith('/v2/identification-batches')
        ? answer(++calls, () => inner(input, init))
        : inner(input, init)) as typeof fetch;
    cleanups.push(async () => {
      globalThis.fetch = inner;
    });
    return { restart: () => (calls = 0) };
  }

  const refusal = (status: number, code: string) =>
    new Response(JSON.stringify({ code }), { status, headers: { 'content-type': 'application/json' } });

  const troubleInARow = (engine: SyncEngine) => (engine as unknown as { drain: { troubleInARow: number } }).drain.troubleInARow;

  for (const refused of [[2], [2, 3]]) {
    it(`a call refused (503) while the next is on the wire (calls ${refused.join(' and ')} refused): the queue pauses once, claims nothing more, records the call on the wire, and keeps saying why (#20, drain)`, async () => {
      const desk = await setup(700);
      const { central, engine, advance, now } = desk;
      // Watched outside the refusals: the calls refused count too.
      const refusing = interceptBatchCalls(async (call, forward) => (refused.includes(call) ? refusal(503, 'unavailable') : forward()));
      const watched = watchBatches();
      const opIds = await queuedWhileAway(desk, 160);
      watched.sizes.length = 0;
      refusing.restart();
      await engine.push();
      // The first call alone, then the second and third together; after the refusal nothing more.
      expect(watched.sizes).toEqual([50, 50, 50]);
      expect(watched.maxInFlight).toBe(2);
      const third = refused.includes(3) ? { retryWait: 100, acked: 50 } : { retryWait: 50, acked: 100 };
      expect(engine.outbox.counts()).toMatchObject({ ...third, pending: 10, sending: 0, dead: 0 });
      // One refusal in a row, whatever the call on the wire met: the first backoff, not the second.
      expect(troubleInARow(engine)).toBe(1);
      const waiting = opIds.map((opId) => engine.outbox.get(opId)!).filter((row) => row.state === 'retry_wait');
      for (const row of waiting) expect(row.nextAttemptAt).toBeLessThanOrEqual(now() + backoff.baseMs);
      // The person is told why the queue waits, even when the call after it went through.
      expect(engine.status()).toMatchObject({ online: true, pending: 160 - third.acked });
      expect(engine.status().lastError).not.toBeNull();
      // After the pause everything goes, each once.
      advance(backoff.capMs);
      await engine.push();
      expect(engine.status()).toMatchObject({ pending: 0, problems: 0, lastError: null });
      expect(troubleInARow(engine)).toBe(0);
      await expectSentInOrderOnce(central, watched, opIds);
    });
  }

  it('a drain the store fails while a call is on the wire ends only once that call is answered; its outcomes go again with their keys, one effect each (#20, drain)', async () => {
    const desk = await setup(700);
    const { central, engine } = desk;
    const opIds = await queuedWhileAway(desk, 150);
    // The second call's answers cannot be written (a full disk) while the third is on the wire;
    // the third's answer reaches the desk only on the turn of the event loop after that.
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let thirdAnswered = false;
    interceptBatchCalls(async (call, forward) => {
      const answer = await forward();
      if (call !== 3) return answer;
      await gate;
      thirdAnswered = true;
      return answer;
    });
    const markAcked = engine.outbox.markAcked.bind(engine.outbox);
    let acks = 0;
    engine.outbox.markAcked = (...args: Parameters<typeof markAcked>) => {
      if (++acks === 51) {
        setImmediate(release);
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      }
      return markAcked(...args);
    };
    await engine.push();
    // The drain failed, and nothing of it is left on the wire.
    expect(engine.status().lastError).toBe(drainInterrupted);
    expect(thirdAnswered).toBe(true);
    expect(engine.outbox.counts()).toMatchObject({ acked: 50, sending: 100 });
    engine.retryNow();
    await engine.push();
    expect(engine.status()).toMatchObject({ pending: 0, problems: 0 });
    const keys = await effectKeys(central);
    expect([...keys].sort()).toEqual([...opIds].sort());
  });

  it('a 401 for a call sent with a token the person has since replaced (signed in again while it was on the wire) does not end the new session (#20, drain)', async () => {
    const desk = await setup(700);
    const { central, core, engine } = desk;
    const opIds = await queuedWhileAway(desk, 160);
    // The second and third calls are answered 401; the third's answer only once the person
    // has signed in again.
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    interceptBatchCalls(async (call, forward) => {
      if (call !== 2 && call !== 3) return forward();
      if (call === 3) await gate;
      return refusal(401, 'unauthorized');
    });
    const drained = engine.push();
    await vi.waitFor(() => expect(engine.status().needsSignIn).toBe(true), { timeout: 10_000, interval: 5 });
    const again = await core.call('session.signIn', { officeCode: 'ZZIS00100A', username: 'segreteria', password: 'prova-segreteria' });
    expect(again.ok).toBe(true);
    release();
    await drained;
    // The old token's second refusal left the new session as it was; the queue goes with it.
    expect(engine.status()).toMatchObject({ needsSignIn: false, pending: 110 });
    engine.retryNow();
    await engine.push();
    expect(engine.status()).toMatchObject({ pending: 0, problems: 0 });
    const keys = await effectKeys(central);
    expect([...keys].sort()).toEqual([...opIds].sort());
  });

  it('a storm of 5xx for ten minutes: the queue backs off instead of hammering, nothing is parked, then all go in order, once', async () => {
    const { central, engine, awaiting, record, advance } = await setup(700);
    const watched = watchBatches();
    await central.setFaults({ errorRate: 1 });
    const opIds = record(awaiting.slice(0, 200));
    // A wake-up every second for ten minutes of injected time (far more often than the timer would).
    for (let second = 0; second < 600; second++) {
      await engine.push();
      advance(1_000);
    }
    // Backoff 1 s doubling to a 60-s cap, full jitter: a few dozen calls, not 600 (nor 600 × 4 batches).
    expect(watched.sizes.length).toBeGreaterThan(5);
    expect(watched.sizes.length).toBeLessThan(60);
    expect(engine.outbox.counts()).toMatchObject({ dead: 0, conflict: 0, acked: 0 });
    expect(await effectKeys(central)).toEqual([]);
    await central.setFaults({ errorRate: 0 });
    advance(backoff.capMs);
    await engine.push();
    expect(engine.status()).toMatchObject({ pending: 0, problems: 0 });
    await expectSentInOrderOnce(central, watched, opIds);
  });
});
