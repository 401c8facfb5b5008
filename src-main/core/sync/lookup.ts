import type { EnablementRequest } from '../../../shared/contract/central-api';
import type { LookupResult } from '../../../shared/contract/sync';
import type { ErasureGuard } from '../requests/erasure-guard';
import type { RequestsRepository } from '../requests/requests-repository';
import type { LocalStore } from '../store/database';
import type { CentralClient } from './central-client';
import type { SyncStatusTracker } from './status';
import type { SyncStateRepository } from './sync-state-repository';

export interface RequestLookupParts {
  store: LocalStore;
  client: CentralClient;
  requests: RequestsRepository;
  erasures: ErasureGuard;
  state: SyncStateRepository;
  status: SyncStatusTracker;
  now: () => number;
  probeIntervalMs: number;
  running: () => boolean;
}

function newestFirst(items: EnablementRequest[]): EnablementRequest[] {
  return [...items].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/** Finds an applicant's requests: online first when reachable, else the cache; says which. */
export class RequestLookup {
  constructor(private readonly parts: RequestLookupParts) {}

  /**
   * The service failed moments ago and the probe is watching for its return: a lookup
   * goes straight to the cache instead of waiting on the network again (with a
   * black-holed network, for the client's whole timeout) at every applicant.
   */
  private knownAway(): boolean {
    const { status } = this.parts;
    return (
      this.parts.running() &&
      !status.online &&
      status.unreachableAt !== null &&
      this.parts.now() - status.unreachableAt < this.parts.probeIntervalMs
    );
  }

  /** `canonical` is a canonical fiscal code. */
  async lookup(canonical: string): Promise<LookupResult> {
    const { client, requests, status } = this.parts;
    const token = status.token();
    if (token && !this.knownAway()) {
      // An erasure of the applicant while the answer is on its way: the answer is not cached
      // (nor shown, the lookup answers from the cache); the next lookup brings it.
      const fetch = this.parts.erasures.begin();
      try {
        const result = await client.lookup(token, canonical);
        if (result.ok) {
          status.reachable();
          this.parts.store.inTransaction(() => requests.upsert(result.value.items, fetch.epoch));
          status.emit();
          return {
            source: 'online',
            asOf: result.value.serverTime,
            fiscalCode: canonical,
            items: newestFirst(requests.findByFiscalCode(canonical)),
          };
        }
        if (result.failure.kind === 'network') status.unreachable(result.failure);
        else if (result.failure.kind === 'http' && result.failure.status === 401) status.unauthorized();
        status.emit();
      } finally {
        fetch.done();
      }
    }
    return {
      source: 'cache',
      asOf: this.parts.state.get('lastPullAt'),
      fiscalCode: canonical,
      items: newestFirst(requests.findByFiscalCode(canonical)),
    };
  }
}
