import { afterEach, describe, expect, it, vi } from 'vitest';
import { feedWaitMs, OutcomesFirst } from '../../central/outcomes-first';

/** #16, the herd: a service process holds its feed back while it applies outcomes. */
describe('outcomes first', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const setup = (deferAt = { outcomesInFlight: 30, outcomesPerSecond: 100, retryAfterSeconds: 10 }) => {
    let time = 1_000_000;
    const outcomes = new OutcomesFirst(deferAt, () => time);
    return { outcomes, advance: (ms: number) => (time += ms) };
  };

  /** Whether a promise has settled, after the microtasks already queued ran. */
  const settled = async (promise: Promise<unknown>) => {
    let done = false;
    void promise.then(() => (done = true));
    await Promise.resolve();
    await Promise.resolve();
    return done;
  };

  it('a poll with no outcome in flight reads at once', async () => {
    const { outcomes } = setup();
    await expect(outcomes.beforeFeedRead()).resolves.toBe('go');
  });

  it('a poll arriving with a desk queue being applied waits for it, then reads', async () => {
    const { outcomes, advance } = setup();
    outcomes.begin(10);
    const waiting = outcomes.beforeFeedRead();
    expect(await settled(waiting)).toBe(false);
    advance(400); // the rate of ten outcomes has faded by the end of the write
    outcomes.end(10);
    await expect(waiting).resolves.toBe('go');
  });

  it('a poll waiting is deferred when the herd shows meanwhile (a rate of 100 outcomes a second, over a quarter of a second)', async () => {
    const { outcomes, advance } = setup();
    outcomes.begin(10);
    const waiting = outcomes.beforeFeedRead();
    advance(10);
    outcomes.begin(10);
    expect(await settled(waiting)).toBe(false); // 20 in 250 ms: 80 a second
    advance(10);
    outcomes.begin(6); // 26 in 250 ms: 104 a second (fewer than 30 in flight)
    await expect(waiting).resolves.toBe('defer');
    expect(outcomes.feedDeferred()).toBe(true);
    // A quarter of a second with none arriving: the rate is gone, the in-flight count stays.
    advance(251);
    expect(outcomes.rate()).toBe(0);
    expect(outcomes.feedDeferred()).toBe(false);
    outcomes.end(26);
    expect(outcomes.outcomesInFlight).toBe(0);
  });

  it('many outcomes in flight defer the feed whatever their rate', () => {
    const { outcomes } = setup({ outcomesInFlight: 30, outcomesPerSecond: Infinity, retryAfterSeconds: 10 });
    outcomes.begin(29);
    expect(outcomes.feedDeferred()).toBe(false);
    outcomes.begin(1);
    expect(outcomes.feedDeferred()).toBe(true);
  });

  it('a single identification being applied does not hold a poll', async () => {
    const { outcomes } = setup();
    outcomes.begin(1);
    await expect(outcomes.beforeFeedRead()).resolves.toBe('go');
  });

  it('a desk sending back a long queue of its own is not a herd: a call counts for ten outcomes at most in the rate', () => {
    const { outcomes } = setup();
    outcomes.begin(50);
    expect(outcomes.rate()).toBe(40);
    outcomes.end(50);
    expect(outcomes.feedDeferred()).toBe(false);
  });

  it('a write held up elsewhere does not hold the feed: the poll reads after a quarter of a second', async () => {
    vi.useFakeTimers();
    const { outcomes } = setup();
    outcomes.begin(10);
    const waiting = outcomes.beforeFeedRead();
    await vi.advanceTimersByTimeAsync(feedWaitMs - 1);
    expect(await settled(waiting)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(waiting).resolves.toBe('go');
  });

  it('a clock set back, by a minute or a millisecond, forgets what it counted', () => {
    const { outcomes, advance } = setup();
    for (const step of [-60_000, -1]) {
      outcomes.begin(10);
      advance(1);
      outcomes.begin(10);
      outcomes.begin(10);
      expect(outcomes.feedDeferred()).toBe(true);
      outcomes.end(30);
      advance(step);
      expect(outcomes.rate()).toBe(0);
      expect(outcomes.feedDeferred()).toBe(false);
    }
  });
});
