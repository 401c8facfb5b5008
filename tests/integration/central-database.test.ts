import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { getTableName, is, sql, type SQL } from 'drizzle-orm';
import { PgDialect, PgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from '../../central/db/schema';
import { CentralSchemaError, openCentralDatabase, rows } from '../../central/db/database';
import { migrations } from '../../central/db/migrations.generated';
import { seedCentral } from '../../central/seed';
import { regionOf } from '../../central/scope';
import { CentralStore, feedQuery, type StoredRequest } from '../../central/store';
import { centralMigrationsDirectory, readMigrations } from '../../scripts/embed-migrations';
import { startCentral } from '../../central/server';
import { centralPaths } from '../../shared/contract/central-api';
import { spawnCentral } from '../../scripts/central-process';
import { createTestDatabase } from '../fixtures/central';
import { testDevice } from '../fixtures/device';

/** #16: the central service's PostgreSQL schema, its migrations at start, and a newer schema refused. */
describe('the central database', () => {
  it('embeds exactly the migrations drizzle-kit wrote', () => {
    expect(migrations).toEqual(readMigrations(centralMigrationsDirectory));
  });

  it('migrates a fresh PostgreSQL database at start, once, and refuses one made by a newer version', async () => {
    const database = await createTestDatabase();
    if (!database) return expect(process.env.CI).toBeFalsy(); // CI always has the server
    try {
      // Two processes starting together: both open, one migrates.
      const [a, b] = await Promise.all([CentralStore.open({ url: database.url }), CentralStore.open({ url: database.url })]);
      expect(a.epoch()).toBe(b.epoch());
      await Promise.all([a.close(), b.close()]);
      const opened = await openCentralDatabase({ url: database.url });
      const applied = await rows<{ tag: string }>(opened.db, sql`SELECT tag FROM central_migrations ORDER BY tag`);
      expect(applied.map((row) => row.tag)).toEqual(migrations.map((migration) => migration.tag));
      await opened.db.execute(sql`INSERT INTO central_migrations (tag, applied_at) VALUES ('9999_from_the_future', 'x')`);
      await opened.close();
      await expect(openCentralDatabase({ url: database.url })).rejects.toBeInstanceOf(CentralSchemaError);
    } finally {
      await database.drop();
    }
  });

  it('a service process opens its whole pool at start and has each connection read every table once, before it takes traffic', async () => {
    // Found by the load test (#16): the peak's p99 was its first half-second, requests
    // waiting for connections opened on demand (a server process forked, its catalog read).
    const database = await createTestDatabase();
    if (!database) return expect(process.env.CI).toBeFalsy(); // CI always has the server
    const opened = await openCentralDatabase({ url: database.url, poolSize: 3 });
    const observer = new pg.Client({ connectionString: database.url });
    await observer.connect();
    try {
      const backends = await observer.query<{ query: string }>(
        `SELECT query FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      );
      expect(backends.rows).toHaveLength(3);
      const tables = Object.values(schema)
        .filter((value) => is(value, PgTable))
        .map((table) => getTableName(table as PgTable));
      expect(tables.length).toBeGreaterThan(10);
      for (const backend of backends.rows) for (const table of tables) expect(backend.query).toContain(`"${table}"`);
    } finally {
      await observer.end();
      await opened.close();
      await database.drop();
    }
  });

  it('a session is found, and the feed read, by named statements, planned once per connection, not at every call', async () => {
    // Every call to the service looks its session up: at the national scale's peak its
    // planning (0.55 ms a call in pg_stat_statements) cost PostgreSQL more than running it.
    const database = await createTestDatabase();
    if (!database) return expect(process.env.CI).toBeFalsy(); // CI always has the server
    const store = await CentralStore.open({ url: database.url, poolSize: 1 });
    try {
      expect(await store.session('no-such-token', '2026-12-02T09:00:00Z')).toBeNull();
      // And the feed's read, in its two shapes for a province, asked twice each (the second parses nothing).
      const scope = { kind: 'province' as const, area: 'RM', label: 'provincia RM' };
      for (let i = 0; i < 2; i++) {
        await store.feedRead(scope, { xid: 0n, id: '' }, 10);
        await store.feedRead(scope, { xid: 0n, id: '' }, 10, { xid: 1n, id: '' });
      }
      // The pool's one connection: the statements it has prepared.
      const prepared = await rows<{ name: string }>(store.db, sql`SELECT name FROM pg_prepared_statements`);
      expect(prepared.map((row) => row.name).sort()).toEqual(['feed_province', 'feed_province_below', 'session_by_token']);
    } finally {
      await store.close();
      await database.drop();
    }
  });

  it('a pool size that is not a whole number from 1 up is refused; a store that fails to open closes its connections', async () => {
    const database = await createTestDatabase();
    if (!database) return expect(process.env.CI).toBeFalsy(); // CI always has the server
    try {
      for (const poolSize of [0, -1, Number.NaN, 2.5])
        await expect(openCentralDatabase({ url: database.url, poolSize })).rejects.toThrow(/gruppo di connessioni/);
      // A database whose meta table refuses writes: the store cannot start, and leaves no connection open.
      const opened = await openCentralDatabase({ url: database.url, poolSize: 1 });
      await opened.db.execute(
        sql.raw(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
                 CREATE TRIGGER refuse BEFORE INSERT ON meta FOR EACH STATEMENT EXECUTE FUNCTION refuse()`),
      );
      await opened.close();
      await expect(CentralStore.open({ url: database.url, poolSize: 3 })).rejects.toThrow(/insert into "meta"/);
      expect(await otherConnections(database.url)).toBe(0);
    } finally {
      await database.drop();
    }
  });

  it('a transaction whose BEGIN fails gives its connection back: the pool never fills with them (#16)', async () => {
    const database = await createTestDatabase();
    if (!database) return expect(process.env.CI).toBeFalsy(); // CI always has the server
    const opened = await openCentralDatabase({ url: database.url, poolSize: 2 });
    try {
      // A BEGIN the server refuses (an isolation level it does not know) stands for one sent on a dead connection.
      for (let attempt = 0; attempt < 3; attempt++)
        await expect(opened.db.transaction(async () => {}, { isolationLevel: 'a caso' } as never)).rejects.toThrow(/begin/i);
      // Both connections are free: a transaction and a plain query still go through.
      expect(await opened.db.transaction((tx) => rows<{ one: number }>(tx, sql`SELECT 1 AS one`))).toEqual([{ one: 1 }]);
      expect(await rows<{ one: number }>(opened.db, sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    } finally {
      await opened.close();
      await database.drop();
    }
  });

  it('a transaction that gets no connection in time fails as a failure of the moment (SQLSTATE 08001), after 10 s, not for ever (#16)', async () => {
    const database = await createTestDatabase();
    if (!database) return expect(process.env.CI).toBeFalsy(); // CI always has the server
    const opened = await openCentralDatabase({ url: database.url, poolSize: 1 });
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let taken!: () => void;
    const isTaken = new Promise<void>((resolve) => (taken = resolve));
    // The pool's one connection held by a transaction that waits.
    const holding = opened.db.transaction(async () => {
      taken();
      await released;
    });
    try {
      await isTaken;
      const started = performance.now();
      const refused = await opened.db
        .transaction(async () => {})
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(refused).toMatchObject({ code: '08001' });
      expect(performance.now() - started).toBeGreaterThanOrEqual(9_000);
    } finally {
      release();
      await holding;
      await opened.close();
      await database.drop();
    }
  }, 40_000);

  it('a service that cannot listen closes its store: no connection left open', async () => {
    const database = await createTestDatabase();
    if (!database) return expect(process.env.CI).toBeFalsy(); // CI always has the server
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      await expect(startCentral({ database: { url: database.url, poolSize: 2 }, port })).rejects.toThrow(/EADDRINUSE/);
      expect(await otherConnections(database.url)).toBe(0);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
      await database.drop();
    }
  });

  it('PGlite: the same schema and migrations in-process, kept in a folder across restarts; a newer schema refused', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sportello-pglite-'));
    try {
      const store = await CentralStore.open({ pglite: folder });
      await store.putOffice({ code: 'ZZIS00300C', name: 'Prova', comune: 'Torino', province: 'TO' });
      await store.close();
      const again = await CentralStore.open({ pglite: folder });
      expect(await again.officeScope('ZZIS00300C')).toEqual({ kind: 'province', area: 'TO', label: 'provincia TO' });
      await again.close();
      const client = await PGlite.create(folder);
      await client.exec(`INSERT INTO central_migrations VALUES ('9999_from_the_future', 'x')`);
      await client.close();
      await expect(openCentralDatabase({ pglite: folder })).rejects.toBeInstanceOf(CentralSchemaError);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("PGlite in memory from the process's template: migrated, empty, and each database its own", async () => {
    const opened: CentralStore[] = [];
    const open = async () => {
      const store = await CentralStore.open({ pglite: null, fromTemplate: true });
      opened.push(store);
      return store;
    };
    try {
      // Two at once: both wait for the one template.
      const [first, second] = await Promise.all([open(), open()]);
      const migrated = async (store: CentralStore) =>
        rows<{ tag: string; appliedAt: string }>(store.db, sql`SELECT tag, applied_at AS "appliedAt" FROM central_migrations ORDER BY tag`);
      const applied = await migrated(first);
      expect(applied.map((row) => row.tag)).toEqual(migrations.map((migration) => migration.tag));
      // Copies of one migrated database: the same migrations at the same instant (each
      // PGlite migrated on its own, seconds apart, would have its own).
      expect(await migrated(second)).toEqual(applied);
      for (const store of [first, second]) {
        expect(await store.requestCount()).toBe(0);
        expect(await store.officeScope('ZZIS00100A')).toBeNull();
      }
      // Each its own epoch (and signing key): written after the copy, at open.
      expect(first.epoch()).not.toBe(second.epoch());
      await first.putOffice({ code: 'ZZIS00300C', name: 'Prova', comune: 'Torino', province: 'TO' });
      expect(await first.officeScope('ZZIS00300C')).not.toBeNull();
      expect(await second.officeScope('ZZIS00300C')).toBeNull();
      // A third starts from the template, not from what the first wrote.
      const third = await open();
      expect(await third.officeScope('ZZIS00300C')).toBeNull();
      expect(await migrated(third)).toEqual(applied);
    } finally {
      await Promise.all(opened.map((store) => store.close()));
    }
  });

  it('npm run central seeds only when asked: a new database gets no training office and no public password', async () => {
    const service = await spawnCentral([], { stderr: 'pipe' });
    try {
      const summary = await fetch(`${service.url}${centralPaths.health}`);
      expect(summary.status).toBe(200);
      const device = testDevice();
      const answer = await fetch(`${service.url}${centralPaths.sessions}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          officeCode: 'ZZIS00100A',
          username: 'dirigente',
          password: 'prova-dirigente',
          ...device.prove('ZZIS00100A', 'dirigente'),
        }),
      });
      expect(answer.status).toBe(401);
    } finally {
      await service.stop();
    }
  });
});

describe('the changes feed at scale (#16, item 4)', () => {
  it('a page of the feed is Latin-1 text: a character above it travels escaped, so a desk decodes a one-byte string (#20, pull)', async () => {
    const store = await CentralStore.open({ pglite: null, fromTemplate: true });
    try {
      await seedCentral(store, { count: 40, now: new Date('2026-11-20T09:00:00Z') });
      const [first, second] = await store.allRequests();
      const names = { first: 'Nicolò Ælfrida', second: 'Łucja 李 😀' };
      await store.putRequests([
        { ...first!, version: first!.version + 1, applicant: { ...first!.applicant, name: names.first } },
        { ...second!, version: second!.version + 1, applicant: { ...second!.applicant, surname: names.second } },
      ]);
      const latin1 = (text: string) => [...text].every((char) => char.charCodeAt(0) <= 0xff);
      const page = await store.changesAfter({ kind: 'national', area: null, label: 'nazionale' }, null, 1000);
      if (page.kind !== 'page') throw new Error('a page was expected');
      const text = page.items.toString('utf8');
      expect(latin1(text)).toBe(true);
      // Latin-1 letters as they are (two bytes each, not six); the rest escaped.
      expect(text).toContain('Nicolò Ælfrida');
      expect(text).toContain('\\u0141ucja \\u674e \\ud83d\\ude00');
      const items = JSON.parse(`[${text}]`) as StoredRequest[];
      expect(items).toHaveLength(40);
      expect(items.find((item) => item.id === first!.id)!.applicant.name).toBe(names.first);
      expect(items.find((item) => item.id === second!.id)!.applicant.surname).toBe(names.second);
      // The online lookup sends the same text.
      const [canonical] = await rows<{ code: string }>(store.db, sql`SELECT fiscal_code AS code FROM requests WHERE id = ${second!.id}`);
      const found = await store.findByFiscalCode(canonical!.code);
      expect(found.length).toBeGreaterThan(0);
      expect(found.every(latin1)).toBe(true);
      const looked = found.map((wire) => JSON.parse(wire) as StoredRequest).find((item) => item.id === second!.id);
      expect(looked?.applicant.surname).toBe(names.second);
    } finally {
      await store.close();
    }
  });

  it("an up-to-date desk's poll reads its scope's changes, not the country's: the plan walks the scope's index, no row read and dropped", async () => {
    const database = await createTestDatabase();
    if (!database) return expect(process.env.CI).toBeFalsy(); // CI always has the server
    const store = await CentralStore.open({ url: database.url, poolSize: 2 });
    try {
      await seedCentral(store, { count: 6000, now: new Date('2026-11-20T09:00:00Z') });
      const all = await store.allRequests();
      const province = 'RM';
      const scope = { kind: 'province' as const, area: province, label: 'provincia di RM' };
      // Statistics as autovacuum keeps them; then the desk catches up (its cursor at the horizon).
      await store.db.execute(sql`ANALYZE requests`);
      const page = await store.changesAfter(scope, null, 100_000);
      if (page.kind !== 'page') throw new Error('no page');
      const upToDate = page.next;
      // Four hours of the country's changes: many elsewhere, a few in the desk's province.
      const changed = (request: StoredRequest) => ({ ...request, version: request.version + 1, updatedAt: '2026-11-20T10:00:00.000Z' });
      const elsewhere = all.filter((request) => request.applicant.domicile.province.toUpperCase() !== province).slice(0, 1500);
      const here = all.filter((request) => request.applicant.domicile.province.toUpperCase() === province).slice(0, 7);
      expect(here).toHaveLength(7);
      // The desk's province, and a desk of its region (Lazio, 12), each from its own cursor at the horizon.
      const region = { kind: 'region' as const, area: regionOf(province)!, label: 'regione 12 (Lazio)' };
      const regionPage = await store.changesAfter(region, null, 100_000);
      if (regionPage.kind !== 'page') throw new Error('no page');
      await store.putRequests([...elsewhere, ...here].map(changed));
      const inRegion = [...elsewhere, ...here].filter(
        (request) => regionOf(request.applicant.domicile.province.toUpperCase()) === region.area,
      );
      for (const [desk, cursor, index, count] of [
        [scope, upToDate, 'requests_province_change', here.length],
        [region, regionPage.next, 'requests_region_change', inRegion.length],
      ] as const) {
        // The feed delivers below the oldest running transaction (any in the cluster, autovacuum's
        // too): asked again until the changes are below it, a bounded number of times.
        let nodes: PlanNode[] = [];
        for (let attempt = 0; attempt < 100; attempt++) {
          const [explained] = await rows<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
            store.db,
            sql`EXPLAIN (ANALYZE, FORMAT JSON) ${feedQuery(desk, cursor, 500)}`,
          );
          nodes = planNodes(explained!['QUERY PLAN'][0]!.Plan);
          if (nodes.find((node) => node['Relation Name'] === 'requests')?.['Actual Rows'] === count) break;
        }
        // An index scan, or a bitmap scan of the index (the planner's choice for a few rows): the scope's index either way.
        expect(nodes.map((node) => node['Index Name']).filter((name) => name?.startsWith('requests'))).toEqual([index]);
        // Only the scope's changed rows are read: none read and then dropped.
        const scan = nodes.find((node) => node['Relation Name'] === 'requests')!;
        expect(scan['Actual Rows']).toBe(count);
        expect((scan['Rows Removed by Filter'] ?? 0) + (scan['Rows Removed by Index Recheck'] ?? 0)).toBe(0);
        // The service runs this read as a named statement, which PostgreSQL may plan once for
        // any parameters (a generic plan, after five calls): that plan walks the scope's index too.
        const generic = planNodes(await genericPlan(database.url, feedQuery(desk, cursor, 500)));
        expect(generic.map((node) => node['Index Name']).filter((name) => name?.startsWith('requests'))).toEqual([index]);
        const genericScan = generic.find((node) => node['Relation Name'] === 'requests')!;
        expect(genericScan['Actual Rows']).toBe(count);
        expect((genericScan['Rows Removed by Filter'] ?? 0) + (genericScan['Rows Removed by Index Recheck'] ?? 0)).toBe(0);
        // And the feed itself gives exactly those.
        const delivered = await store.changesAfter(desk, cursor, 500);
        expect(delivered.kind === 'page' && JSON.parse(`[${delivered.items.toString()}]`).length).toBe(count);
      }
    } finally {
      await store.close();
      await database.drop();
    }
  });
});

interface PlanNode {
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}
const planNodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(planNodes)];

/** The plan PostgreSQL makes of a statement for any parameters (as for a named statement after five calls), run with these. */
async function genericPlan(url: string, query: SQL): Promise<PlanNode> {
  const { sql: text, params } = new PgDialect().sqlToQuery(query);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET plan_cache_mode = force_generic_plan');
    await client.query(`PREPARE generic_read AS ${text}`);
    const values = params.map((value) => client.escapeLiteral(String(value))).join(', ');
    const result = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE generic_read(${values})`,
    );
    return result.rows[0]!['QUERY PLAN'][0]!.Plan;
  } finally {
    await client.end();
  }
}

/** How many other clients are connected to the database now (a store's pool left open shows here). */
async function otherConnections(url: string): Promise<number> {
  const observer = new pg.Client({ connectionString: url });
  await observer.connect();
  try {
    const others = await observer.query(
      `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
    );
    return others.rows.length;
  } finally {
    await observer.end();
  }
}
