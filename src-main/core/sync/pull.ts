import { requestRow } from '../requests/request-row';
import type { ErasureGuard } from '../requests/erasure-guard';
import type { RequestsRepository } from '../requests/requests-repository';
import type { Logger } from '../log';
import type { LocalStore } from '../store/database';
import type { CentralClient } from './central-client';
import { inlinePageWriter, type PageWriter } from './page-writer';
import type { PageWrite } from './page-write';
import { describeFailure, pullInterrupted, pullRefusedRepeatedly } from './problems';
import type { SyncStatusTracker } from './status';
import type { SyncStateRepository } from './sync-state-repository';

export interface ChangesPullParts {
  store: LocalStore;
  client: CentralClient;
  requests: RequestsRepository;
  /** A page fetched before an erasure does not bring the applicant back. */
  erasures: ErasureGuard;
  state: SyncStateRepository;
  status: SyncStatusTracker;
  logger: Logger;
  now: () => number;
  pageSize: number;
  /** Writes each page with its cursor (a thread of its own in the app). */
  writer: PageWriter;
}

/**
 * Keeps the requests cache in step with the central service: changes after a
 * server-assigned cursor, in pages; each page and its cursor land in one transaction.
 * An unknown cursor (410) re-fetches everything into a fresh table, then swaps it in.
 * The next page is asked for, received and checked while the writer writes this one; one
 * page at a time is with the writer, and every return waits for it.
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

  /** The status to the desk; one that cannot be read (the store failing) says so at its next emit. */
  private emit() {
    try {
      this.parts.status.emit();
    } catch {
      // Nothing to add here: what failed is reported where it failed.
    }
  }

  /**
   * Every return waits for the page with the writer. A page it could not write (the disk
   * full, its thread lost) ends the pull with the store's error on the status: its cursor
   * was not saved, so the next pull asks for it again.
   */
  private async pullPages(): Promise<void> {
    const pending = { writing: Promise.resolve() };
    // On its way from the first request to the last page written: an erasure meanwhile is kept for the pages.
    const fetching = this.parts.erasures.begin();
    try {
      await this.pullInto(pending);
    } catch (error) {
      this.parts.logger.error('sync.pull-write-failed', { error: (error as { code?: string }).code ?? (error as Error).name });
      this.report(pullInterrupted);
      this.emit();
    } finally {
      // Nothing of this pull is still being written once it is over.
      await pending.writing.catch(() => undefined);
      fetching.done();
    }
  }

  /** `pending.writing`: the page with the writer (one at a time, in order). */
  private async pullInto(pending: { writing: Promise<void> }): Promise<void> {
    const { client, requests, state, status, store, pageSize, writer } = this.parts;
    let restarts = 0;
    const token = status.token();
    if (!token) return;
    let refetching = state.get('refetching') === '1';
    // How far a long pull has come, for the badge (a first sync brings the whole scope):
    // shown once a page says more follow, so a routine pull of one page does not flash.
    let received = 0;
    const { erasures } = this.parts;
    /** A page asked for now: after the erasures so far. */
    const fetchPage = (cursor: string | null) => ({ erasedAfter: erasures.current, answer: client.changes(token, cursor, pageSize) });
    let next = fetchPage(refetching ? state.get('refetchCursor') : state.get('cursor'));
    for (;;) {
      const fetched = next;
      const result = await fetched.answer;
      if (!result.ok) {
        await pending.writing;
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
          next = fetchPage(null);
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
      const { items, nextCursor, hasMore, serverTime } = result.value;
      received += items.length;
      if (hasMore || status.pullReceived !== null) status.pullReceived = received;
      const rows = items.map(requestRow);
      const serverClockOffsetMs = Date.parse(serverTime) - this.parts.now();
      // Ask for the next page while this one is written; its cursor is saved only with
      // the page itself, so a crash in between just fetches it again. One turn of the
      // event loop first lets the request go out (a write on this thread blocks it): the
      // service prepares the next page meanwhile (#20).
      if (hasMore) {
        next = fetchPage(nextCursor);
        await new Promise((resolve) => setImmediate(resolve));
      }
      // One page with the writer at a time, in order: this one once the one before is in
      // (a refusal of that one ends the pull here). The next is checked while it is written.
      await pending.writing;
      const page: PageWrite = {
        rows,
        nextCursor,
        hasMore,
        serverTime,
        inRefetch: refetching,
        serverClockOffsetMs,
        erasedAfter: fetched.erasedAfter,
      };
      // A refetch's last page swaps the whole copy in (seconds for a national one): on this
      // thread's connection, so the desk's own writes wait for it here, as for any page
      // before the writer's thread, not behind its lock until their busy timeout.
      const swap = refetching && !hasMore;
      pending.writing = (swap ? inlinePageWriter({ store, requests, state }).write(page) : writer.write(page)).then(() => {
        if (rows.length > 0) this.emit();
      });
      // Awaited at the next page or the end; until then a refusal is not an unhandled rejection.
      pending.writing.catch(() => undefined);
      if (!hasMore) return await pending.writing;
    }
  }
}
