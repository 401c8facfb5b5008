import type { EnablementRequest } from '../../../shared/contract/central-api';
import type { RequestsRepository } from '../requests/requests-repository';
import type { Logger } from '../log';
import type { LocalStore } from '../store/database';
import type { CentralClient, CentralFailure } from './central-client';
import { payloadHash, type OutboxEntry, type OutboxRepository } from './outbox-repository';
import { describeFailure, drainInterrupted, type DeadCode } from './problems';
import type { SyncStatusTracker } from './status';
import type { SyncStateRepository } from './sync-state-repository';

export interface OutboxDrainParts {
  store: LocalStore;
  client: CentralClient;
  outbox: OutboxRepository;
  requests: RequestsRepository;
  state: SyncStateRepository;
  status: SyncStatusTracker;
  logger: Logger;
  now: () => number;
  random: () => number;
  backoff: { baseMs: number; capMs: number };
  /** Outcomes sent in one call (each with its own key; at most one per request). */
  batchSize: number;
  /** Whether the engine runs (timers may be set). */
  running: () => boolean;
  /** After a drain that the service acknowledged something in (the audit head is anchored then). */
  onPushed?: () => void;
}

/** A batch claimed (marked `sending`) and the token it goes with. */
interface ClaimedBatch {
  token: string;
  entries: OutboxEntry[];
}

type SubmitResult = Awaited<ReturnType<CentralClient['submitIdentification']>>;

/** A client error on the batch call itself (not sign-in, not a timeout or a rate limit): no outcome was judged. */
const callRefused = (status: number) => status >= 400 && status < 500 && ![401, 403, 408, 429].includes(status);

/** What the single endpoint would have answered for one entry of a batch. */
function entryResult(batch: Awaited<ReturnType<CentralClient['submitIdentifications']>>, opId: string): SubmitResult {
  if (!batch.ok) return batch;
  const item = batch.value.get(opId)!;
  return item.ok
    ? { ok: true, value: item.answer, status: 200 }
    : { ok: false, failure: { kind: 'http', status: item.status, code: item.code, retryAfterMs: null } };
}

/**
 * Drains the outbox exactly once: every outcome carries its op id as Idempotency-Key,
 * the payload never changes, and the server replays its first answer for a key.
 * Transient faults wait with exponential backoff and full jitter (never sooner than
 * Retry-After); permanent ones park the row as `dead` with its reason.
 */
export class OutboxDrain {
  private pausedUntil = 0;
  /** Calls the service refused in a row as overloaded or failing (429, 408, 5xx): the queue's backoff. */
  private troubleInARow = 0;
  private pushing: Promise<void> | null = null;
  private pushAgain = false;
  private wakeTimer: ReturnType<typeof setTimeout> | null = null;
  /** Drains the store failed in a row, and when the next goes (their backoff). */
  private storeFailuresInARow = 0;
  private retryStoreAt: number | null = null;

  constructor(private readonly parts: OutboxDrainParts) {}

  /** Asks for a drain soon; concurrent calls fold into one running drain. */
  kick(): void {
    if (this.pushing) {
      this.pushAgain = true;
      return;
    }
    // A drain that fails on the store (a full disk writing an answer) is logged, never left
    // as an unhandled rejection of a timer's kick, and tried again after a backoff: the next
    // drain takes the rows this one left `sending` back first (no write is needed now, when
    // the store has just refused one), and sends them again with their keys.
    const drained = this.drain().then(
      () => {
        this.storeFailuresInARow = 0;
        this.retryStoreAt = null;
      },
      (error: unknown) => this.drainFailed(error),
    );
    this.pushing = drained.finally(() => {
      this.pushing = null;
      if (this.pushAgain && this.parts.running()) {
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

  /** Sends waiting rows now (all, or one dead/waiting row by op id). */
  retryNow(opId?: string): number {
    this.pausedUntil = 0;
    const count = this.parts.outbox.retryNow(opId);
    this.kick();
    return count;
  }

  async stop(): Promise<void> {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    await Promise.allSettled([this.pushing]);
  }

  private drainFailed(error: unknown): void {
    const { logger, status, now } = this.parts;
    logger.error('sync.drain-failed', { error: (error as { code?: string }).code ?? (error as Error).name });
    this.storeFailuresInARow++;
    this.retryStoreAt = now() + this.retryDelay(this.storeFailuresInARow, null);
    status.lastError = drainInterrupted;
    try {
      status.emit();
    } catch {
      // The status reads the store: it says so at its next emit.
    }
  }

  private scheduleWake(): void {
    if (!this.parts.running()) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    const at = Math.max(Math.min(this.parts.outbox.nextWakeAt() ?? Infinity, this.retryStoreAt ?? Infinity), this.pausedUntil);
    if (!Number.isFinite(at)) return;
    const delay = Math.max(0, Math.min(at - this.parts.now(), 2 ** 31 - 1));
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.kick();
    }, delay);
  }

  private retryDelay(attempts: number, retryAfterMs: number | null): number {
    // Exponential backoff with full jitter, capped; never sooner than Retry-After.
    const { baseMs, capMs } = this.parts.backoff;
    const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));
    return Math.max(Math.floor(this.parts.random() * ceiling), retryAfterMs ?? 0);
  }

  private async drain(): Promise<void> {
    const { status, now } = this.parts;
    let answered = false;
    // A batch goes out in one call: claimed (marked `sending`), sent, answered. A crash in
    // between re-sends the batch with the same keys. One drain runs at a time: a row found
    // `sending` now was left by a drain the store failed, and goes again first.
    // Two batches are on the wire at once (#20, drain), once the service has taken an
    // outcome of this drain (answered it, accepted or not): while one waits for its answer
    // the next is already sent, so the desk records an answer while the service works on the
    // next call, not in turn. A drain begins with one call (a service away or in trouble from
    // the start gets one call per wake-up). Order holds: a claim never takes an outcome
    // behind an earlier one of its operator for its request still `sending`; that one goes
    // once the earlier one is answered.
    const onTheWire: Array<{ token: string; entries: OutboxEntry[]; answers: Promise<SubmitResult[]> }> = [];
    const send = (batch: ClaimedBatch) => {
      const answers = this.submit(batch.token, batch.entries);
      // Awaited in its turn; until then a failure of the call is not an unhandled rejection.
      answers.catch(() => undefined);
      onTheWire.push({ token: batch.token, entries: batch.entries, answers });
    };
    const first = this.parts.store.inTransaction(
      () => {
        this.parts.outbox.recoverSending();
        return this.claimNext();
      },
      { durable: false },
    );
    if (first) send(first);
    let stop = false;
    // The service refused a call of this drain as overloaded or failing, and what the status
    // said of it: a call already on the wire then, answered after, neither counts as a second
    // refusal in a row nor clears the reason the queue waits.
    let troubled = false;
    let troubleError: string | null = null;
    try {
      while (onTheWire.length > 0) {
        status.emit();
        const { token, entries, answers } = onTheWire.shift()!;
        const results = await answers;
        answered ||= results.some((result) => result.ok);
        // A service in trouble pauses the whole queue, with one backoff per call refused in a
        // row (sending the other outcomes meanwhile would only add to its load), never sooner
        // than the longest Retry-After its answers asked for, capped at an hour.
        const troubles = results.flatMap((result) => (result.ok ? [] : [inTrouble(result.failure)].filter((found) => found !== null)));
        let troubleDelay = 0;
        if (troubles.length > 0) {
          if (!troubled) this.troubleInARow++;
          troubled = true;
          const retryAfterMs = Math.max(...troubles.map((failure) => Math.min(failure.retryAfterMs ?? 0, maxRetryAfterMs)));
          troubleDelay = this.retryDelay(this.troubleInARow, retryAfterMs || null);
          this.pausedUntil = Math.max(this.pausedUntil, now() + troubleDelay);
        } else if (answered && !troubled) this.troubleInARow = 0;
        stop ||= troubles.length > 0;
        // The answers, and the next batches claimed, in one transaction: one commit per batch
        // (the rows answered and the rows claimed share pages). Not waiting for the disk: an
        // answer lost to a power cut leaves its row to be sent again with its key, and the
        // service replays the answer. Once the drain stops (the service away or in trouble, a
        // sign-in needed), nothing more is claimed; the batch still on the wire is recorded.
        const recorded = this.parts.store.inTransaction(
          (): { claimed?: ClaimedBatch[]; claimError?: unknown } => {
            // The requests as the service now has them, written once per batch.
            const requests: EnablementRequest[] = [];
            entries.forEach((entry, index) => {
              if (this.recordResult(token, entry, results[index]!, requests, troubleDelay)) stop = true;
            });
            if (requests.length > 0) {
              this.parts.requests.upsert(requests);
              this.parts.state.set('lastPushAt', new Date(now()).toISOString());
            }
            if (stop) return {};
            // The claims in a savepoint of their own: a claim the store refuses leaves the
            // answers to commit, and fails the drain after (tried again after a backoff).
            try {
              return {
                claimed: this.parts.store.inTransaction(
                  () => {
                    const claimed: ClaimedBatch[] = [];
                    const lanes = answered ? batchesOnTheWire - onTheWire.length : 1;
                    for (let batch = this.claimNext(); batch; batch = claimed.length < lanes ? this.claimNext() : null) claimed.push(batch);
                    return claimed;
                  },
                  { durable: false },
                ),
              };
            } catch (claimError) {
              return { claimError };
            }
          },
          { durable: false },
        );
        if (troubles.length > 0 && troubleError === null) troubleError = status.lastError;
        else if (troubleError !== null && status.lastError === null) status.lastError = troubleError;
        if ('claimError' in recorded) throw recorded.claimError;
        // Sent once their claim is committed.
        recorded.claimed?.forEach(send);
      }
    } finally {
      // A drain the store failed ends only once nothing of it is on the wire: the next drain
      // sends those rows again (they stay `sending`), never while their first call is out.
      await Promise.allSettled(onTheWire.map((batch) => batch.answers));
    }
    status.countAwaitingOthers();
    status.emit();
    if (answered) this.parts.onPushed?.();
  }

  /** The next batch due now, claimed (in the caller's transaction); null when there is none or the drain must wait. */
  private claimNext(): ClaimedBatch | null {
    const { outbox, status, now } = this.parts;
    for (;;) {
      if (now() < this.pausedUntil) return null;
      const token = status.token();
      const operatorId = status.operatorId();
      if (!token || !operatorId) {
        if (outbox.nextDue(now())) status.needsSignIn = true;
        return null;
      }
      const claimed = outbox.claimDue(now(), this.parts.batchSize, operatorId);
      const entries = claimed.filter((entry) => this.intact(entry));
      if (entries.length > 0) return { token, entries };
      // Nothing to send now (a row due may wait behind an earlier one for its request).
      if (claimed.length === 0) return null;
      // Every row claimed was corrupt (parked as dead): the next ones.
    }
  }

  /**
   * Sends a batch in one call. A service that refuses the call itself with a client error
   * (an older one without the batch endpoint: 404; a body over its limit: 413; 400) has
   * not judged any outcome: each goes on its own then, and gets its own answer, rather
   * than all being parked for what the call was refused for.
   */
  private async submit(token: string, batch: OutboxEntry[]): Promise<SubmitResult[]> {
    const { client, logger } = this.parts;
    const sent = await client.submitIdentifications(token, batch);
    if (!sent.ok && sent.failure.kind === 'http' && callRefused(sent.failure.status)) {
      logger.warn('sync.batch-refused', { status: sent.failure.status, code: sent.failure.code, entries: batch.length });
      return Promise.all(batch.map((entry) => client.submitIdentification(token, entry.opId, entry.payload)));
    }
    return batch.map((entry) => entryResult(sent, entry.opId));
  }

  /** A stored payload that no longer matches its hash is never sent. */
  private intact(entry: OutboxEntry): boolean {
    if (payloadHash(entry.payload) === entry.payloadHash) return true;
    this.parts.outbox.markDead(entry.opId, 'payload-corrupt' satisfies DeadCode, 'payload hash mismatch');
    this.parts.logger.error('sync.payload-corrupt', { opId: entry.opId });
    return false;
  }

  /** Records one answer (inside the caller's transaction); returns true when the drain should stop for now. */
  private recordResult(
    token: string,
    entry: OutboxEntry,
    result: SubmitResult,
    answered: EnablementRequest[],
    troubleDelay: number,
  ): boolean {
    const { outbox, status, now } = this.parts;
    const attempts = entry.attempts;
    if (result.ok) {
      status.reachable();
      const answer = result.value;
      const kept = JSON.stringify({ status: answer.status, code: answer.code, version: answer.request.version });
      if (answer.status === 'accepted') outbox.markAcked(entry.opId, kept);
      else outbox.markConflict(entry.opId, answer.code, kept);
      answered.push(answer.request);
      status.lastError = null;
      this.parts.logger.info('sync.pushed', { opId: entry.opId, status: answer.status, code: answer.code, attempts });
      return false;
    }
    const failure = result.failure;
    if (failure.kind === 'network') {
      status.unreachable(failure);
      outbox.markRetry(entry.opId, now() + this.retryDelay(attempts, null), describeFailure(failure));
      return true; // the service is gone: wait for the timer or the probe
    }
    status.reachable();
    if (failure.kind === 'invalid-response') {
      // A cut or garbled answer: the same key will replay the stored one.
      outbox.markRetry(entry.opId, now() + this.retryDelay(attempts, null), describeFailure(failure));
      status.lastError = describeFailure(failure);
      return false;
    }
    if (failure.status === 401) {
      outbox.markPending(entry.opId, describeFailure(failure));
      // A call sent with a token the person has since replaced (signed in again while it was
      // on the wire) does not end the new session.
      const current = status.token();
      if (current === null || current === token) status.unauthorized();
      return true;
    }
    if (inTrouble(failure)) {
      // The call's backoff (the queue waits as long), never sooner than Retry-After.
      outbox.markRetry(entry.opId, now() + troubleDelay, describeFailure(failure));
      status.lastError = describeFailure(failure);
      return true;
    }
    // Anything else is permanent: park it as dead with its reason, go on with the others.
    const code: DeadCode =
      failure.status === 404
        ? 'request-not-found'
        : ((['idempotency-key-reused', 'not-permitted', 'identity-mismatch'] as const).find((known) => known === failure.code) ??
          'rejected');
    outbox.markDead(entry.opId, code, describeFailure(failure));
    this.parts.logger.warn('sync.dead', { opId: entry.opId, status: failure.status, code });
    return false;
  }
}

/** Batch calls a drain keeps on the wire at once (#20, drain). */
const batchesOnTheWire = 2;

/** The longest Retry-After honoured (the service's own limit is an hour). */
const maxRetryAfterMs = 3_600_000;

/** The service refused the call as overloaded or failing: the failure, with its Retry-After; else null. */
function inTrouble(failure: CentralFailure): (CentralFailure & { kind: 'http' }) | null {
  if (failure.kind !== 'http') return null;
  return failure.status === 429 || failure.status === 408 || failure.status >= 500 ? failure : null;
}
