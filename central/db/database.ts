import { PGlite } from '@electric-sql/pglite';
import { getTableName, is, sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import { PgDialect, PgTable, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { migrations } from './migrations.generated';
import * as schema from './schema';

/**
 * The central service's database: a PostgreSQL server through node-postgres (a pool;
 * production, the load test, CI), or PGlite in-process (training mode inside the desk
 * app, quick tests): the same schema, migrations and queries.
 */
export type CentralDb = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseLocation =
  /** A PostgreSQL server: `postgres://user@127.0.0.1:5432/db`. */
  | { url: string; poolSize?: number }
  /** PGlite: a data folder, or null for memory only. */
  | { pglite: string | null }
  /**
   * PGlite in memory, starting as a copy of an empty, migrated database made once per
   * process. A new PGlite runs initdb, most of the 2.5–4 s it takes to open on this machine;
   * from the copy, about 1 s (the test suites open one per test). The copy, about 40 MB,
   * stays in memory.
   */
  | { pglite: null; fromTemplate: true };

export interface CentralDatabase {
  db: CentralDb;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export class CentralSchemaError extends Error {
  constructor(readonly unknown: string[]) {
    super(`the central database has migrations this version does not know (${unknown.join(', ')}): it was made by a newer version`);
    this.name = 'CentralSchemaError';
  }
}

/** A transaction on the database, as `CentralDb.transaction` hands it. */
export type CentralTx = Parameters<Parameters<CentralDb['transaction']>[0]>[0];

const dialect = new PgDialect();

/**
 * Rows of a raw statement, whichever driver runs it. With a name it runs as a named
 * statement: on a PostgreSQL server each connection parses and plans it once (for those
 * asked at every call, whose planning cost more than running them); PGlite runs it as any
 * other. One name, one text: a statement whose text varies (a list of parameters, another
 * column) takes a name per shape. Only for a statement whose best plan cannot change as
 * its tables grow: a named statement's plan may be the one made from its first calls.
 */
export async function rows<T>(db: CentralDb | CentralTx, query: SQL, name?: string): Promise<T[]> {
  const result = (await db._.session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false).execute()) as { rows: T[] };
  return result.rows;
}

/** SQLSTATE 08006, connection failure: what a transaction whose connection was lost fails with (a failure of the moment). */
export const connectionLostCode = '08006';
/** SQLSTATE 08001, unable to establish a connection: what a transaction that got none in time fails with. */
const connectionUnavailableCode = '08001';

/**
 * Transactions on a pool, each on a client checked out here and given back whatever
 * happens. drizzle's own sends BEGIN before its `try`: a connection found dead at BEGIN
 * (a failover, a network cut) was never given back, and the pool, full of them, at last
 * made every call wait. A transaction whose connection was lost (the client said so, or
 * can no longer be queried) fails with SQLSTATE 08006 in front of what drizzle reports
 * (its rollback's failure, when the connection went mid-transaction, says nothing of why);
 * one that got no connection in time, with 08001: failures of the moment, both.
 */
function poolTransactions(pool: pg.Pool): CentralDb['transaction'] {
  const onClient = new WeakMap<pg.PoolClient, CentralDb>();
  return async (work, config) => {
    // No connection to be had in time (the database out of reach, the pool full): SQLSTATE 08001.
    const client = await pool.connect().catch((error: unknown) => {
      throw Object.assign(new Error('nessuna connessione al database', { cause: error }), { code: connectionUnavailableCode });
    });
    let lost = false;
    const onError = () => (lost = true);
    client.on('error', onError);
    try {
      let db = onClient.get(client);
      if (!db) onClient.set(client, (db = drizzlePostgres(client, { schema }) as unknown as CentralDb));
      return await db.transaction(work, config);
    } catch (error) {
      // pg-pool reads the same flag to drop a client at release.
      if (lost || (client as unknown as { _queryable?: boolean })._queryable === false)
        throw Object.assign(new Error('connessione al database persa durante la transazione', { cause: error }), {
          code: connectionLostCode,
        });
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release();
    }
  };
}

/** Opens the database and applies pending migrations (all in one transaction); refuses a newer schema. */
export async function openCentralDatabase(location: DatabaseLocation): Promise<CentralDatabase> {
  let database: CentralDatabase;
  let warm = async () => {};
  if ('url' in location) {
    const size = location.poolSize ?? 10;
    // pg-pool would take 0 or NaN as its default of 10 (and a negative size as a pool always full).
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`dimensione del gruppo di connessioni non valida: ${location.poolSize} (un intero da 1 in su)`);
    const pool = new pg.Pool({
      connectionString: location.url,
      max: size,
      // Connections are kept for the life of the process (none closed when idle): one opened
      // under load costs a request tens of milliseconds (see warmPool).
      min: size,
      // A server gone silent (no reset) is noticed by TCP keepalive, its probes starting after
      // 10 s idle (0 would mean the system's default, two hours): within minutes, with Linux's
      // default probe interval and count. Its group write fails then, and the desks send again.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      // Nothing waits for ever: a stalled peer holding a key or a request row, or a transaction
      // left open (which would also hold back every office's feed), ends in an error the client retries.
      options: '-c statement_timeout=15000 -c lock_timeout=10000 -c idle_in_transaction_session_timeout=15000',
      // Nor does a call wait for ever for a connection (a database gone, every client stuck):
      // 10 s, within the desk's own 15 s timeout for a call.
      connectionTimeoutMillis: 10_000,
    });
    // An idle client's error (the server restarting) must not crash the process: the next query reconnects.
    pool.on('error', () => {});
    // Nor a client's in use (the pool listens only to idle ones): a connection ended under a
    // transaction (a restart, a failover, a backend ended) fails the query it was running, and
    // then says so again as the socket closes, with no query left to take it. That call
    // fails (the desk sends it again); the client, no longer usable, leaves the pool when released.
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = drizzlePostgres(pool, { schema }) as unknown as CentralDb;
    db.transaction = poolTransactions(pool);
    database = { db, kind: 'postgres', close: () => pool.end() };
    warm = () => warmPool(pool, size);
  } else {
    const client = 'fromTemplate' in location ? await fromTemplate() : await PGlite.create(location.pglite ?? undefined);
    database = { db: drizzlePglite(client, { schema }) as unknown as CentralDb, kind: 'pglite', close: () => client.close() };
  }
  try {
    await migrate(database.db);
    await warm();
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/** The files of an empty, migrated PGlite database (its data folder as a tar), made once per process. */
let template: Promise<Blob> | undefined;

async function fromTemplate(): Promise<PGlite> {
  template ??= (async () => {
    const client = await PGlite.create();
    try {
      await migrate(drizzlePglite(client, { schema }) as unknown as CentralDb);
      return await client.dumpDataDir('none');
    } finally {
      await client.close();
    }
  })().catch((error: unknown) => {
    template = undefined; // the next open tries again
    throw error;
  });
  return PGlite.create({ loadDataDir: await template });
}

const everyTable = Object.values(schema)
  .filter((value) => is(value, PgTable))
  .map((table) => `SELECT 1 FROM "${getTableName(table as PgTable)}" LIMIT 0`)
  .join('; ');

/**
 * Opens every connection of the pool and has each read every table's definition (and its
 * indexes', for the plan) once, before the service takes traffic. Found by the load test:
 * opened on demand, the first half-second of a peak waited for connections (a server
 * process forked, its catalog read from scratch: 100–300 ms a request on 2 cores), and
 * that half-second was the whole p99 of two minutes.
 */
async function warmPool(pool: pg.Pool, size: number): Promise<void> {
  const connected = await Promise.allSettled(Array.from({ length: size }, () => pool.connect()));
  const clients = connected.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  try {
    const failed = connected.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    await Promise.all(clients.map((client) => client.query(everyTable)));
  } finally {
    // Given back before the pool is closed on a failure (end() waits for clients out).
    for (const client of clients) client.release();
  }
}

/**
 * Applies the embedded migrations not yet applied, in one transaction under an advisory
 * lock (two processes starting together migrate once). A database holding a migration
 * this code does not know was made by a newer version: refused, untouched.
 */
async function migrate(db: CentralDb): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(7410001)`);
    await tx.execute(sql`CREATE TABLE IF NOT EXISTS central_migrations (tag text PRIMARY KEY, applied_at text NOT NULL)`);
    const applied = new Set((await rows<{ tag: string }>(tx, sql`SELECT tag FROM central_migrations`)).map((row) => row.tag));
    const known = new Set(migrations.map((migration) => migration.tag));
    const unknown = [...applied].filter((tag) => !known.has(tag));
    if (unknown.length > 0) throw new CentralSchemaError(unknown);
    for (const migration of migrations) {
      if (applied.has(migration.tag)) continue;
      for (const statement of migration.statements) await tx.execute(sql.raw(statement));
      await tx.execute(sql`INSERT INTO central_migrations (tag, applied_at) VALUES (${migration.tag}, ${new Date().toISOString()})`);
    }
  });
}
