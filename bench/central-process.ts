import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { EnablementRequest } from '../shared/contract/central-api';
import type { Faults } from '../central/server';
import { startPostgresCluster } from '../scripts/postgres-cluster';

/**
 * The reference central service in its own process, as a real server would be: the
 * benchmark's client and the service do not share a thread (or a core). Its database is
 * a throwaway PostgreSQL server (fsync off: the desk's side is what these cases measure,
 * not the service's disk), removed at close.
 */
const root = join(import.meta.dirname, '..');

export interface CentralProcess {
  url: string;
  adminUrl: string;
  setFaults(faults: Partial<Faults>): Promise<void>;
  effects(): Promise<Array<{ key: string }>>;
  requests(status: string, limit: number): Promise<EnablementRequest[]>;
  /** The service administrator's scope of an office (the bench pulls the whole country: the largest copy). */
  setScope(officeCode: string, scope: { kind: 'province' | 'region' | 'national'; area?: string }): Promise<void>;
  close(): Promise<void>;
}

export async function startCentralProcess(seed: number, seedValue: number): Promise<CentralProcess> {
  const cluster = await startPostgresCluster();
  const databaseUrl = await cluster.createDatabase();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'central/cli.ts'),
      '--port',
      '0',
      '--admin',
      '--seed',
      String(seed),
      '--seed-value',
      String(seedValue),
      '--database-url',
      databaseUrl,
    ],
    { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const urls = await new Promise<{ url: string; adminUrl: string }>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const api = /su (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      const admin = /(http:\/\/127\.0\.0\.1:\d+)\/admin/.exec(output);
      if (api && admin) resolve({ url: api[1]!, adminUrl: admin[1]! });
    });
    child.on('exit', (code) => reject(new Error(`central exited with ${code}: ${output}`)));
  });
  const admin = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${urls.adminUrl}${path}`, init);
    if (!response.ok) throw new Error(`admin ${path}: ${response.status}`);
    return response.json();
  };
  return {
    ...urls,
    setFaults: async (faults) => {
      await admin('/admin/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
    },
    effects: () => admin('/admin/effects') as Promise<Array<{ key: string }>>,
    requests: (status, limit) => admin(`/admin/requests?status=${status}&limit=${limit}`) as Promise<EnablementRequest[]>,
    setScope: async (officeCode, scope) => {
      await admin(`/admin/offices/${officeCode}/scope`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(scope),
      });
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          resolve(); // the group is already gone
        }
      });
      await cluster.stop();
    },
  };
}
