import { maxIdentificationBatch } from '../../../shared/contract/central-api';
import type { LookupResult, SyncProblem, SyncStatus } from '../../../shared/contract/sync';
import type { AuditLog } from '../audit/audit-log';
import type { EventHub } from '../events';
import type { IdentificationsRepository } from '../identification/identifications-repository';
import type { Logger } from '../log';
import { ErasureGuard } from '../requests/erasure-guard';
import type { RequestsRepository } from '../requests/requests-repository';
import type { LocalStore } from '../store/database';
import type { CentralClient } from './central-client';
import { RequestLookup } from './lookup';
import type { OutboxEntry, OutboxRepository } from './outbox-repository';
import { describeProblem } from './problems';
import { ChangesPull } from './pull';
import { OutboxDrain } from './push';
import { SyncStatusTracker, type SessionTokenSource } from './status';
import type { SyncStateRepository } from './sync-state-repository';
import { pageWriter, type PageWriter } from './page-writer';

export type { SessionTokenSource } from './status';

/**
 * Sync with the central service, by job: push (the outbox, exactly once), pull (the
 * requests cache), lookup (one applicant, online first) and status (what a person
 * sees). The engine runs them on enqueue, on timers, and when connectivity returns.
 * Device clocks schedule retries; they decide nothing else.
 */
export interface SyncEngineOptions {
  store: LocalStore;
  client: CentralClient;
  session: SessionTokenSource;
  events: EventHub;
  logger: Logger;
  outbox: OutboxRepository;
  requests: RequestsRepository;
  state: SyncStateRepository;
  identifications: IdentificationsRepository;
  /** Handling a problem is audited in the same transaction. */
  audit: AuditLog;
  now?: () => number;
  random?: () => number;
  backoff?: { baseMs: number; capMs: number };
  pageSize?: number;
  /** Outcomes per call to the service (at most the contract's batch limit). */
  batchSize?: number;
  /** Pull every so often while running (ms). */
  pullIntervalMs?: number;
  /** Probe the service this often while offline (ms). */
  probeIntervalMs?: number;
  /** Anchors the audit head with the service: after every push, and at least daily (checked after pulls). */
  anchors?: { anchor(token: string, reason: 'push' | 'daily'): Promise<void> };
  /** Pulled pages written on a thread of their own (its script, the store's key); absent: on this thread's connection. */
  writerThread?: { entry: URL | string; key: Uint8Array };
}

export class SyncEngine {
  readonly outbox: OutboxRepository;
  readonly requests: RequestsRepository;
  readonly state: SyncStateRepository;
  /** Pulled pages and lookups fetched before an erasure do not bring the applicant back (the erasure tells it). */
  readonly erasures: ErasureGuard;
  private readonly tracker: SyncStatusTracker;
  private readonly writer: PageWriter;
  private readonly drain: OutboxDrain;
  private readonly puller: ChangesPull;
  private readonly finder: RequestLookup;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private anchoring: Promise<void> | null = null;
  private running = false;
  private readonly probeIntervalMs: number;

  constructor(private readonly options: SyncEngineOptions) {
    const now = options.now ?? Date.now;
    const running = () => this.running;
    const probeIntervalMs = (this.probeIntervalMs = options.probeIntervalMs ?? 10_000);
    const { store, client, logger, outbox, requests, state } = options;
    const erasures = (this.erasures = new ErasureGuard(store));
    this.outbox = outbox;
    this.requests = requests;
    this.state = state;
    this.tracker = new SyncStatusTracker({
      outbox,
      requests,
      state,
      events: options.events,
      session: options.session,
      now,
      onReturn: () => {
        if (!this.running) return;
        // Connectivity is back: drain and refresh.
        this.kick();
        void this.pull();
      },
    });
    const status = this.tracker;
    this.drain = new OutboxDrain({
      store,
      client,
      outbox,
      requests,
      state,
      status,
      logger,
      now,
      random: options.random ?? Math.random,
      backoff: options.backoff ?? { baseMs: 1000, capMs: 5 * 60_000 },
      batchSize: Math.min(options.batchSize ?? maxIdentificationBatch, maxIdentificationBatch),
      running,
      onPushed: () => this.anchor('push'),
    });
    const writer = (this.writer = pageWriter({ store, requests, state }, logger, options.writerThread));
    const pageSize = options.pageSize ?? 500;
    this.puller = new ChangesPull({ store, client, requests, erasures, state, status, logger, now, writer, pageSize });
    this.finder = new RequestLookup({ store, client, requests, erasures, state, status, now, probeIntervalMs, running });
  }

  /** Recovers rows a crash left `sending`, then starts the timers. */
  start(): void {
    this.tracker.start();
    const recovered = this.outbox.recoverSending();
    if (recovered > 0) this.options.logger.info('sync.recovered-sending', { count: recovered });
    this.running = true;
    const every = (ms: number | undefined, task: () => void) => {
      if (!ms) return;
      const loop = () => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!this.running) return;
          task();
          loop();
        }, ms);
        this.timers.add(timer);
      };
      loop();
    };
    every(this.options.pullIntervalMs, () => void this.pull());
    every(this.probeIntervalMs, () => {
      if (!this.tracker.online) void this.probe();
    });
    this.kick();
    void this.pull();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.tracker.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([this.drain.stop(), this.puller.stop()]);
    await Promise.allSettled([this.anchoring]);
    // Its thread's connection closed before the store is.
    await this.writer.close();
  }

  status(): SyncStatus {
    return this.tracker.status();
  }

  /** A new sign-in succeeded: resume sending. */
  signedIn(): void {
    this.tracker.signedIn();
    if (this.running) {
      this.kick();
      void this.pull();
    }
  }

  async probe(): Promise<boolean> {
    const result = await this.options.client.health();
    if (result.ok) this.tracker.reachable();
    else if (result.failure.kind === 'network') this.tracker.unreachable(result.failure);
    // (An offline sign-in probes: what waits for other operators is counted for the one now at the desk.)
    this.tracker.countAwaitingOthers();
    this.tracker.emit();
    return result.ok;
  }

  // --- push ----------------------------------------------------------------------

  /** Asks for a drain soon; concurrent calls fold into one running drain. */
  kick(): void {
    this.drain.kick();
  }

  /** Drains everything due now; resolves when the queue has nothing due. */
  push(): Promise<void> {
    return this.drain.push();
  }

  /** Sends waiting rows now (all, or one dead/waiting row by op id). */
  retryNow(opId?: string): number {
    const count = this.drain.retryNow(opId);
    if (!this.tracker.online) void this.probe();
    return count;
  }

  // --- pull and lookup -------------------------------------------------------------

  async pull(): Promise<void> {
    await this.puller.pull();
    if (this.tracker.online) this.anchor('daily');
  }

  private anchor(reason: 'push' | 'daily'): void {
    const token = this.tracker.token();
    if (!token || !this.running || !this.options.anchors) return;
    const task = this.options.anchors.anchor(token, reason);
    this.anchoring = task;
    void task.finally(() => {
      if (this.anchoring === task) this.anchoring = null;
    });
  }

  /** Online first when reachable, else the cache; says which. `canonical` is a canonical fiscal code. */
  lookup(canonical: string): Promise<LookupResult> {
    return this.finder.lookup(canonical);
  }

  // --- problems ----------------------------------------------------------------------

  problems(): SyncProblem[] {
    return this.outbox.problems().map((entry) => this.describe(entry));
  }

  /** The Problems screen reads them (applicants' fiscal codes among them): audited. */
  readProblems(operatorId: string | null): SyncProblem[] {
    const problems = this.problems();
    this.options.audit.append('view-problems', { operatorId, subject: String(problems.length) });
    return problems;
  }

  describe(entry: OutboxEntry): SyncProblem {
    return describeProblem(entry, this.options.identifications.get(entry.identificationId));
  }

  /** An operator dealt with a problem (their note says how); false when there is no such open problem. */
  markHandled(opId: string, note: string, operatorId: string | null): boolean {
    const done = this.options.store.inTransaction(() => {
      if (!this.outbox.markHandled(opId, note)) return false;
      this.options.audit.append('problem-handled', { operatorId, subject: opId });
      return true;
    });
    this.tracker.emit();
    return done;
  }
}
