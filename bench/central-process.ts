import type { EnablementRequest } from '../shared/contract/central-api';
import type { Faults } from '../central/server';
import { spawnCentral } from '../scripts/central-process';
import { startPostgresCluster } from '../scripts/postgres-cluster';

/**
 * The reference central service in its own process, as a real server would be: the
 * benchmark's client and the service do not share a thread (or a core). Its database is
 * a throwaway PostgreSQL server (fsync off: the desk's side is what these cases measure,
 * not the service's disk), removed at close.
 */

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
  const service = await spawnCentral(['--admin', '--seed', String(seed), '--seed-value', String(seedValue), '--database-url', databaseUrl]);
  const urls = { url: service.url, adminUrl: service.adminUrl! };
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
      await service.stop();
      await cluster.stop();
    },
  };
}
