import type { ConflictCode, EnablementRequest } from '../../../shared/contract/central-api';
import type { LookupResult, SyncProblem, SyncStatus } from '../../../shared/contract/sync';
import type { LocalStore } from '../db/database';
import type { EventHub } from '../events';
import type { Logger } from '../log';
import { OutboxRepository, payloadHash, type OutboxEntry } from '../store/outbox-repository';
import { RequestsRepository } from '../store/requests-repository';
import { SyncStateRepository } from '../store/sync-state-repository';
import type { CentralClient, CentralFailure } from './central-client';

/**
 * Keeps the local cache in step with the central service and drains the outbox exactly
 * once: every outcome carries its op id as Idempotency-Key, the payload never changes,
 * and the server replays its first answer for a key. Runs on enqueue, on a timer, and
 * when connectivity returns. Device clocks schedule retries; they decide nothing else.
 */

export interface SessionTokenSource {
  token(): string | null;
  /** The central service refused the token: a new sign-in is needed. */
  unauthorized(): void;
}

export interface SyncEngineOptions {
  store: LocalStore;
  client: CentralClient;
  session: SessionTokenSource;
  events: EventHub;
  logger: Logger;
  now?: () => number;
  random?: () => number;
  backoff?: { baseMs: number; capMs: number };
  pageSize?: number;
  /** Outcomes in flight at once (each with its own key; at most one per request). */
  concurrency?: number;
  /** Pull every so often while running (ms). */
  pullIntervalMs?: number;
  /** Probe the service this often while offline (ms). */
  probeIntervalMs?: number;
  lookupTimeoutMs?: number;
}

export const conflictReasons: Record<ConflictCode, string> = {
  'already-enabled':
    'Il richiedente risultava già abilitato quando la conferma è arrivata al servizio centrale: nessuna azione necessaria sulla richiesta.',
  'request-annulled':
    'La richiesta è stata annullata sul servizio centrale prima che la conferma arrivasse: il richiedente deve presentare una nuova richiesta.',
  'request-expired':
    'La richiesta era scaduta quando la conferma è arrivata al servizio centrale: il richiedente deve presentarne una nuova.',
  'code-not-confirmed':
    'Il richiedente non aveva ancora confermato il codice personale temporaneo: deve farlo online, poi va identificato di nuovo.',
  'identification-not-required': 'Per questa richiesta il servizio centrale non richiede l’identificazione in presenza.',
  'stale-version':
    'La richiesta è cambiata sul servizio centrale dopo i controlli allo sportello (ad esempio il documento dichiarato): ricontrollarla e ripetere l’identificazione.',
};

const deadReasons: Record<string, string> = {
  'request-not-found': 'Il servizio centrale non conosce questa richiesta.',
  'idempotency-key-reused': 'Il servizio centrale ha già ricevuto un esito diverso con lo stesso identificativo: contattare l’assistenza.',
  'payload-corrupt': 'I dati dell’esito salvati sul computer risultano alterati: non sono stati inviati. Contattare l’assistenza.',
  rejected: 'Il servizio centrale ha rifiutato i dati dell’esito come non validi.',
};

function describeFailure(failure: CentralFailure): string {
  switch (failure.kind) {
    case 'network':
      return 'Servizio centrale non raggiungibile.';
    case 'invalid-response':
      return `Risposta del servizio centrale non leggibile (HTTP ${failure.status}).`;
    case 'http':
      if (failure.status === 429) return 'Il servizio centrale chiede di riprovare più tardi (troppe richieste).';
      if (failure.status >= 500) return `Errore temporaneo del servizio centrale (HTTP ${failure.status}).`;
      if (failure.status === 401) return 'Sessione scaduta: accedere di nuovo.';
      return `Il servizio centrale ha risposto con un errore (HTTP ${failure.status}, ${failure.code}).`;
  }
}

export class SyncEngine {
  readonly outbox: OutboxRepository;
  readonly requests: RequestsRepository;
  readonly state: SyncStateRepository;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly backoff: { baseMs: number; capMs: number };
  private readonly pageSize: number;
  private readonly concurrency: number;
  private online = false;
  /** When the central service last failed to answer (device clock, scheduling only). */
  private unreachableAt: number | null = null;
  private needsSignIn = false;
  private lastError: string | null = null;
  private lastSuccessAt: string | null = null;
  private pausedUntil = 0;
  private pushing: Promise<void> | null = null;
  private pushAgain = false;
  private pulling: Promise<void> | null = null;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private wakeTimer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  /** After stop(): the store may be closed, nothing may touch it from a timer. */
  private stopped = false;
  private lastEmitted = '';
  private lastEmitAt = -Infinity;
  private emitTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: SyncEngineOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? { baseMs: 1000, capMs: 5 * 60_000 };
    this.pageSize = options.pageSize ?? 500;
    this.concurrency = options.concurrency ?? 64;
    const nowIso = () => new Date(this.now()).toISOString();
    this.outbox = new OutboxRepository(options.store, nowIso);
    this.requests = new RequestsRepository(options.store);
    this.state = new SyncStateRepository(options.store);
  }

  /** Recovers rows a crash left `sending`, then starts the timers. */
  start(): void {
    this.stopped = false;
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
    every(this.options.probeIntervalMs ?? 10_000, () => {
      if (!this.online) void this.probe();
    });
    this.kick();
    void this.pull();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    await Promise.allSettled([this.pushing, this.pulling]);
    if (this.emitTimer) clearTimeout(this.emitTimer);
    this.emitTimer = null;
  }

  // --- status --------------------------------------------------------------------

  status(): SyncStatus {
    const counts = this.outbox.counts();
    return {
      online: this.online,
      pending: counts.pending + counts.sending + counts.retryWait,
      problems: counts.problems,
      lastSuccessAt: this.lastSuccessAt,
      lastPullAt: this.state.get('lastPullAt'),
      lastPushAt: this.state.get('lastPushAt'),
      needsSignIn: this.needsSignIn,
      lastError: this.lastError,
      cachedRequests: this.requests.count(),
    };
  }

  /**
   * Publishes `sync.status` when anything a person would see has changed, at most
   * every 100 ms (a drain of thousands would otherwise count the outbox thousands of times).
   */
  private emitStatus(): void {
    if (this.stopped) return;
    const since = performance.now() - this.lastEmitAt;
    if (since >= 100) {
      this.emitStatusNow();
    } else if (!this.emitTimer) {
      this.emitTimer = setTimeout(() => {
        this.emitTimer = null;
        this.emitStatusNow();
      }, 100 - since);
    }
  }

  private emitStatusNow(): void {
    if (this.stopped) return;
    this.lastEmitAt = performance.now();
    const status = this.status();
    const serialized = JSON.stringify(status);
    if (serialized === this.lastEmitted) return;
    this.lastEmitted = serialized;
    this.options.events.publish({ name: 'sync.status', payload: status });
  }

  private reachable(): void {
    const wasOffline = !this.online;
    this.online = true;
    this.unreachableAt = null;
    this.lastSuccessAt = new Date(this.now()).toISOString();
    if (wasOffline && this.running) {
      // Connectivity is back: drain and refresh.
      this.kick();
      void this.pull();
    }
  }

  private unreachable(failure: CentralFailure): void {
    this.online = false;
    this.unreachableAt = this.now();
    this.lastError = describeFailure(failure);
  }

  private unauthorized(): void {
    this.needsSignIn = true;
    this.lastError = 'Sessione scaduta: accedere di nuovo per inviare gli esiti in coda.';
    this.options.session.unauthorized();
  }

  /** A new sign-in succeeded: resume sending. */
  signedIn(): void {
    this.needsSignIn = false;
    this.lastError = null;
    this.emitStatus();
    if (this.running) {
      this.kick();
      void this.pull();
    }
  }

  async probe(): Promise<boolean> {
    const result = await this.options.client.health();
    if (result.ok) this.reachable();
    else if (result.failure.kind === 'network') this.unreachable(result.failure);
    this.emitStatus();
    return result.ok;
  }

  // --- push ----------------------------------------------------------------------

  /** Asks for a drain soon; concurrent calls fold into one running drain. */
  kick(): void {
    if (this.pushing) {
      this.pushAgain = true;
      return;
    }
    this.pushing = this.drain().finally(() => {
      this.pushing = null;
      if (this.pushAgain && this.running) {
        this.pushAgain = false;
        this.kick();
      } else {
        this.scheduleWake();
      }
    });
  }

  /** Drains everything due now; resolves when the queue has nothing due. */
  async push(): Promise<void> {
    this.kick();
    while (this.pushing) await this.pushing;
  }

  private scheduleWake(): void {
    if (!this.running) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    const at = Math.max(this.outbox.nextWakeAt() ?? Infinity, this.pausedUntil);
    if (!Number.isFinite(at)) return;
    const delay = Math.max(0, Math.min(at - this.now(), 2 ** 31 - 1));
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.kick();
    }, delay);
  }

  private retryDelay(attempts: number, retryAfterMs: number | null): number {
    // Exponential backoff with full jitter, capped; never sooner than Retry-After.
    const ceiling = Math.min(this.backoff.capMs, this.backoff.baseMs * 2 ** Math.max(0, attempts - 1));
    return Math.max(Math.floor(this.random() * ceiling), retryAfterMs ?? 0);
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.now() < this.pausedUntil) break;
      const token = this.options.session.token();
      if (!token || this.needsSignIn) {
        if (this.outbox.nextDue(this.now())) this.needsSignIn = true;
        break;
      }
      // A batch goes out concurrently: claimed (marked `sending`) in one transaction,
      // answered in another. A crash in between re-sends the batch with the same keys.
      const batch = this.outbox.claimDue(this.now(), this.concurrency).filter((entry) => this.intact(entry));
      if (batch.length === 0) {
        if (!this.outbox.nextDue(this.now())) break;
        continue;
      }
      this.emitStatus();
      const results = await Promise.all(batch.map((entry) => this.options.client.submitIdentification(token, entry.opId, entry.payload)));
      let stop = false;
      const record = this.options.store.sqlite.transaction(() => {
        batch.forEach((entry, index) => {
          if (this.recordResult(entry, results[index]!)) stop = true;
        });
      });
      record.immediate();
      this.emitStatus();
      if (stop) break;
    }
    this.emitStatus();
  }

  /** A stored payload that no longer matches its hash is never sent. */
  private intact(entry: OutboxEntry): boolean {
    if (payloadHash(entry.payload) === entry.payloadHash) return true;
    this.outbox.markDead(entry.opId, 'payload-corrupt', 'payload hash mismatch');
    this.options.logger.error('sync.payload-corrupt', { opId: entry.opId });
    return false;
  }

  /** Records one answer (inside the caller's transaction); returns true when the drain should stop for now. */
  private recordResult(entry: OutboxEntry, result: Awaited<ReturnType<CentralClient['submitIdentification']>>): boolean {
    const attempts = entry.attempts;
    if (result.ok) {
      this.reachable();
      const answer = result.value;
      if (answer.status === 'accepted') this.outbox.markAcked(entry.opId, JSON.stringify(answer));
      else this.outbox.markConflict(entry.opId, answer.code, JSON.stringify(answer));
      this.requests.upsert([answer.request]);
      this.state.set('lastPushAt', new Date(this.now()).toISOString());
      this.lastError = null;
      this.options.logger.info('sync.pushed', { opId: entry.opId, status: answer.status, code: answer.code, attempts });
      return false;
    }
    const failure = result.failure;
    if (failure.kind === 'network') {
      this.unreachable(failure);
      this.outbox.markRetry(entry.opId, this.now() + this.retryDelay(attempts, null), describeFailure(failure));
      return true; // the service is gone: wait for the timer or the probe
    }
    this.reachable();
    if (failure.kind === 'invalid-response') {
      // A cut or garbled answer: the same key will replay the stored one.
      this.outbox.markRetry(entry.opId, this.now() + this.retryDelay(attempts, null), describeFailure(failure));
      this.lastError = describeFailure(failure);
      return false;
    }
    if (failure.status === 401) {
      this.outbox.markPending(entry.opId, describeFailure(failure));
      this.unauthorized();
      return true;
    }
    if (failure.status === 429 || failure.status === 408 || failure.status >= 500) {
      const delay = this.retryDelay(attempts, failure.retryAfterMs);
      this.outbox.markRetry(entry.opId, this.now() + delay, describeFailure(failure));
      this.lastError = describeFailure(failure);
      if (failure.status === 429) {
        // Honour Retry-After for the whole queue, not just this row.
        this.pausedUntil = Math.max(this.pausedUntil, this.now() + (failure.retryAfterMs ?? delay));
        return true;
      }
      return false;
    }
    // Anything else is permanent: park it as dead with its reason, go on with the others.
    const code =
      failure.status === 404 ? 'request-not-found' : failure.code === 'idempotency-key-reused' ? 'idempotency-key-reused' : 'rejected';
    this.outbox.markDead(entry.opId, code, describeFailure(failure));
    this.options.logger.warn('sync.dead', { opId: entry.opId, status: failure.status, code });
    return false;
  }

  // --- pull ----------------------------------------------------------------------

  /** Pulls changes in pages; each page and its cursor land in one transaction. */
  pull(): Promise<void> {
    this.pulling ??= this.pullPages().finally(() => {
      this.pulling = null;
      this.emitStatus();
    });
    return this.pulling;
  }

  private async pullPages(): Promise<void> {
    let restarts = 0;
    const token = this.options.session.token();
    if (!token || this.needsSignIn) return;
    let refetching = this.state.get('refetching') === '1';
    let next = this.options.client.changes(token, refetching ? this.state.get('refetchCursor') : this.state.get('cursor'), this.pageSize);
    for (;;) {
      const result = await next;
      if (!result.ok) {
        const failure = result.failure;
        if (failure.kind === 'network') return this.unreachable(failure);
        this.reachable();
        if (failure.kind === 'http' && failure.status === 410) {
          // Unknown or too old a cursor: fetch everything into a fresh table, then swap.
          if (++restarts > 3) {
            this.lastError = 'Il servizio centrale rifiuta ripetutamente la sincronizzazione: riprovare più tardi.';
            return;
          }
          const restart = this.options.store.sqlite.transaction(() => {
            this.requests.clearRefetch();
            this.state.set('refetching', '1');
            this.state.set('refetchCursor', null);
          });
          restart.immediate();
          this.options.logger.info('sync.refetch');
          refetching = true;
          next = this.options.client.changes(token, null, this.pageSize);
          continue;
        }
        if (failure.kind === 'http' && failure.status === 401) return this.unauthorized();
        this.lastError = describeFailure(failure);
        return;
      }
      this.reachable();
      const page = result.value;
      // Ask for the next page while this one is written; its cursor is saved only with
      // the page itself, so a crash in between just fetches it again.
      if (page.hasMore) next = this.options.client.changes(token, page.nextCursor, this.pageSize);
      const inRefetch = refetching;
      const apply = this.options.store.sqlite.transaction(() => {
        this.requests.upsert(page.items, inRefetch ? 'enablement_requests_refetch' : 'enablement_requests');
        if (inRefetch) {
          this.state.set('refetchCursor', page.nextCursor);
          if (!page.hasMore) {
            this.requests.swapInRefetch();
            this.state.set('cursor', page.nextCursor);
            this.state.set('refetching', null);
            this.state.set('refetchCursor', null);
          }
        } else {
          this.state.set('cursor', page.nextCursor);
        }
        this.state.set('lastPullAt', page.serverTime);
        this.state.set('serverClockOffsetMs', String(Date.parse(page.serverTime) - this.now()));
      });
      apply.immediate();
      if (page.items.length > 0) this.emitStatus();
      if (!page.hasMore) return;
    }
  }

  // --- lookup ----------------------------------------------------------------------

  /** Online first when reachable, else the cache; says which. `canonical` is a canonical fiscal code. */
  /**
   * The service failed moments ago and the probe is watching for its return: a lookup
   * goes straight to the cache instead of waiting on the network again (with a
   * black-holed network, for the client's whole timeout) at every applicant.
   */
  private knownAway(): boolean {
    const probeIntervalMs = this.options.probeIntervalMs ?? 10_000;
    return this.running && !this.online && this.unreachableAt !== null && this.now() - this.unreachableAt < probeIntervalMs;
  }

  async lookup(canonical: string): Promise<LookupResult> {
    const token = this.options.session.token();
    if (token && !this.needsSignIn && !this.knownAway()) {
      const result = await this.options.client.lookup(token, canonical);
      if (result.ok) {
        this.reachable();
        const write = this.options.store.sqlite.transaction(() => this.requests.upsert(result.value.items));
        write.immediate();
        this.emitStatus();
        const items = this.requests.findByFiscalCode(canonical);
        return { source: 'online', asOf: result.value.serverTime, fiscalCode: canonical, items: newestFirst(items) };
      }
      if (result.failure.kind === 'network') this.unreachable(result.failure);
      else if (result.failure.kind === 'http' && result.failure.status === 401) this.unauthorized();
      this.emitStatus();
    }
    return {
      source: 'cache',
      asOf: this.state.get('lastPullAt'),
      fiscalCode: canonical,
      items: newestFirst(this.requests.findByFiscalCode(canonical)),
    };
  }

  // --- problems ----------------------------------------------------------------------

  problems(): SyncProblem[] {
    return this.outbox.problems().map((entry) => this.describeProblem(entry));
  }

  describeProblem(entry: OutboxEntry): SyncProblem {
    const identification = this.outbox.identification(entry.identificationId);
    const code = entry.problemCode ?? 'unknown';
    const reason =
      entry.state === 'conflict' ? (conflictReasons[code as ConflictCode] ?? code) : (deadReasons[code] ?? entry.lastError ?? code);
    return {
      opId: entry.opId,
      identificationId: entry.identificationId,
      requestId: identification?.requestId ?? '',
      fiscalCode: identification?.fiscalCode ?? '',
      outcome: identification?.outcome ?? 'confirmed',
      state: entry.state === 'conflict' ? 'conflict' : 'dead',
      code,
      reason,
      lastError: entry.lastError,
      attempts: entry.attempts,
      createdAt: identification?.createdAt ?? entry.updatedAt,
      updatedAt: entry.updatedAt,
      retryable: entry.state === 'dead',
    };
  }

  markHandled(opId: string, note: string): boolean {
    const done = this.outbox.markHandled(opId, note);
    this.emitStatus();
    return done;
  }

  /** Sends waiting rows now (all, or one dead/waiting row by op id). */
  retryNow(opId?: string): number {
    this.pausedUntil = 0;
    const count = this.outbox.retryNow(opId);
    this.kick();
    if (!this.online) void this.probe();
    return count;
  }

  requestFromCache(id: string): EnablementRequest | null {
    return this.requests.findById(id);
  }
}

function newestFirst(items: EnablementRequest[]): EnablementRequest[] {
  return [...items].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}
