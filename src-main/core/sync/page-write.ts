import type { RequestRow } from '../requests/request-row';
import type { RequestsRepository } from '../requests/requests-repository';
import type { LocalStore } from '../store/database';
import type { SyncStateRepository } from './sync-state-repository';

/** A pulled page as it is written: its rows made, where it leaves the cursor, what the service's clock said. */
export interface PageWrite {
  rows: RequestRow[];
  nextCursor: string;
  hasMore: boolean;
  serverTime: string;
  /** Into the refetch table (after a 410), swapped in with the last page. */
  inRefetch: boolean;
  /** The service's clock less this desk's, when the page came. */
  serverClockOffsetMs: number;
  /** The erasures its fetch came after (`ErasureGuard.current`): an applicant erased since is not written. */
  erasedAfter: number;
}

export interface PageWriteParts {
  store: LocalStore;
  requests: RequestsRepository;
  state: SyncStateRepository;
}

/**
 * A page and its cursor in one transaction. Not durable (no wait for the disk at each
 * page): a page a power cut undoes goes with its cursor, and the next pull fetches it
 * again. No I/O but the store's: the page writer's thread runs it on its own connection.
 */
export function writePage({ store, requests, state }: PageWriteParts, page: PageWrite): void {
  store.inTransaction(
    () => {
      requests.upsertRows(page.rows, page.inRefetch ? 'enablement_requests_refetch' : 'enablement_requests', page.erasedAfter);
      if (page.inRefetch) {
        state.set('refetchCursor', page.nextCursor);
        if (!page.hasMore) {
          requests.swapInRefetch();
          state.set('cursor', page.nextCursor);
          state.set('refetching', null);
          state.set('refetchCursor', null);
        }
      } else {
        state.set('cursor', page.nextCursor);
      }
      // "Up to date as of": only once the copy has caught up (a partial first sync or
      // refetch is not a copy as of anything).
      if (!page.hasMore) state.set('lastPullAt', page.serverTime);
      state.set('serverClockOffsetMs', String(page.serverClockOffsetMs));
    },
    { durable: false },
  );
}
