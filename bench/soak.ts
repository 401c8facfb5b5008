/**
 * `npm run soak [-- RUNS]` (default 1000): the kill test at length. Chains of 50 kills
 * (a desk and a central service each, seeds 10001…), against a throwaway PostgreSQL
 * cluster when the server is installed (PGlite otherwise, and it says so). Prints the
 * kills per point, lost and duplicated outcomes, and the time; writes them to
 * bench/results/soak.{json,md} (`--out DIR` elsewhere); exits non-zero on any violation.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { testPostgresEnv } from '../tests/fixtures/central';
import { killChain, killChainTally, killChainViolations, killPoints, type KillPoint } from '../tests/fixtures/kill-run';
import { postgresBinDirectory, startPostgresCluster } from '../tests/fixtures/postgres';

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outDirectory = outIndex >= 0 ? args[outIndex + 1]! : join(import.meta.dirname, 'results');
const runs = Number(args.find((arg, index) => /^\d+$/.test(arg) && args[index - 1] !== '--out') ?? 1000);
const chainLength = 50;

const cluster = postgresBinDirectory() ? await startPostgresCluster() : null;
if (cluster) process.env[testPostgresEnv] = cluster.adminUrl;
else process.stderr.write('soak: PostgreSQL server not installed, the central service runs on PGlite\n');
const database = cluster ? 'PostgreSQL' : 'PGlite';

const start = Date.now();
const kills = Object.fromEntries(killPoints.map((point) => [point, 0])) as Record<KillPoint, number>;
let done = 0;
let unkilled = 0;
let outcomes = 0;
let conflicts = 0;
let lost = 0;
let duplicated = 0;
const violations: string[] = [];
try {
  for (let chain = 0; done < runs; chain++) {
    const seed = 10_001 + chain;
    const result = await killChain(seed, { runs: Math.min(chainLength, runs - done) });
    done += result.runs;
    unkilled += result.unkilled;
    outcomes += result.outbox.length;
    conflicts += result.outbox.filter((row) => row.state === 'conflict').length;
    for (const point of killPoints) kills[point] += result.kills[point];
    const tally = killChainTally(result);
    lost += tally.lost;
    duplicated += tally.duplicated;
    for (const violation of killChainViolations(result)) violations.push(`seed ${seed}: ${violation}`);
    process.stdout.write(
      `${done}/${runs} kills, ${Math.round((Date.now() - start) / 1000)} s${violations.length ? `, ${violations.length} violations` : ''}\n`,
    );
    if (violations.length > 0) break;
  }
} finally {
  await cluster?.stop();
}

const seconds = Math.round((Date.now() - start) / 1000);
const summary = {
  date: new Date().toISOString(),
  machine: `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores`,
  database,
  runs: done,
  kills,
  unkilled,
  outcomes,
  conflicts,
  lost,
  duplicated,
  violations,
  seconds,
};
mkdirSync(outDirectory, { recursive: true });
writeFileSync(join(outDirectory, 'soak.json'), `${JSON.stringify(summary, null, 2)}\n`);
writeFileSync(
  join(outDirectory, 'soak.md'),
  [
    '# Soak: the kill test at length',
    '',
    `Machine: ${summary.machine}; central service on ${database}; ${summary.date}. \`npm run soak -- ${runs}\`.`,
    '',
    `${done} runs in ${seconds} s: each run confirms one more applicant through the desk's confirm operation and kills the desk's process (SIGKILL) at a seeded point of that push; the next process finishes the work. ${outcomes} outcomes (${conflicts} refused by the service for an annulled request, as planned).`,
    '',
    '| kill point | kills |',
    '|---|---:|',
    ...killPoints.map((point) => `| ${point} | ${kills[point]} |`),
    `| runs that ended without their kill | ${unkilled} |`,
    '',
    `Lost: ${lost}. Duplicated: ${duplicated}. Violations: ${violations.length === 0 ? 'none' : violations.slice(0, 5).join('; ')}.`,
    '',
  ].join('\n'),
);
process.stdout.write(
  `soak: ${done} runs, kills ${killPoints.map((point) => `${point} ${kills[point]}`).join(', ')}; ${lost} lost, ${duplicated} duplicated, ${violations.length} violations (${seconds} s)\n`,
);
process.exit(violations.length === 0 && unkilled === 0 ? 0 : 1);
