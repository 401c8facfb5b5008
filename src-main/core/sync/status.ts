import type { SyncStatus } from '../../../shared/contract/sync';
import type { EventHub } from '../events';
import type { RequestsRepository } from '../requests/requests-repository';
import type { CentralFailure } from './central-client';
import type { OutboxRepository } from './outbox-repository';
import { describeFailure, sessionExpiredForQueue } from './problems';
import type { SyncStateRepository } from './sync-state-repository';

/** The signed-in session, as sync sees it (the SessionManager is one). */
export interface SessionTokenSource {
  currentToken(): string | null;
  /** Whose token it is: only that operator's outcomes go out with it. */
  operatorId(): string | null;
  /** The central service refused the token: a new sign-in is needed. */
  expire(): void;
}

export interface SyncStatusParts {
  outbox: OutboxRepository;
  requests: RequestsRepository;
  state: SyncStateRepository;
  events: EventHub;
  session: SessionTokenSource;
  now: () => number;
  /** Connectivity is back after a failure: drain and refresh. */
  onReturn: () => void;
}

/**
 * What push, pull and lookup learn about the central service (reachable, away, needs a
 * sign-in, the last error), and the status a person sees, published when it changes.
 */
export class SyncStatusTracker {
  online = false;
  /** When the central service last failed to answer (device clock, scheduling only). */
  unreachableAt: number | null = null;
  needsSignIn = false;
  lastError: string | null = null;
  /** Requests received by the pull in progress (null: no pull). */
  pullReceived: number | null = null;
  /**
   * Queued outcomes other operators recorded (they leave with their own sign-in).
   * Counted when a drain ends, not at every status: the count joins the queue.
   */
  private awaitingOthers = 0;
  private lastSuccessAt: string | null = null;
  private stopped = false;
  private lastEmitted = '';
  private lastEmitAt = -Infinity;
  private emitTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly parts: SyncStatusParts) {}

  status(): SyncStatus {
    const counts = this.parts.outbox.queueCounts();
    return {
      online: this.online,
      pending: counts.pending + counts.sending + counts.retryWait,
      problems: counts.problems,
      lastSuccessAt: this.lastSuccessAt,
      lastPullAt: this.parts.state.get('lastPullAt'),
      lastPushAt: this.parts.state.get('lastPushAt'),
      needsSignIn: this.needsSignIn,
      lastError: this.lastError,
      cachedRequests: this.parts.requests.count(),
      awaitingOtherOperators: this.awaitingOthers,
      pullReceived: this.pullReceived,
    };
  }

  reachable(): void {
    const wasOffline = !this.online;
    this.online = true;
    this.unreachableAt = null;
    this.lastSuccessAt = new Date(this.parts.now()).toISOString();
    if (wasOffline) this.parts.onReturn();
  }

  unreachable(failure: CentralFailure): void {
    this.online = false;
    this.unreachableAt = this.parts.now();
    this.lastError = describeFailure(failure);
  }

  unauthorized(): void {
    this.needsSignIn = true;
    this.lastError = sessionExpiredForQueue;
    this.parts.session.expire();
  }

  signedIn(): void {
    this.needsSignIn = false;
    this.lastError = null;
    this.countAwaitingOthers();
    this.emit();
  }

  operatorId(): string | null {
    return this.parts.session.operatorId();
  }

  /** Counts again what waits for other operators (after a drain, a sign-in or a sign-out). */
  countAwaitingOthers(): void {
    // (A probe may answer after the engine stopped and the store closed.)
    if (this.stopped) return;
    this.awaitingOthers = this.parts.outbox.awaitingOthers(this.parts.session.operatorId());
  }

  /** The token to send with, or null when there is none (or the last one was refused). */
  token(): string | null {
    return this.needsSignIn ? null : this.parts.session.currentToken();
  }

  /**
   * Publishes `sync.status` when anything a person would see has changed, at most
   * every 100 ms (a drain of thousands would otherwise count the outbox thousands of times).
   */
  emit(): void {
    if (this.stopped) return;
    const since = performance.now() - this.lastEmitAt;
    if (since >= 100) {
      this.emitNow();
    } else if (!this.emitTimer) {
      this.emitTimer = setTimeout(() => {
        this.emitTimer = null;
        this.emitNow();
      }, 100 - since);
    }
  }

  private emitNow(): void {
    if (this.stopped) return;
    this.lastEmitAt = performance.now();
    const status = this.status();
    const serialized = JSON.stringify(status);
    if (serialized === this.lastEmitted) return;
    this.lastEmitted = serialized;
    this.parts.events.publish({ name: 'sync.status', payload: status });
  }

  start(): void {
    this.stopped = false;
  }

  /** After this the store may be closed: nothing may touch it from a timer. */
  stop(): void {
    this.stopped = true;
    if (this.emitTimer) clearTimeout(this.emitTimer);
    this.emitTimer = null;
  }
}
