/**
 * `npm run soak [-- RUNS]` (default 500): the kill test at length. Prints progress and
 * the first violation, exits non-zero on any.
 */
import { killRun, killRunViolations } from '../tests/fixtures/kill-run';

const runs = Number(process.argv[2] ?? 500);
const start = Date.now();
let kills = 0;
for (let seed = 1; seed <= runs; seed++) {
  const result = await killRun(10_000 + seed);
  kills += result.kills;
  const violations = killRunViolations(result);
  if (violations.length > 0) {
    process.stderr.write(`seed ${10_000 + seed}: ${violations.join('; ')}\n`);
    process.exit(1);
  }
  if (seed % 10 === 0) process.stdout.write(`${seed}/${runs} runs, ${kills} kills, ${Math.round((Date.now() - start) / 1000)} s\n`);
}
process.stdout.write(`soak: ${runs} runs, ${kills} SIGKILLs, no violation (${Math.round((Date.now() - start) / 1000)} s)\n`);
