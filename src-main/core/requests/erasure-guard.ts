import type { LocalStore } from '../store/database';
import { statementCache } from '../store/statements';

/** A fetch from the service on its way to the cache: what it was fetched after, and its end. */
export interface CacheFetch {
  /** The erasures it was fetched after (pass it to the write: later erasures' requests are not cached from it). */
  readonly epoch: number;
  /** Written, or given up: called once (again does nothing). */
  done(): void;
}

/**
 * Keeps an erasure from being undone by data already on its way (#20, pull): a page the
 * pull fetched before an office administrator erased an applicant, or an online lookup's
 * answer, written after the erasure (the page by the writer's thread). Whatever its
 * version, and whether or not the desk held it, no request of the erased applicant is
 * cached from it; a page or a lookup fetched after the erasure does cache them (the
 * service's data then, as for any request of the office's scope).
 *
 * Main thread only. Each fetch says when it starts and ends; an erasure while any is on
 * its way numbers itself and leaves the applicant's fiscal code in `erased_applicants` for
 * the writes (the writer's thread reads it there, in its page's transaction). It goes as
 * soon as no fetch from before it is still on its way (the pull then running has ended,
 * the lookup is answered), and at start.
 */
export class ErasureGuard {
  private epoch = 0;
  /** Fetches on their way, by the epoch they were fetched after. */
  private readonly inFlight = new Map<number, number>();
  /** Whether `erased_applicants` may hold anything (no write when it does not). */
  private kept = false;
  private readonly sql: ReturnType<typeof statementCache>;

  constructor(store: LocalStore) {
    this.sql = statementCache(store.sqlite);
    // Nothing is on its way at start: what a stop left behind serves nothing (removed at the first chance).
    this.kept = true;
    this.forgetServed();
  }

  /** The erasures so far: a fetch that starts now is after them (the pull's pages each take it as their request goes out). */
  get current(): number {
    return this.epoch;
  }

  /** A fetch starts now (before its request goes out). */
  begin(): CacheFetch {
    const epoch = this.epoch;
    this.inFlight.set(epoch, (this.inFlight.get(epoch) ?? 0) + 1);
    let ended = false;
    return {
      epoch,
      done: () => {
        if (ended) return;
        ended = true;
        const left = this.inFlight.get(epoch)! - 1;
        if (left > 0) this.inFlight.set(epoch, left);
        else this.inFlight.delete(epoch);
        this.forgetServed();
      },
    };
  }

  /** In the erasure's transaction: this applicant (canonical fiscal code) was erased now. Nothing kept when no fetch is on its way. */
  erased(fiscalCode: string): void {
    if (this.inFlight.size === 0) return;
    this.epoch++;
    this.kept = true;
    this.sql(
      'INSERT INTO erased_applicants (fiscal_code, epoch) VALUES (?, ?) ON CONFLICT(fiscal_code) DO UPDATE SET epoch = excluded.epoch',
    ).run(fiscalCode, this.epoch);
  }

  /** Erasures no fetch on its way is older than serve nothing more. */
  private forgetServed(): void {
    if (!this.kept) return;
    const oldest = this.inFlight.size === 0 ? null : Math.min(...this.inFlight.keys());
    try {
      if (oldest !== null) {
        this.sql('DELETE FROM erased_applicants WHERE epoch <= ?').run(oldest);
        return;
      }
      this.sql('DELETE FROM erased_applicants').run();
      this.kept = false;
    } catch {
      // The store refused the write (busy, full, read-only): tried again at the next fetch's end.
      // Kept a little longer, a fiscal code only keeps the requests of that applicant out.
    }
  }
}
