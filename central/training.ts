import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startCentral, type CentralService } from './server';

/**
 * Training mode, the embedded default: with no central service configured, the host
 * runs the reference service in-process on a random loopback port, seeded with
 * synthetic applicants, in its own folder (separate from real data).
 */
export const trainingSeedCount = 1000;

export function trainingDataDirectory(dataDirectory: string): string {
  return join(dataDirectory, 'training');
}

export async function startTrainingCentral(dataDirectory: string): Promise<CentralService> {
  const directory = trainingDataDirectory(dataDirectory);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  // The SQLite store of earlier versions (synthetic data only) is not carried over.
  for (const old of ['central.db', 'central.db-wal', 'central.db-shm']) rmSync(join(directory, old), { force: true });
  return startCentral({
    database: { pglite: join(directory, 'central-pg') },
    seed: trainingSeedCount,
    seedValue: 2026,
    admin: true,
    training: true,
  });
}
