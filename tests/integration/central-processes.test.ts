import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rows } from '../../central/db/database';
import { trainingOffice } from '../../central/seed';
import { CentralStore, throttlePolicy } from '../../central/store';
import { centralPaths } from '../../shared/contract/central-api';
import { spawnCentral } from '../../scripts/central-process';
import { createTestDatabase, holdRequestRow } from '../fixtures/central';
import { testDevice } from '../fixtures/device';
import { submissionFor } from '../fixtures/outcomes';

/**
 * #16: any number of service processes over one PostgreSQL database. Idempotency,
 * sessions, throttling and feed positions live in the database, none in process memory:
 * two processes given the same key at the same moment make one effect, a token from one
 * works on the other, and a guesser alternating between them meets one count.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** `npm run central` in its own process group, on the given database; stopped after the test. */
async function serviceProcess(databaseUrl: string, seed: number): Promise<string> {
  const service = await spawnCentral(['--seed', String(seed), '--database-url', databaseUrl], { stderr: 'pipe' });
  cleanups.push(() => service.stop());
  return service.url;
}

// Whether a PostgreSQL server is at hand (each test makes its own database).
const database = await createTestDatabase();
await database?.drop();

describe.skipIf(!database)('two central service processes over one PostgreSQL database', () => {
  /** A sign-in at the training office through one process, proven by the device. */
  const signIn = (base: string, device: ReturnType<typeof testDevice>, username: string, password: string) =>
    fetch(`${base}${centralPaths.sessions}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ officeCode: trainingOffice.code, username, password, ...device.prove(trainingOffice.code, username) }),
    });

  /** Two processes over one fresh database (the first migrates and seeds), a signed-in desk, and requests to identify. */
  async function twoProcesses() {
    const { url, drop } = (await createTestDatabase())!;
    cleanups.push(drop);
    const first = await serviceProcess(url, 40);
    const second = await serviceProcess(url, 40);
    const store = await CentralStore.open({ url, poolSize: 2 });
    cleanups.push(() => store.close());
    const awaiting = (await store.officeRequests(trainingOffice.code)).filter(
      (candidate) => candidate.status === 'awaiting-identification' && candidate.identificationRequired,
    );
    const device = testDevice();
    const { token } = (await (await signIn(first, device, 'segreteria', 'prova-segreteria')).json()) as { token: string };
    return { first, second, store, awaiting, device, token };
  }

  it('the same key sent to both at once makes one effect; a token and a throttle count hold across them', async () => {
    const { first, second, store, awaiting, device, token } = await twoProcesses();
    const request = awaiting[0]!;

    const key = randomUUID();
    const body = JSON.stringify(submissionFor(request, 'confirmed', device.deviceId));
    const post = (base: string) =>
      fetch(`${base}${centralPaths.identifications}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
        body,
      }).then(async (response) => ({ status: response.status, body: await response.json() }));
    // Ten rounds of both at once, the same key each time.
    const answers = (await Promise.all(Array.from({ length: 10 }, () => Promise.all([post(first), post(second)])))).flat();
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    expect(answers[0]!.body).toMatchObject({ status: 'accepted', code: 'identified' });
    const effects = (await store.effects()).filter((effect) => effect.key === key);
    expect(effects).toHaveLength(1);

    // Wrong passwords alternating between the processes meet one count.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < throttlePolicy.accountFreeFailures + 2; attempt++) {
      const response = await signIn(attempt % 2 ? first : second, device, 'dirigente', 'sbagliata');
      statuses.push(response.status);
    }
    expect(statuses.slice(0, throttlePolicy.accountFreeFailures)).toEqual(Array(throttlePolicy.accountFreeFailures).fill(401));
    expect(statuses.slice(throttlePolicy.accountFreeFailures)).toEqual([429, 429]);
  });

  it('the same batch sent to both at once, in opposite orders and beside the single endpoint: one effect per key, no deadlock', async () => {
    const { first, second, store, awaiting, device, token } = await twoProcesses();
    const items = awaiting.slice(0, 10).map((request, index) => ({
      key: randomUUID(),
      // Half confirmed, half refused: both kinds of statement under the same locks.
      body: JSON.stringify(submissionFor(request, index % 2 ? 'refused' : 'confirmed', device.deviceId)),
    }));
    expect(items).toHaveLength(10);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const batch = (base: string, order: typeof items) =>
      fetch(`${base}${centralPaths.identificationBatches}`, { method: 'POST', headers, body: JSON.stringify({ items: order }) }).then(
        async (response) => ({
          status: response.status,
          body: (await response.json()) as { items: Array<{ key: string; ok: boolean; answer?: unknown }> },
        }),
      );
    const single = (base: string, item: (typeof items)[number]) =>
      fetch(`${base}${centralPaths.identifications}`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': item.key },
        body: item.body,
      }).then(async (response) => ({ status: response.status, body: await response.json() }));
    const rounds = await Promise.all(
      Array.from({ length: 5 }, (_, round) =>
        Promise.all([batch(first, items), batch(second, [...items].reverse()), single(round % 2 ? first : second, items[round]!)]),
      ),
    );
    const answersByKey = new Map<string, Set<string>>();
    for (const [a, b, one] of rounds) {
      expect([a.status, b.status, one.status]).toEqual([200, 200, 200]);
      for (const item of [...a.body.items, ...b.body.items]) {
        expect(item.ok).toBe(true);
        answersByKey.set(item.key, (answersByKey.get(item.key) ?? new Set()).add(JSON.stringify(item.answer)));
      }
    }
    // Every process answered each key with the one stored answer; the single endpoint too.
    expect([...answersByKey.values()].map((answers) => answers.size)).toEqual(Array(10).fill(1));
    rounds.forEach(([, , one], round) => expect(JSON.stringify(one.body)).toBe([...answersByKey.get(items[round]!.key)!][0]));
    const effects = (await store.effects()).filter((effect) => items.some((item) => item.key === effect.key));
    expect(effects.map((effect) => effect.key).sort()).toEqual(items.map((item) => item.key).sort());
    expect(effects.filter((effect) => effect.code === 'identified')).toHaveLength(5);
  });

  it('a database connection ended under a write (a server restart, a failover) fails that call, not the process: it answers on, and the batch sent again is applied once', async () => {
    const { first, store, awaiting, device, token } = await twoProcesses();
    const request = awaiting[0]!;
    // The service's write held up by a row lock taken here, where its connection can be ended.
    const lock = await holdRequestRow(store.db, request.id);
    const item = { key: randomUUID(), body: JSON.stringify(submissionFor(request, 'confirmed', device.deviceId)) };
    const send = () =>
      fetch(`${first}${centralPaths.identificationBatches}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ items: [item] }),
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as { items?: Array<{ answer?: unknown }> } }));
    const cut = send();
    // Polled: the wait is PostgreSQL's. The write's connection, waiting on the lock, is ended.
    let ended = false;
    for (let attempt = 0; attempt < 500 && !ended; attempt++) {
      const [waiting] = await rows<{ pid: number }>(
        store.db,
        sql`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      if (waiting)
        ended = (await rows<{ done: boolean }>(store.db, sql`SELECT pg_terminate_backend(${waiting.pid}::int) AS done`))[0]!.done;
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(ended).toBe(true);
    // That call fails as the service being unavailable (the desk sends it again later)...
    expect((await cut).status).toBe(500);
    await lock.release();
    // ...and the process is still there: it answers, and the batch sent again is applied, once.
    expect((await fetch(`${first}${centralPaths.health}`)).status).toBe(200);
    const again = await send();
    expect(again.status).toBe(200);
    expect(again.body.items?.[0]?.answer).toMatchObject({ status: 'accepted', code: 'identified' });
    expect((await store.effects()).filter((effect) => effect.key === item.key)).toHaveLength(1);
  });
});
