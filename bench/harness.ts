/**
 * A tiny benchmark harness: each case measures a subject and its baseline in the same
 * run (same machine, same load), so the ratio means something on a shared, noisy box.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
/**
 * A full collection of this process's garbage, before a measured window: the harness's
 * own (the load case parses every request to pick the ones it changes) must not pause its
 * clients inside the window, where the pause counts as the service's latency (measured:
 * the herd's first second, batch p50 100-260 ms with the pause, 45-130 without).
 */
export function collectGarbage(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed();
  // Node 22.12 and later leave V8's flags open after start: the collector's handle, as `--expose-gc` gives it.
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export interface Measurement {
  case: string;
  metric: string;
  unit: string;
  value: number;
  baseline?: { label: string; value: number };
  /** value / baseline.value */
  ratio?: number;
  target?: string;
  /** undefined when the case has no target */
  meetsTarget?: boolean;
  notes?: string;
  /** How many times the case ran (value, baseline and ratio are then the medians). */
  repeats?: number;
  /** The ratio's spread over the repeats: (max − min) / median. */
  spread?: number;
  /** Which way the ratio is better, for the regression guard (bench/guard.ts). */
  better?: 'lower' | 'higher';
}

/** A run whose spread is over this is marked noisy in the table. */
export const noisySpread = 0.25;

export interface Paired {
  value: number;
  baseline: number;
  ratio: number;
  spread: number;
  repeats: number;
}

/**
 * Runs a subject and its baseline `repeats` times (`round` tells which time); returns
 * the medians and the spread of the per-round ratios (each round's subject and baseline
 * ran under the same load, so their ratio is the figure that travels between machines).
 */
export async function repeatPaired(
  repeats: number,
  round: (index: number) => Promise<{ value: number; baseline: number }>,
): Promise<Paired> {
  const rounds: Array<{ value: number; baseline: number }> = [];
  for (let index = 0; index < repeats; index++) rounds.push(await round(index));
  const ratios = rounds.map((r) => r.value / r.baseline);
  const ratio = median(ratios);
  return {
    value: median(rounds.map((r) => r.value)),
    baseline: median(rounds.map((r) => r.baseline)),
    ratio,
    spread: (Math.max(...ratios) - Math.min(...ratios)) / ratio,
    repeats,
  };
}

/** A measurement from paired rounds, with its ratio target (`ratio ≤ max` or `ratio ≥ min`). */
export function pairedMeasurement(
  fields: Pick<Measurement, 'case' | 'metric' | 'unit' | 'notes'> & { baselineLabel: string },
  paired: Paired,
  target: { max: number } | { min: number },
  alsoMeets = true,
): Measurement {
  const better = 'max' in target ? 'lower' : 'higher';
  const meets = 'max' in target ? paired.ratio <= target.max : paired.ratio >= target.min;
  return {
    case: fields.case,
    metric: fields.metric,
    unit: fields.unit,
    value: paired.value,
    baseline: { label: fields.baselineLabel, value: paired.baseline },
    ratio: paired.ratio,
    target: 'max' in target ? `ratio ≤ ${target.max}` : `ratio ≥ ${target.min}`,
    meetsTarget: meets && alsoMeets,
    notes: fields.notes,
    repeats: paired.repeats,
    spread: paired.spread,
    better,
  };
}

export interface BenchCase {
  name: string;
  run(): Promise<Measurement[]>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Runs `fn` `count` times after `warmup` runs; returns each duration in microseconds. */
export async function sampleMicros(fn: () => Promise<unknown> | unknown, count: number, warmup = Math.ceil(count / 10)): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return samples;
}

/**
 * Interleaves subject and baseline in rounds so drift in machine load hits both alike.
 */
export async function compareMicros(
  subject: () => Promise<unknown> | unknown,
  baseline: () => Promise<unknown> | unknown,
  rounds: number,
  perRound: number,
): Promise<{ subject: number[]; baseline: number[] }> {
  const result = { subject: [] as number[], baseline: [] as number[] };
  await sampleMicros(subject, perRound);
  await sampleMicros(baseline, perRound);
  for (let round = 0; round < rounds; round++) {
    result.subject.push(...(await sampleMicros(subject, perRound, 0)));
    result.baseline.push(...(await sampleMicros(baseline, perRound, 0)));
  }
  return result;
}
