import type { TrainingExercise } from '../../../shared/contract/central-api';
import type { AppMode } from '../../../shared/contract';
import { failures } from '../rpc/failures';
import type { SessionManager } from '../session/session-manager';
import type { CentralClient, CentralFailure, FetchFunction } from '../sync/central-client';
import type { SyncEngine } from '../sync/engine';

/**
 * The central service "down", on purpose: in training mode a trainee switches it on to
 * practise the desk offline (answers from the local copy, outcomes queued), and off to
 * watch the queue drain. Every call to the central service then fails as a network
 * failure would, at the desk's own edge. Never in production.
 */
export class SimulatedOutage {
  private on = false;
  constructor(private readonly mode: AppMode) {}

  get active(): boolean {
    return this.on;
  }

  set(on: boolean): boolean {
    if (this.mode !== 'training') throw failures.trainingOnly();
    this.on = on;
    return this.on;
  }

  /** A simulation is the trainee's: it ends when they sign out. */
  end(): void {
    this.on = false;
  }

  /** The fetch the central client uses: refused while the outage is simulated. */
  wrap(fetch: FetchFunction = (input, init) => globalThis.fetch(input, init)): FetchFunction {
    return (input, init) => (this.on ? Promise.reject(new TypeError('fetch failed (simulated outage)')) : fetch(input, init));
  }
}

export interface TrainingParts {
  mode: AppMode;
  client: CentralClient;
  session: SessionManager;
  outage: SimulatedOutage;
  /** The reset cases come back through the feed; the badge and the queue follow the outage. */
  sync: Pick<SyncEngine, 'pull' | 'probe' | 'retryNow' | 'push'>;
}

/**
 * Training exercises (#17, item 2): the practice cases the training service offers, each
 * with the synthetic specimens its applicant shows. The last list is kept in memory so
 * a kit still prints while the outage is simulated.
 */
export class TrainingExercises {
  private last: TrainingExercise[] = [];
  constructor(private readonly parts: TrainingParts) {}

  private token(): string {
    if (this.parts.mode !== 'training') throw failures.trainingOnly();
    const token = this.parts.session.currentToken();
    if (!token) throw failures.trainingOffline();
    return token;
  }

  private refused(failure: CentralFailure): never {
    if (failure.kind === 'network') throw failures.trainingOffline();
    if (failure.kind === 'http' && failure.status === 401) {
      this.parts.session.expire();
      throw failures.notSignedIn();
    }
    throw failures.centralRefused();
  }

  async list(): Promise<{ items: TrainingExercise[]; outage: boolean }> {
    if (this.parts.outage.active && this.last.length > 0) return { items: this.last, outage: true };
    const answer = await this.parts.client.trainingExercises(this.token());
    if (!answer.ok) this.refused(answer.failure);
    this.last = answer.value.items;
    return { items: this.last, outage: this.parts.outage.active };
  }

  /** Every case as new: awaiting identification again (the desk's copy follows at the next pull, asked now). */
  async reset(): Promise<{ items: TrainingExercise[]; outage: boolean }> {
    const token = this.token();
    // What waits for these requests goes first: after the reset it would find them a version up.
    await this.parts.sync.push();
    const answer = await this.parts.client.resetTrainingExercises(token);
    if (!answer.ok) this.refused(answer.failure);
    this.last = answer.value.items;
    // Answered once the desk's copy has them as new (what the trainee looks up next): a pull
    // already running may have started before the reset, so one more after it.
    await this.parts.sync.pull();
    await this.parts.sync.pull();
    return { items: this.last, outage: this.parts.outage.active };
  }

  /** One case, for its kit: from the last list (asked again when it is not there). */
  async exercise(requestId: string): Promise<TrainingExercise> {
    const found =
      this.last.find((exercise) => exercise.requestId === requestId) ?? (await this.list()).items.find((e) => e.requestId === requestId);
    if (!found) throw failures.exerciseNotFound();
    return found;
  }

  async outage(on: boolean): Promise<{ items: TrainingExercise[]; outage: boolean }> {
    this.parts.outage.set(on);
    // Down: the badge says so at once. Back: what waited is sent, and the copy catches up (before the answer).
    await this.parts.sync.probe();
    if (!on) {
      this.parts.sync.retryNow();
      await this.parts.sync.push();
      await this.parts.sync.pull();
    }
    return { items: this.last, outage: this.parts.outage.active };
  }
}
