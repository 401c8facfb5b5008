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
  const started = await Promise.allSettled([startPostgresCluster(), startPostgresCluster()]);
  const clusters = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    // None left behind: the one that started is stopped before the run fails.
    await Promise.all(clusters.map((cluster) => cluster.stop()));
    throw failed.reason;
  }
  process.env[testPostgresEnv] = clusters.map((cluster) => cluster.adminUrl).join(',');
  return async () => {
    await Promise.all(clusters.map((cluster) => cluster.stop()));
  };
}
