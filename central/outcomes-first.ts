/**
 * Outcomes first (#16, the herd): after an outage every desk sends its queue and pulls its
 * feed at once, and the outcomes are what must not wait. A service process counts the
 * outcomes it is applying and the rate they arrive at, and holds its feed back:
 * - a poll is deferred (503, Retry-After) while many outcomes are in flight, or while they
 *   arrive at a herd's rate (`feedDeferred`);
 * - a poll let in waits, before it reads the database, while a desk's queue is being
 *   applied, and is deferred if the herd shows meanwhile (`beforeFeedRead`): the first desks back
 *   send their queue and their pull together, before any rate shows, and their pulls (a
 *   page of 500 changes each, read, encoded and compressed) took the cores the first
 *   outcomes needed (at a tenth of the load case, the first second's batches waited
 *   200-400 ms behind a dozen pulls; 30-70 ms with no pulls at all).
 */

export interface DeferFeedAt {
  /** Outcomes in flight in this process (a batch counts its items) from which polls are deferred. */
  outcomesInFlight: number;
  /**
   * Outcomes a second arriving at this process (over the last `rateWindowMs`) from which
   * polls are deferred; absent, this signal is off.
   */
  outcomesPerSecond?: number;
  retryAfterSeconds: number;
}

/** How far back the rate of outcomes arriving is measured: a herd shows within tens of milliseconds. */
export const rateWindowMs = 250;
/**
 * Most outcomes one call counts for in the rate: a desk's drain batch. A desk sending back
 * a long queue of its own, in batches of up to 50 one after the other, is not a herd.
 */
export const rateCountPerCall = 10;
/** Outcomes in flight from which a poll let in waits before it reads (a desk's queue: single identifications never hold a poll). */
export const feedWaitFrom = 10;
/** Longest a poll waits for the outcomes in flight before it reads anyway (a write held up elsewhere must not hold the feed). */
export const feedWaitMs = 250;

export class OutcomesFirst {
  private inFlight = 0;
  /** Outcomes let in over the last `rateWindowMs`, by arrival: [time in ms, count]. */
  private readonly recent: Array<[number, number]> = [];
  private recentCount = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly deferAt: DeferFeedAt,
    /** A clock in ms (the process's monotonic one; a test's own). */
    private readonly clock: () => number,
  ) {}

  get outcomesInFlight(): number {
    return this.inFlight;
  }

  /** Outcomes a second, as the last `rateWindowMs` show (a clock set back forgets all it counted). */
  rate(): number {
    const at = this.clock();
    if (this.recent.length > 0 && this.recent[this.recent.length - 1]![0] > at) {
      this.recent.length = 0;
      this.recentCount = 0;
    }
    while (this.recent.length > 0 && this.recent[0]![0] <= at - rateWindowMs) this.recentCount -= this.recent.shift()![1];
    return (this.recentCount * 1000) / rateWindowMs;
  }

  /** One call's `count` outcomes are being applied (until `end`). */
  begin(count: number): void {
    if (count <= 0) return;
    this.rate();
    this.inFlight += count;
    const at = this.clock();
    const counted = Math.min(count, rateCountPerCall);
    const last = this.recent[this.recent.length - 1];
    if (last?.[0] === at) last[1] += counted;
    else this.recent.push([at, counted]);
    this.recentCount += counted;
    this.notify();
  }

  end(count: number): void {
    if (count <= 0) return;
    this.inFlight -= count;
    this.notify();
  }

  feedDeferred(): boolean {
    return this.inFlight >= this.deferAt.outcomesInFlight || this.rate() >= (this.deferAt.outcomesPerSecond ?? Infinity);
  }

  /**
   * Before a poll reads the database: 'go' at once with fewer than `feedWaitFrom` outcomes
   * in flight, else when they are applied (or after `feedWaitMs`); 'defer' if meanwhile the
   * feed is deferred.
   */
  beforeFeedRead(): Promise<'go' | 'defer'> {
    if (this.feedDeferred()) return Promise.resolve('defer');
    if (this.inFlight < feedWaitFrom) return Promise.resolve('go');
    return new Promise((resolve) => {
      const settle = (answer: 'go' | 'defer') => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(answer);
      };
      const check = () => {
        if (this.feedDeferred()) settle('defer');
        else if (this.inFlight < feedWaitFrom) settle('go');
      };
      const timer = setTimeout(() => settle('go'), feedWaitMs);
      this.waiters.add(check);
    });
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }
}
