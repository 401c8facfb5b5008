import type { RequestsRepository } from '../requests/requests-repository';
import type { Logger } from '../log';
import type { LocalStore } from '../store/database';
import type { CentralClient } from './central-client';
import { describeFailure, pullRefusedRepeatedly } from './problems';
import type { SyncStatusTracker } from './status';
import type { SyncStateRepository } from './sync-state-repository';

export interface ChangesPullParts {
  store: LocalStore;
  client: CentralClient;
  requests: RequestsRepository;
  state: SyncStateRepository;
  status: SyncStatusTracker;
  logger: Logger;
  now: () => number;
  pageSize: number;
}

/**
 * Keeps the requests cache in step with the central service: changes after a
 * server-assigned cursor, in pages; each page and its cursor land in one transaction.
 * An unknown cursor (410) re-fetches everything into a fresh table, then swaps it in.
 */
export class ChangesPull {
  private pulling: Promise<void> | null = null;
  /** The pull again that a busy service asked for (Retry-After), once. */
  private retry: ReturnType<typeof setTimeout> | null = null;
  /** The error this pull reported, so a pull that goes through clears it (and only it). */
  private reported: string | null = null;
  private stopped = false;

  constructor(private readonly parts: ChangesPullParts) {}

  /** One pull at a time: a call during a pull joins it. */
  pull(): Promise<void> {
    this.pulling ??= this.pullPages().finally(() => {
      this.pulling = null;
      this.parts.status.pullReceived = null;
      this.parts.status.emit();
    });
    return this.pulling;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    await Promise.allSettled([this.pulling]);
  }

  private report(error: string) {
    this.parts.status.lastError = error;
    this.reported = error;
  }

  /**
   * A service busy receiving outcomes (503) or asking for fewer calls (429) says when to
   * come back: the pull goes again then (between 1 s and a minute), not at the next round.
   */
  private retryAfter(ms: number | null) {
    if (ms === null || this.stopped || this.retry) return;
    this.retry = setTimeout(
      () => {
        this.retry = null;
        void this.pull();
      },
      Math.min(Math.max(ms, 1000), 60_000),
    );
    this.retry.unref?.();
  }

  private async pullPages(): Promise<void> {
    const { client, requests, state, status, store, pageSize } = this.parts;
    let restarts = 0;
    const token = status.token();
    if (!token) return;
    let refetching = state.get('refetching') === '1';
    // How far a long pull has come, for the badge (a first sync brings the whole scope):
    // shown once a page says more follow, so a routine pull of one page does not flash.
    let received = 0;
    let next = client.changes(token, refetching ? state.get('refetchCursor') : state.get('cursor'), pageSize);
    for (;;) {
      const result = await next;
      if (!result.ok) {
        const failure = result.failure;
        if (failure.kind === 'network') return status.unreachable(failure);
        status.reachable();
        if (failure.kind === 'http' && failure.status === 410) {
          // Unknown or too old a cursor: fetch everything into a fresh table, then swap.
          if (++restarts > 3) {
            this.report(pullRefusedRepeatedly);
            return;
          }
          store.inTransaction(() => {
            requests.clearRefetch();
            state.set('refetching', '1');
            state.set('refetchCursor', null);
          });
          // Everything again: the count starts over.
          received = 0;
          this.parts.logger.info('sync.refetch');
          refetching = true;
          next = client.changes(token, null, pageSize);
          continue;
        }
        if (failure.kind === 'http' && failure.status === 401) return status.unauthorized();
        this.report(describeFailure(failure));
        if (failure.kind === 'http' && (failure.status === 503 || failure.status === 429)) this.retryAfter(failure.retryAfterMs);
        return;
      }
      status.reachable();
      // Through: what this pull reported before is over (another part's error stays).
      if (this.reported !== null && status.lastError === this.reported) status.lastError = null;
      this.reported = null;
      const page = result.value;
      received += page.items.length;
      if (page.hasMore || status.pullReceived !== null) status.pullReceived = received;
      // Ask for the next page while this one is written; its cursor is saved only with
      // the page itself, so a crash in between just fetches it again. The write blocks the
      // thread, so one turn of the event loop first lets the request go out: the service
      // prepares the next page while this one is written (#20).
      if (page.hasMore) {
        next = client.changes(token, page.nextCursor, pageSize);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const inRefetch = refetching;
      // Not durable (no wait for the disk at each page): a page a power cut undoes goes
      // with its cursor, and the next pull fetches it again.
      store.inTransaction(
        () => {
          requests.upsert(page.items, inRefetch ? 'enablement_requests_refetch' : 'enablement_requests');
          if (inRefetch) {
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
          state.set('serverClockOffsetMs', String(Date.parse(page.serverTime) - this.parts.now()));
        },
        { durable: false },
      );
      if (page.items.length > 0) status.emit();
      if (!page.hasMore) return;
    }
  }
}
