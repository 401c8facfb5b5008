import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../../central/db/database';
import { FeedTails, type FeedReader, type FeedTailOptions } from '../../central/feed-tail';
import { seedCentral } from '../../central/seed';
import { CentralStore, type FeedPosition, type StoredRequest } from '../../central/store';
import { createRandom } from '../../shared/domain/synthetic-people';
import type { OfficeScope } from '../../shared/contract/central-api';
import { createTestDatabase, startTestCentral } from '../fixtures/central';
import { testDevice } from '../fixtures/device';
import { trainingOffice } from '../../central/seed';
import { centralPaths, changesResponseSchema } from '../../shared/contract/central-api';

const province = 'RM';
const scope: OfficeScope = { kind: 'province', area: province, label: 'provincia RM' };
const inProvince = (request: StoredRequest) => request.applicant.domicile.province.toUpperCase() === province;
const changed = (request: StoredRequest, at: number) => ({
  ...request,
  version: request.version + 1,
  updatedAt: new Date(at).toISOString(),
});

/** The store's feed read, counting the rows it brings from PostgreSQL. */
function countingReader(store: CentralStore) {
  const counter = { rows: 0, reads: 0 };
  const read: FeedReader = async (...args) => {
    const result = await store.feedRead(...args);
    counter.rows += result.rows.length;
    counter.reads++;
    return result;
  };
  return { read, counter };
}

/** A desk's copy of its scope: request id → its text, kept by pulling pages until one says no more follow. */
class Desk {
  readonly copy = new Map<string, string>();
  cursor: FeedPosition | null;
  generation: string | null = null;

  constructor(cursor: FeedPosition | null = null) {
    this.cursor = cursor;
  }

  async pull(feed: FeedTails, limit: number) {
    for (let pages = 0; pages < 10_000; pages++) {
      const page = await feed.page(scope, this.cursor, limit);
      if (page.kind !== 'page') throw new Error('refetch');
      if (this.generation !== null && page.generation !== this.generation) throw new Error('another generation');
      this.generation = page.generation;
      const items = JSON.parse(`[${page.items.toString()}]`) as StoredRequest[];
      // As the desk's cache: a version older than the one held is ignored.
      for (const item of items) {
        const held = this.copy.get(item.id);
        if (!held || (JSON.parse(held) as StoredRequest).version <= item.version) this.copy.set(item.id, JSON.stringify(item));
      }
      this.cursor = page.next;
      if (!page.hasMore) return;
    }
    throw new Error('the feed never ended');
  }
}

/** Each request of the province as the service holds it now (its minimised text). */
async function truth(store: CentralStore): Promise<Map<string, string>> {
  const found = await rows<{ id: string; wire: string }>(store.db, sql`SELECT id, wire FROM requests WHERE province = ${province}`);
  return new Map(found.map((row) => [row.id, JSON.stringify(JSON.parse(row.wire))]));
}

/**
 * Pulls until every desk's copy is the database's: the feed delivers below the oldest
 * running transaction in the cluster (autovacuum's too), so a change may come a poll later,
 * never be lost. A bounded number of polls.
 */
async function converge(store: CentralStore, feed: FeedTails, desks: Desk[], limit: number) {
  const expected = await truth(store);
  for (let attempt = 0; attempt < 100; attempt++) {
    for (const desk of desks) await desk.pull(feed, limit);
    if (desks.every((desk) => sameCopy(desk.copy, expected))) return;
  }
  // What differs, by id: missing from the copy, held but not in the province, held as another version.
  const differences = desks.map((desk) => ({
    missing: [...expected.keys()].filter((id) => !desk.copy.has(id)),
    extra: [...desk.copy.keys()].filter((id) => !expected.has(id)),
    stale: [...expected].filter(([id, text]) => desk.copy.has(id) && desk.copy.get(id) !== text).map(([id]) => id),
  }));
  expect(differences).toEqual(desks.map(() => ({ missing: [], extra: [], stale: [] })));
}

const sameCopy = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a].every(([id, text]) => b.get(id) === text);

async function withStore(work: (store: CentralStore) => Promise<void>) {
  const database = await createTestDatabase();
  if (!database) return expect(process.env.CI).toBeFalsy(); // CI always has the server
  const store = await CentralStore.open({ url: database.url, poolSize: 4 });
  try {
    await seedCentral(store, { count: 3000, now: new Date('2026-11-20T09:00:00Z') });
    await work(store);
  } finally {
    await store.close();
    await database.drop();
  }
}

/** #16: the feed's fan-out (changes × desks of a province) read from PostgreSQL once per process, not once per desk. */
describe('the feed tails', () => {
  it("a province's desks back after an outage read its changes from PostgreSQL once, not once each; every desk gets every change", async () => {
    await withStore(async (store) => {
      const all = await store.allRequests();
      // Every desk up to date before the outage: its cursor where a catch-up left it.
      const caughtUp = new Desk();
      const direct = new FeedTails((...args) => store.feedRead(...args), { maxRowsPerScope: 0 });
      await converge(store, direct, [caughtUp], 1000);
      // Four hours of changes: some in the province, more elsewhere.
      const here = all.filter(inProvince).slice(0, 120);
      const elsewhere = all.filter((request) => !inProvince(request)).slice(0, 600);
      // Each change its own transaction, as the outcomes of four hours are.
      for (const request of [...here, ...elsewhere.slice(0, 60)])
        await store.putRequests([changed(request, Date.parse('2026-11-20T13:00:00Z'))]);
      await store.putRequests(elsewhere.slice(60).map((request) => changed(request, Date.parse('2026-11-20T13:00:00Z'))));

      const desksBack = (count: number) =>
        Array.from({ length: count }, () => Object.assign(new Desk(caughtUp.cursor), { copy: new Map(caughtUp.copy) }));
      // Without tails (as before): each desk reads the province's changes itself.
      const before = countingReader(store);
      const withoutTails = desksBack(20);
      await converge(store, new FeedTails(before.read, { maxRowsPerScope: 0 }), withoutTails, 50);
      expect(before.counter.rows).toBeGreaterThanOrEqual(20 * here.length);

      // With tails: the first desk back reads them a page at a time, the next ones extend the
      // tail down to their cursor a page at a time, and the rest take them from memory.
      const after = countingReader(store);
      const tails = new FeedTails(after.read);
      const withTails = desksBack(20);
      await converge(store, tails, withTails, 50);
      expect(after.counter.rows).toBeLessThan(3 * here.length);
      // And every one of them has every change (converge compared each copy with the database).
      for (const desk of withTails)
        for (const request of here) expect(desk.copy.get(request.id)).toContain(`"version":${request.version + 1}`);
      expect(tails.size()).toMatchObject({ scopes: 1 });
    });
  });

  it('the last page, still growing, is made once for the desks that ask for it while nothing changes in the scope; a change makes it anew', async () => {
    await withStore(async (store) => {
      const all = await store.allRequests();
      const tails = new FeedTails((...args) => store.feedRead(...args));
      const caughtUp = new Desk();
      await converge(store, tails, [caughtUp], 1000);
      const here = all.filter(inProvince).slice(0, 21);
      for (const request of here.slice(0, 20)) await store.putRequests([changed(request, Date.parse('2026-11-20T13:00:00Z'))]);
      // Desks back from the same cursor, pages of 50: one page, the last. Asked again until all
      // 20 changes are below the oldest running transaction (a bounded number of times).
      const lastPage = async (count: number) => {
        for (let attempt = 0; attempt < 100; attempt++) {
          const page = await tails.page(scope, caughtUp.cursor, 50);
          if (page.kind !== 'page') throw new Error('refetch');
          if (JSON.parse(`[${page.items.toString()}]`).length === count) return page;
        }
        throw new Error(`never ${count} changes`);
      };
      const first = await lastPage(20);
      expect(first.hasMore).toBe(false);
      const again = await lastPage(20);
      // The same bytes, made once (and so compressed once by the service).
      expect(again.shared).toBeDefined();
      expect(again.shared).toBe((await lastPage(20)).shared);
      expect(again.items).toEqual(Buffer.from(first.items.toString()));
      // A change in the scope: the page is made anew and holds it.
      await store.putRequests([changed(here[20]!, Date.parse('2026-11-20T14:00:00Z'))]);
      const grown = await lastPage(21);
      expect(grown.shared).not.toBe(again.shared);
      expect(grown.items.toString()).toContain(`"id":"${here[20]!.id}"`);
      expect(tails.size().bytes).toBe(tails.size().recounted);
      // A short page is memory of its own, not a slice of a shared block that it would keep alive.
      const short = await tails.page(scope, first.next, 50);
      if (short.kind !== 'page') throw new Error('not a page');
      expect(JSON.parse(`[${short.items.toString()}]`)).toHaveLength(1);
      expect(short.items.buffer.byteLength).toBe(short.items.length);
    });
  });

  it('desks in any state (behind, ahead, far behind, from empty) end with the database, through changes made again and again, with small tails too', async () => {
    await withStore(async (store) => {
      const all = await store.allRequests();
      const ids = all.filter(inProvince);
      const others = all.filter((request) => !inProvince(request));
      const variants: FeedTailOptions[] = [{}, { maxRowsPerScope: 40, maxRead: 30 }, { maxRowsPerScope: 7, maxRead: 5, maxBytes: 20_000 }];
      for (const [v, options] of variants.entries()) {
        const random = createRandom(17 + v);
        const tails = new FeedTails((...args) => store.feedRead(...args), options);
        const desks = [new Desk(), new Desk(), new Desk()];
        let time = Date.parse('2026-11-21T09:00:00Z') + v * 86_400_000;
        for (let round = 0; round < 12; round++) {
          // A round of changes: the same requests again and again (superseded in the tails), and elsewhere.
          const pick = (from: StoredRequest[], count: number) => Array.from({ length: count }, () => from[Math.floor(random() * 40)]!);
          const current = new Map((await store.allRequests()).map((request) => [request.id, request]));
          const batch = [...new Set([...pick(ids, 1 + Math.floor(random() * 25)), ...pick(others, 10)])].map((request) =>
            changed(current.get(request.id)!, (time += 1000)),
          );
          // Some desks poll this round, all at once and while the changes are written, with pages
          // of any size; one comes back only at the end.
          const polling = desks.filter((_, d) => d < 2 && random() < 0.7);
          const sizes = polling.map(() => 1 + Math.floor(random() * 60));
          await Promise.all([store.putRequests(batch), ...polling.map((desk, d) => desk.pull(tails, sizes[d]!))]);
          // A desk that stops polling here (a copy of the first's, then far behind).
          if (round === 6)
            desks.push(Object.assign(new Desk(desks[0]!.cursor), { copy: new Map(desks[0]!.copy), generation: desks[0]!.generation }));
        }
        await converge(store, tails, desks, 13);
        // The tail was in use (not only the database's fallback), and what it counts is what it holds.
        if (v === 0) expect(tails.size().rows).toBeGreaterThan(0);
        expect(tails.size().bytes).toBe(tails.size().recounted);
      }
    });
  });

  it('a desk far behind (a first sync of the country) reads from PostgreSQL a page and one row at a time, as without tails', async () => {
    await withStore(async (store) => {
      const { read, counter } = countingReader(store);
      const tails = new FeedTails(read, { maxRead: 1000 });
      const national: OfficeScope = { kind: 'national', area: 'IT', label: 'Italia' };
      // Another desk of the scope is up to date: its tail exists.
      const start = await tails.page(national, null, 5000);
      if (start.kind !== 'page') throw new Error('no page');
      await tails.page(national, start.next, 5000);
      expect(tails.size().scopes).toBe(1);
      counter.rows = 0;
      counter.reads = 0;
      // A desk from empty, pages of 100, then from the start again with a cursor (far below the tail).
      let cursor: FeedPosition | null = { xid: 1n, id: '' };
      let delivered = 0;
      for (let pages = 0; pages < 1000 && cursor; pages++) {
        const page = await tails.page(national, cursor, 100);
        if (page.kind !== 'page') throw new Error('refetch');
        delivered += JSON.parse(`[${page.items.toString()}]`).length;
        cursor = page.hasMore ? page.next : null;
      }
      expect(delivered).toBe(await store.requestCount());
      expect(counter.rows).toBeLessThanOrEqual(delivered + counter.reads);
    });
  });

  it('with little memory, tails of several provinces dropped while their polls run keep an exact count of what they hold', async () => {
    await withStore(async (store) => {
      const all = await store.allRequests();
      const provinces = ['RM', 'MI', 'NA', 'TO'];
      const scopes = provinces.map((area) => ({ kind: 'province' as const, area, label: area }));
      const tails = new FeedTails((...args) => store.feedRead(...args), { maxBytes: 40_000 });
      const cursors = new Map<string, FeedPosition | null>();
      let time = Date.parse('2026-11-24T09:00:00Z');
      for (let round = 0; round < 15; round++) {
        // Changes in every province, each its own transaction, while every province's desks poll at once.
        const changes = provinces.flatMap((area) =>
          all.filter((request) => request.applicant.domicile.province.toUpperCase() === area).slice(round * 3, round * 3 + 3),
        );
        const polls = scopes.flatMap((scope) =>
          [0, 1, 2].map(async (desk) => {
            const key = `${scope.area}:${desk}`;
            for (let pages = 0; pages < 100; pages++) {
              const page = await tails.page(scope, cursors.get(key) ?? { xid: 1n, id: '' }, 7);
              if (page.kind !== 'page') throw new Error('refetch');
              cursors.set(key, page.next);
              if (!page.hasMore) return;
            }
          }),
        );
        await Promise.all([...changes.map((request) => store.putRequests([changed(request, (time += 1000))])), ...polls]);
        const { bytes, recounted } = tails.size();
        expect(bytes).toBe(recounted);
        expect(bytes).toBeLessThanOrEqual(40_000 + 8 * 1024);
      }
    });
  });

  it('a compacted history: the tail answers with the new generation (the service refuses the old cursor), and starts again', async () => {
    await withStore(async (store) => {
      const tails = new FeedTails((...args) => store.feedRead(...args));
      const desk = new Desk();
      await converge(store, tails, [desk], 500);
      const one = (await store.allRequests()).find(inProvince)!;
      await store.putRequests([changed(one, Date.parse('2026-11-22T09:00:00Z'))]);
      await converge(store, tails, [desk], 500);
      expect(desk.generation).toBe('0');
      await store.compact();
      const page = await tails.page(scope, desk.cursor, 500);
      expect(page).toMatchObject({ kind: 'page', generation: '1' });
    });
  });

  it('a cursor from before a restore gets refetch and starts no tail', async () => {
    await withStore(async (store) => {
      const tails = new FeedTails((...args) => store.feedRead(...args));
      expect(await tails.page(scope, { xid: 10n ** 15n, id: '' }, 100)).toEqual({ kind: 'refetch' });
      expect(tails.size().scopes).toBe(0);
    });
  });

  it('over HTTP: a page every desk asks for goes out compressed once to the desks that take gzip; the same JSON as plain, for those that do not', async () => {
    const service = await startTestCentral({ seed: 300, seedValue: 15 });
    try {
      const signIn = async () => {
        const device = testDevice();
        const answer = await fetch(service.url + centralPaths.sessions, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            officeCode: trainingOffice.code,
            username: 'segreteria',
            password: 'prova-segreteria',
            ...device.prove(trainingOffice.code, 'segreteria'),
          }),
        });
        return ((await answer.json()) as { token: string }).token;
      };
      const pull = async (token: string, from: string | null, limit: number, encoding?: string) => {
        const pages: Array<{ encoding: string | null; body: ReturnType<typeof changesResponseSchema.parse> }> = [];
        let cursor = from;
        for (let n = 0; n < 1000; n++) {
          const answer = await fetch(`${service.url}${centralPaths.changes}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, {
            headers: { authorization: `Bearer ${token}`, ...(encoding ? { 'accept-encoding': encoding } : {}) },
          });
          expect(answer.status).toBe(200);
          const body = changesResponseSchema.parse(await answer.json());
          pages.push({ encoding: answer.headers.get('content-encoding'), body });
          cursor = body.nextCursor;
          if (!body.hasMore) return pages;
        }
        throw new Error('the feed never ended');
      };
      const [plain, compressed] = [await signIn(), await signIn()];
      const caughtUp = (await pull(plain, null, 1000)).at(-1)!.body.nextCursor;
      const here = (await service.store.officeRequests(trainingOffice.code)).slice(0, 12);
      expect(here).toHaveLength(12);
      // Each its own transaction, as outcomes are.
      for (const request of here) await service.store.putRequests([changed(request, Date.parse('2026-11-23T09:00:00Z'))]);
      // The first desk back, without gzip; then others, as fetch asks (gzip, deflate).
      const first = await pull(plain, caughtUp, 5, 'identity');
      expect(first.map((page) => page.encoding)).toEqual([null, null, null]);
      let second = first;
      for (let desk = 0; desk < 3; desk++) second = await pull(compressed, caughtUp, 5);
      // Every page was served before, the last (still growing) one too, with nothing changed since: compressed.
      expect(second.map((page) => page.encoding)).toEqual(['gzip', 'gzip', 'gzip']);
      const items = (pages: typeof first) => pages.flatMap((page) => page.body.items);
      expect(items(second)).toEqual(items(first));
      expect(second.map((page) => [page.body.nextCursor, page.body.hasMore])).toEqual(
        first.map((page) => [page.body.nextCursor, page.body.hasMore]),
      );
      expect(new Set(items(second).map((request) => request.id))).toEqual(new Set(here.map((request) => request.id)));
    } finally {
      await service.close();
    }
  });
});
