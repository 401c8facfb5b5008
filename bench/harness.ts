/**
 * A tiny benchmark harness: each case measures a subject and its baseline in the same
 * run (same machine, same load), so the ratio means something on a shared, noisy box.
 */
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
