import { testPostgresEnv } from '../fixtures/central';
import { postgresBinDirectory, startPostgresCluster } from '../fixtures/postgres';

/**
 * Global setup of the test runs (Vitest and Playwright): throwaway PostgreSQL clusters
 * for the run, one per worker; each test's central service gets a database in its worker's. Without the server
 * binaries (a developer's machine without Debian's `postgresql`), tests fall back to
 * PGlite and say so; CI provisions the server.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (!postgresBinDirectory()) {
    process.stderr.write('[tests] PostgreSQL server not installed: the central service runs on PGlite for this run\n');
    return async () => {};
  }
  // One cluster per worker (see tests/fixtures/central.ts): two, the cores this machine has.
  const clusters = await Promise.all([startPostgresCluster(), startPostgresCluster()]);
  process.env[testPostgresEnv] = clusters.map((cluster) => cluster.adminUrl).join(',');
  return async () => {
    await Promise.all(clusters.map((cluster) => cluster.stop()));
  };
}
