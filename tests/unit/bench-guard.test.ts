import { describe, expect, it } from 'vitest';
import { regressions } from '../../bench/guard';
import { pairedMeasurement, repeatPaired } from '../../bench/harness';

/** #20: the bench's paired figures and the regression guard that compares them. */
const machine = { cpuModel: 'AMD EPYC', cpus: 2 };
const run = (...measurements: Array<{ case: string; ratio: number; spread: number; better: 'lower' | 'higher' }>) => ({
  machine,
  measurements: measurements.map((m) => ({ ...m, metric: 'median' })),
});

describe('bench regression guard', () => {
  it('names a case worse by more than its spread, in the direction that is worse for it', () => {
    const committed = run(
      { case: 'first screen', ratio: 1.8, spread: 0.1, better: 'lower' },
      { case: 'drain', ratio: 0.7, spread: 0.05, better: 'higher' },
      { case: 'pull', ratio: 0.85, spread: 0.2, better: 'higher' },
    );
    const fresh = run(
      { case: 'first screen', ratio: 2.1, spread: 0.08, better: 'lower' }, // 17% worse, spread 10%
      { case: 'drain', ratio: 0.8, spread: 0.05, better: 'higher' }, // better
      { case: 'pull', ratio: 0.75, spread: 0.05, better: 'higher' }, // 12% worse, within the committed 20%
    );
    const { worse, compared, missing, inconclusive } = regressions(committed, fresh);
    expect(compared).toBe(3);
    expect(missing).toEqual([]);
    expect(inconclusive).toEqual([]);
    expect(worse.map((r) => r.case)).toEqual(['first screen']);
    expect(worse[0]!.worseBy).toBeCloseTo(0.3 / 1.8);
    expect(worse[0]!.tolerance).toBe(0.1);
  });

  it("uses the committed run's spread (at least 5%), calls a noisy fresh case inconclusive, and reports cases the fresh run lacks", () => {
    const committed = run(
      { case: 'lookup', ratio: 2, spread: 0, better: 'lower' },
      { case: 'modulo', ratio: 1.5, spread: 0, better: 'lower' },
    );
    const fresh = run({ case: 'lookup', ratio: 2.09, spread: 0.01, better: 'lower' });
    const { worse, missing } = regressions(committed, fresh);
    expect(worse).toEqual([]); // 4.5% worse: under the 5% floor
    expect(missing).toEqual(['modulo · median']);
    // A noisy fresh run does not excuse itself: still worse, and inconclusive.
    const noisy = regressions(committed, run({ case: 'lookup', ratio: 2.5, spread: 0.3, better: 'lower' }));
    expect(noisy.worse.map((r) => r.tolerance)).toEqual([0.05]);
    expect(noisy.inconclusive).toEqual(['lookup · median']);
    const committedNoisy = run({ case: 'lookup', ratio: 2, spread: 0.3, better: 'lower' });
    expect(regressions(committedNoisy, run({ case: 'lookup', ratio: 2.5, spread: 0.1, better: 'lower' })).worse).toEqual([]);
    expect(regressions(committedNoisy, run({ case: 'lookup', ratio: 2.7, spread: 0.1, better: 'lower' })).worse).toHaveLength(1);
  });
});

describe('paired rounds', () => {
  it('gives the medians, the ratio of each round and its spread, and the target by direction', async () => {
    const rounds = [
      { value: 10, baseline: 5 },
      { value: 12, baseline: 4 },
      { value: 9, baseline: 4.5 },
    ];
    const paired = await repeatPaired(3, async (index) => rounds[index]!);
    expect(paired).toMatchObject({ value: 10, baseline: 4.5, ratio: 2, repeats: 3 });
    expect(paired.spread).toBeCloseTo((3 - 2) / 2);
    const lower = pairedMeasurement({ case: 'c', metric: 'median', unit: 'ms', baselineLabel: 'bare' }, paired, { max: 2 });
    expect(lower).toMatchObject({ target: 'ratio ≤ 2', meetsTarget: true, better: 'lower', baseline: { label: 'bare', value: 4.5 } });
    expect(pairedMeasurement({ case: 'c', metric: 'x', unit: '', baselineLabel: 'b' }, paired, { min: 2.5 })).toMatchObject({
      meetsTarget: false,
      better: 'higher',
    });
  });
});
