import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { CentralSchemaError, openCentralDatabase, rows } from '../../central/db/database';
import { migrations } from '../../central/db/migrations.generated';
import { CentralStore } from '../../central/store';
import { centralMigrationsDirectory, readMigrations } from '../../scripts/embed-migrations';
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
