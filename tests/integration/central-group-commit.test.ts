import { randomUUID } from 'node:crypto';
import { createServer, connect, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { rows, type DatabaseLocation } from '../../central/db/database';
import { seedCentral } from '../../central/seed';
import { CentralStore, toWire, type StoredSession } from '../../central/store';
import type { EnablementRequest } from '../../shared/contract/central-api';
import { createTestDatabase, holdRequestRow } from '../fixtures/central';
import { submissionFor } from '../fixtures/outcomes';

/**
 * #16, the herd: outcomes that arrive while the store is writing are written together,
 * one transaction for all of them, each batch still answered as if alone. Measured: a
 * batch of 10 costs PostgreSQL about 3.7 ms of CPU, of which its executor is 1.3 ms; the
 * rest (parsing, planning, round trips, the commit) is paid once per transaction.
 */
const now = new Date();
const nowIso = now.toISOString();

function sessionOf(officeCode: string, operatorId: string): StoredSession {
  return {
    id: randomUUID(),
    operator: { id: operatorId, displayName: 'Assistente di prova', role: 'operator' } as StoredSession['operator'],
    office: { code: officeCode } as StoredSession['office'],
    scope: { kind: 'province', area: 'RM' } as StoredSession['scope'],
    deviceId: randomUUID(),
    canIdentify: true,
    passwordChangeRequired: false,
    expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
  };
}

function body(request: EnablementRequest, session: StoredSession, outcome: 'confirmed' | 'refused' = 'confirmed') {
  const submission = {
    ...submissionFor(request, outcome, session.deviceId),
    officeCode: session.office.code,
    operator: { id: session.operator.id, displayName: 'Assistente di prova' },
  };
  return { key: randomUUID(), rawBody: JSON.stringify(submission), submission };
}

async function withStore(work: (store: CentralStore) => Promise<void>, poolSize = 4) {
  const database = await createTestDatabase();
  const location: DatabaseLocation = database ? { url: database.url, poolSize } : { pglite: null, fromTemplate: true };
  const store = await CentralStore.open(location);
  try {
    await seedCentral(store, { count: 120, seed: 7, now });
    await work(store);
  } finally {
    await store.close();
    await database?.drop();
  }
}

async function open(store: CentralStore): Promise<EnablementRequest[]> {
  const all = await store.allRequests();
  return all.filter((r) => r.status === 'awaiting-identification' && r.identificationRequired && r.expiresAt > nowIso).map(toWire);
}

/** The transactions that wrote these requests (each confirmation stamps its transaction's id on the row). */
async function writers(store: CentralStore, ids: readonly string[]): Promise<number> {
  const found = await rows<{ n: number }>(
    store.db,
    sql`SELECT count(DISTINCT changed_xid)::int AS n FROM requests WHERE id IN (SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`,
  );
  return found[0]!.n;
}

describe('outcomes arriving together are written together (#16, the herd)', () => {
  it('20 batches from 20 desks of two offices, sent at once: a few transactions, every outcome applied once and answered to its own batch', async () => {
    await withStore(async (store) => {
      const requests = (await open(store)).slice(0, 40);
      expect(requests.length).toBe(40);
      const desks = Array.from({ length: 20 }, (_, index) => sessionOf(index % 2 ? 'ZZIS00100A' : 'ZZIS00200B', `op-${index}`));
      const batches = desks.map((session, index) => [
        body(requests[2 * index]!, session),
        body(requests[2 * index + 1]!, session, 'refused'),
      ]);
      const answers = await Promise.all(desks.map((session, index) => store.applyIdentifications(session, batches[index]!, nowIso)));
      answers.forEach((answer, index) => {
        expect(answer.map((result) => (result.kind === 'answer' ? [result.answer.status, result.answer.request.id] : result.kind))).toEqual(
          [
            ['accepted', requests[2 * index]!.id],
            ['accepted', requests[2 * index + 1]!.id],
          ],
        );
      });
      // The confirmed ones: written by two transactions (the first batch starts alone, the other 19 wait and go together).
      const confirmed = requests.filter((_, index) => index % 2 === 0).map((request) => request.id);
      expect(await writers(store, confirmed)).toBe(2);
      // Each effect once, with its own desk's operator, device and office.
      const effects = await store.effects();
      expect(effects).toHaveLength(40);
      const byKey = new Map(effects.map((effect) => [effect.key, effect]));
      batches.forEach((batch, index) => {
        for (const item of batch) {
          expect(byKey.get(item.key)).toMatchObject({
            officeCode: desks[index]!.office.code,
            operatorId: desks[index]!.operator.id,
            deviceId: desks[index]!.deviceId,
            requestId: item.submission.requestId,
          });
        }
      });
      // Sent again: every answer replayed, no effect added.
      const again = await Promise.all(desks.map((session, index) => store.applyIdentifications(session, batches[index]!, nowIso)));
      expect(again.flat().every((result) => result.kind === 'answer' && result.replayed)).toBe(true);
      expect(await store.effects()).toHaveLength(40);
    });
  });

  it('together, each batch is still worked out as if alone: the second desk on a request gets the conflict, a key reused with another body is refused, an unknown request gives its key back', async () => {
    await withStore(async (store) => {
      const [first, second, third] = await open(store);
      const a = sessionOf('ZZIS00100A', 'op-a');
      const b = sessionOf('ZZIS00200B', 'op-b');
      const c = sessionOf('ZZIS00100A', 'op-c');
      const d = sessionOf('ZZIS00100A', 'op-d');
      const e = sessionOf('ZZIS00100A', 'op-e');
      const reused = body(second!, c);
      const unknown = body({ ...third!, id: 'no-such-request' }, d);
      const busy = [
        store.applyIdentifications(e, [body(third!, e)], nowIso),
        store.applyIdentifications(e, [body(third!, e, 'refused')], nowIso),
      ];
      // Queued behind the first write above: the second, a, b and c's first body go together; c's second body
      // (the same key) starts the next group, with d.
      const together = await Promise.all([
        store.applyIdentifications(a, [body(first!, a)], nowIso),
        store.applyIdentifications(b, [body(first!, b)], nowIso),
        store.applyIdentifications(c, [reused], nowIso),
        store.applyIdentifications(c, [{ ...reused, rawBody: `${reused.rawBody} ` }], nowIso),
        store.applyIdentifications(d, [unknown], nowIso),
      ]);
      await Promise.all(busy);
      expect(together.map(([result]) => (result!.kind === 'answer' ? result!.answer.code : result!.kind))).toEqual([
        'identified',
        'already-enabled',
        'identified',
        'reused',
        'not-found',
      ]);
      // a's and c's confirmations were written by one transaction.
      expect(await writers(store, [first!.id, second!.id])).toBe(1);
      // The unknown request's key was given back: the same key may be used again.
      const retried = await store.applyIdentifications(d, [{ ...unknown, ...body(third!, d), key: unknown.key }], nowIso);
      expect(retried[0]!.kind).toBe('answer');
    });
  });

  it('a group that fails is tried again batch by batch: only the batch the database refuses fails, the others are applied once', async () => {
    await withStore(async (store) => {
      const [first, second, third, fourth] = await open(store);
      const desks = ['op-1', 'op-2', 'op-3', 'op-4'].map((id) => sessionOf('ZZIS00100A', id));
      // A key PostgreSQL cannot hold (the server refuses it earlier, as not a UUID; the store is asked here directly).
      const refused = { ...body(third!, desks[2]!), key: 'chiave\u0000nulla' };
      const calls = [
        store.applyIdentifications(desks[0]!, [body(first!, desks[0]!)], nowIso),
        store.applyIdentifications(desks[1]!, [body(second!, desks[1]!)], nowIso),
        store.applyIdentifications(desks[2]!, [refused], nowIso),
        store.applyIdentifications(desks[3]!, [body(fourth!, desks[3]!)], nowIso),
      ];
      const settled = await Promise.allSettled(calls);
      expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      const effects = await store.effects();
      expect(effects.map((effect) => effect.requestId).sort()).toEqual([first!.id, second!.id, fourth!.id].sort());
      expect(await store.getRequest(third!.id)).toMatchObject({ status: 'awaiting-identification' });
    });
  });

  it('a group lost to a failure of the moment (its connection ended) fails every batch in it, none tried again alone; sent again, each is applied once', async (context) => {
    await withStore(async (store) => {
      // PostgreSQL only: a server connection to end (PGlite runs in this process).
      if (store.kind !== 'postgres') return context.skip();
      const [contested, free] = await open(store);
      const [a, b, c] = ['op-a', 'op-b', 'op-c'].map((id) => sessionOf('ZZIS00100A', id));
      // A row lock held elsewhere keeps the writes waiting, where a test can end their connection.
      const lock = await holdRequestRow(store.db, contested!.id);
      /** Ends the connection of a write waiting on the lock, once one is (polled: the wait is PostgreSQL's); its process id. */
      const endWaitingWrite = async (ended: readonly number[] = []): Promise<number> => {
        for (let attempt = 0; attempt < 500; attempt++) {
          const [waiting] = await rows<{ pid: number }>(
            store.db,
            sql`SELECT pid FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
                   AND NOT (pid = ANY(${`{${ended.join(',')}}`}::int[]))`,
          );
          if (waiting) {
            await rows(store.db, sql`SELECT pg_terminate_backend(${waiting.pid}::int)`);
            return waiting.pid;
          }
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        throw new Error('no write waited on the lock');
      };
      // The first batch goes alone and waits; the next two wait behind it and will go together.
      const first = store.applyIdentifications(a!, [body(contested!, a!)], nowIso);
      const together = [body(free!, b!), body(contested!, c!, 'refused')];
      const grouped = [store.applyIdentifications(b!, [together[0]!], nowIso), store.applyIdentifications(c!, [together[1]!], nowIso)];
      const outcomes = Promise.allSettled([first, ...grouped]);
      const firstWrite = await endWaitingWrite(); // the first batch's
      await endWaitingWrite([firstWrite]); // the group's, waiting on the same row
      const settled = await outcomes;
      // Each refused: the desks send them again (a batch tried alone instead would have been applied once here).
      expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(await store.effects()).toEqual([]);
      expect(await store.getRequest(free!.id)).toMatchObject({ status: 'awaiting-identification' });
      await lock.release();
      // Nothing of them was kept (their claims rolled back with them): sent again, each is applied once.
      const again = await Promise.all([
        store.applyIdentifications(b!, [together[0]!], nowIso),
        store.applyIdentifications(c!, [together[1]!], nowIso),
      ]);
      expect(again.map(([result]) => (result!.kind === 'answer' ? [result!.answer.code, result!.replayed] : result!.kind))).toEqual([
        ['identified', false],
        ['refusal-recorded', false],
      ]);
      expect((await store.effects()).map((effect) => effect.requestId).sort()).toEqual([contested!.id, free!.id].sort());
    });
  });

  it('a group whose connection is cut without a word (a failover, a network cut: no error from the server) fails every batch in it too', async (context) => {
    const database = await createTestDatabase();
    // PostgreSQL only: a connection to cut (PGlite runs in this process).
    if (!database) return context.skip();
    // The store reaches the server through a loopback relay that can cut one of its connections:
    // known to the server by the port the relay connects from.
    const target = new URL(database.url);
    const relayed = new Map<number, readonly [Socket, Socket]>();
    const relay = createServer((socket) => {
      const upstream = connect(Number(target.port), target.hostname, () => relayed.set(upstream.localPort!, [socket, upstream]));
      for (const end of [socket, upstream]) end.on('error', () => {});
      socket.pipe(upstream).pipe(socket);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const relayUrl = new URL(database.url);
    relayUrl.port = String((relay.address() as { port: number }).port);
    const store = await CentralStore.open({ url: relayUrl.href, poolSize: 4 });
    // Row locks held on connections of their own, straight to the server: one that the first
    // write waits on, one that the group after it waits on.
    const holders = [new pg.Client({ connectionString: database.url }), new pg.Client({ connectionString: database.url })] as const;
    await Promise.all(holders.map((holder) => holder.connect()));
    try {
      await seedCentral(store, { count: 120, seed: 7, now });
      const [contested, free] = await open(store);
      const [a, b, c] = ['op-a', 'op-b', 'op-c'].map((id) => sessionOf('ZZIS00100A', id));
      for (const [holder, request] of [
        [holders[0], contested!],
        [holders[1], free!],
      ] as const) {
        await holder.query('BEGIN');
        await holder.query('SELECT id FROM requests WHERE id = $1 FOR UPDATE', [request.id]);
      }
      /** The port of the connection whose write waits on a lock, once one does (polled: the wait is PostgreSQL's). */
      const writeWaits = async (): Promise<number> => {
        for (let attempt = 0; attempt < 500; attempt++) {
          const { rows: waiting } = await holders[0].query<{ port: number }>(
            `SELECT client_port AS port FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          if (waiting[0]) return waiting[0].port;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        throw new Error('no write waited on a lock');
      };
      const first = store.applyIdentifications(a!, [body(contested!, a!)], nowIso);
      await writeWaits();
      // Behind the first write: these two go together, and wait on the second lock.
      const together = [body(free!, b!), body(contested!, c!, 'refused')];
      const grouped = [store.applyIdentifications(b!, [together[0]!], nowIso), store.applyIdentifications(c!, [together[1]!], nowIso)];
      await holders[0].query('COMMIT');
      expect(await first).toMatchObject([{ kind: 'answer', answer: { code: 'identified' } }]);
      // Only the group's connection is cut: the pool's others stay good, as after a network cut of one.
      const port = await writeWaits();
      const ends = relayed.get(port);
      if (!ends) throw new Error(`no relayed connection from port ${port}`);
      for (const end of ends) end.destroy();
      // Both refused (tried alone instead, on the pool's good connections, c's would have been answered).
      expect((await Promise.allSettled(grouped)).map((result) => result.status)).toEqual(['rejected', 'rejected']);
      await holders[1].query('COMMIT');
      // Sent again once the server has let the cut transaction go: each worked out once.
      const again = await Promise.all([
        store.applyIdentifications(b!, [together[0]!], nowIso),
        store.applyIdentifications(c!, [together[1]!], nowIso),
      ]);
      expect(again.map(([result]) => (result!.kind === 'answer' ? [result!.answer.code, result!.replayed] : result!.kind))).toEqual([
        ['identified', false],
        ['already-enabled', false],
      ]);
      expect((await store.effects()).map((effect) => effect.requestId).sort()).toEqual([contested!.id, free!.id, contested!.id].sort());
    } finally {
      await Promise.all(holders.map((holder) => holder.end().catch(() => {})));
      await store.close();
      for (const ends of relayed.values()) for (const end of ends) end.destroy();
      await new Promise((resolve) => relay.close(resolve));
      await database.drop();
    }
  });

  it('groups keep the order of arrival: a batch too large to join waits, and nothing after it goes ahead of it', async () => {
    await withStore(async (store) => {
      const [running, contested] = await open(store);
      const desks = ['op-1', 'op-2', 'op-3', 'op-4'].map((id) => sessionOf('ZZIS00100A', id));
      // 95 outcomes on requests the service does not know (their keys given back), then 10, then 1:
      // the 10 do not fit beside the 95 and start the next group; the 1 must not join the 95 ahead of them.
      const unknown = Array.from({ length: 95 }, () => body({ ...running!, id: `sconosciuta-${randomUUID()}` }, desks[1]!));
      const ten = [
        body(contested!, desks[2]!),
        ...Array.from({ length: 9 }, () => body({ ...running!, id: `sconosciuta-${randomUUID()}` }, desks[2]!)),
      ];
      const calls = [
        store.applyIdentifications(desks[0]!, [body(running!, desks[0]!)], nowIso),
        store.applyIdentifications(desks[1]!, unknown, nowIso),
        store.applyIdentifications(desks[2]!, ten, nowIso),
        store.applyIdentifications(desks[3]!, [body(contested!, desks[3]!)], nowIso),
      ];
      const [, , earlier, later] = await Promise.all(calls);
      expect(earlier![0]).toMatchObject({ kind: 'answer', answer: { code: 'identified' } });
      expect(later![0]).toMatchObject({ kind: 'answer', answer: { code: 'already-enabled' } });
    });
  });

  it('a batch whose caller has gone before its write leaves the queue at once: refused, nothing written', async () => {
    await withStore(async (store) => {
      const [first, second] = await open(store);
      const [a, b] = ['op-a', 'op-b'].map((id) => sessionOf('ZZIS00100A', id));
      // The write before it held up by a row lock elsewhere (PostgreSQL; PGlite has one connection).
      const lock = store.kind === 'postgres' ? await holdRequestRow(store.db, first!.id) : { release: async () => {} };
      const running = store.applyIdentifications(a!, [body(first!, a!)], nowIso);
      const gone = new AbortController();
      const abandoned = store.applyIdentifications(b!, [body(second!, b!)], nowIso, gone.signal);
      let refused: unknown = null;
      abandoned.catch((error: unknown) => (refused = error));
      gone.abort();
      await new Promise((resolve) => setImmediate(resolve));
      expect(String(refused)).toMatch(/abandoned/);
      await lock.release();
      await running;
      expect((await store.effects()).map((effect) => effect.requestId)).toEqual([first!.id]);
      expect(await store.getRequest(second!.id)).toMatchObject({ status: 'awaiting-identification' });
      // A caller already gone is refused without waiting.
      await expect(store.applyIdentifications(b!, [body(second!, b!)], nowIso, AbortSignal.abort())).rejects.toThrow(/abandoned/);
    });
  });

  it('a group write finds its claims by key however much the table grew since its connection first ran it (no scan of the idempotency table)', async (context) => {
    await withStore(async (store) => {
      // PostgreSQL only: PGlite plans each statement anew.
      if (store.kind !== 'postgres') return context.skip();
      const requests = await open(store);
      const session = sessionOf('ZZIS00100A', 'op-plan');
      // One connection (a pool of one): its first writes, on a small table, are the ones a
      // connection plans a named statement from (PostgreSQL's generic plan, after five).
      for (const request of requests.slice(0, 7)) await store.applyIdentifications(session, [body(request, session)], nowIso);
      // Then the table grows, as in the herd after an outage (160,000 keys at full scale).
      await rows(
        store.db,
        sql`INSERT INTO idempotency (office_code, key, body_hash, response, created_at)
            SELECT 'ZZIS00900Z', 'key-' || i, '', '{}', ${nowIso} FROM generate_series(1, 100000) AS i`,
      );
      // The statistics of this connection, flushed before it answers (PostgreSQL 15).
      const scans = async () => {
        await rows(store.db, sql`SELECT pg_stat_force_next_flush()`);
        const [row] = await rows<{ n: string }>(
          store.db,
          sql`SELECT seq_scan::text AS n FROM pg_stat_user_tables WHERE relname = 'idempotency'`,
        );
        return Number(row!.n);
      };
      const before = await scans();
      const [answer] = await store.applyIdentifications(session, [body(requests[7]!, session)], nowIso);
      expect(answer).toMatchObject({ kind: 'answer', answer: { code: 'identified' } });
      expect(await scans()).toBe(before);
    }, 1);
  });
});
