import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { noisySpread } from './harness';

/**
 * `npm run bench:guard [-- fresh.json]`: the regression guard. Compares a fresh run's
 * ratios (a results file, or a new `npm run bench` into a temporary folder) with
 * `bench/results/latest.json` as committed (`git show HEAD:`, not the working copy a
 * bench run may have just overwritten), and names every paired case whose ratio got
 * worse by more than the committed run's spread for it (at least 5%): noise within what
 * the case showed when it was committed never fails it. A fresh case noisier than 25%
 * cannot tell: it is reported as inconclusive, never as passed. Not part of `npm test`
 * (a bench run takes minutes). Exit 1: a case got worse; 2: a case is missing or
 * inconclusive; 0: every paired case held.
 */
const measurementSchema = z.object({
  case: z.string(),
  metric: z.string(),
  ratio: z.number().optional(),
  spread: z.number().optional(),
  better: z.enum(['lower', 'higher']).optional(),
});
const resultsSchema = z.object({
  machine: z.object({ cpuModel: z.string(), cpus: z.number() }),
  measurements: z.array(measurementSchema),
});
type Results = z.infer<typeof resultsSchema>;

const floor = 0.05;

export interface Regression {
  case: string;
  metric: string;
  committed: number;
  fresh: number;
  worseBy: number;
  tolerance: number;
}

/** The paired cases of `fresh` that got worse than in `committed` by more than their spread. */
export function regressions(
  committed: Results,
  fresh: Results,
): { worse: Regression[]; compared: number; missing: string[]; inconclusive: string[] } {
  const key = (m: { case: string; metric: string }) => `${m.case} · ${m.metric}`;
  const freshByKey = new Map(fresh.measurements.map((m) => [key(m), m]));
  const worse: Regression[] = [];
  const missing: string[] = [];
  const inconclusive: string[] = [];
  let compared = 0;
  for (const old of committed.measurements) {
    if (old.ratio === undefined || !old.better) continue;
    const now = freshByKey.get(key(old));
    if (!now || now.ratio === undefined) {
      missing.push(key(old));
      continue;
    }
    compared++;
    if ((now.spread ?? 0) > noisySpread) inconclusive.push(key(old));
    const worseBy = old.better === 'lower' ? (now.ratio - old.ratio) / old.ratio : (old.ratio - now.ratio) / old.ratio;
    const tolerance = Math.max(old.spread ?? 0, floor);
    if (worseBy > tolerance) worse.push({ case: old.case, metric: old.metric, committed: old.ratio, fresh: now.ratio, worseBy, tolerance });
  }
  return { worse, compared, missing, inconclusive };
}

function load(path: string): Results {
  return resultsSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const shown = spawnSync('git', ['show', 'HEAD:bench/results/latest.json'], { cwd: join(import.meta.dirname, '..'), encoding: 'utf8' });
  if (shown.status !== 0) throw new Error(`no committed bench/results/latest.json: ${shown.stderr}`);
  const committed = resultsSchema.parse(JSON.parse(shown.stdout));
  let freshPath = process.argv[2];
  let scratch: string | null = null;
  if (!freshPath) {
    scratch = mkdtempSync(join(tmpdir(), 'sportello-bench-guard-'));
    const run = spawnSync('npm', ['run', '-s', 'bench', '--', '--out', scratch], { stdio: 'inherit' });
    if (run.status !== 0) process.exit(run.status ?? 1);
    freshPath = join(scratch, 'latest.json');
  }
  const fresh = load(freshPath);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  const { worse, compared, missing, inconclusive } = regressions(committed, fresh);
  const machine = (r: Results) => `${r.machine.cpuModel} × ${r.machine.cpus}`;
  if (machine(committed) !== machine(fresh))
    process.stdout.write(`note: committed on ${machine(committed)}, fresh on ${machine(fresh)} (ratios travel; absolute figures do not)\n`);
  for (const name of missing) process.stdout.write(`missing in the fresh run: ${name}\n`);
  for (const name of inconclusive) process.stdout.write(`inconclusive (fresh spread over ${noisySpread * 100}%): ${name}\n`);
  for (const r of worse)
    process.stdout.write(
      `WORSE: ${r.case} · ${r.metric}: ratio ${r.committed.toFixed(2)} → ${r.fresh.toFixed(2)} (${(r.worseBy * 100).toFixed(0)}% worse, spread ${(r.tolerance * 100).toFixed(0)}%)\n`,
    );
  process.stdout.write(`${compared} paired cases compared, ${worse.length} worse than their spread\n`);
  process.exit(worse.length > 0 ? 1 : missing.length + inconclusive.length > 0 ? 2 : 0);
}
