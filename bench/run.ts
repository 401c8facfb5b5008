import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { noisySpread, type BenchCase, type Measurement } from './harness';

/**
 * `npm run bench [-- name-filter] [--out DIR]`: runs every case exported by
 * `bench/*.bench.ts`, prints a Markdown table and writes `latest.json` and `latest.md`
 * into `bench/results` (or DIR: what the regression guard, bench/guard.ts, compares).
 * Paired cases show the medians over their repeats and the ratio's spread; a spread over
 * 25% marks the run noisy.
 * Each file runs in a process of its own, so one case's heap, browser or leftovers do
 * not weigh on the next; the peak RSS reported is the largest of those processes.
 */
const benchDirectory = import.meta.dirname;
const outFlag = process.argv.indexOf('--out');
const resultsDirectory = outFlag >= 0 ? process.argv[outFlag + 1]! : join(benchDirectory, 'results');
const fileFlag = process.argv.indexOf('--file');
const childFile = fileFlag >= 0 ? process.argv[fileFlag + 1] : undefined;
const positional = process.argv
  .slice(2)
  .filter((arg, index, all) => !arg.startsWith('--') && !['--out', '--file'].includes(all[index - 1]!));
const filter = childFile ? process.argv[fileFlag + 2] : positional[0];

function format(value: number): string {
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function table(measurements: Measurement[]): string {
  const lines = ['| case | metric | value | baseline | ratio | spread (n) | target | met |', '|---|---|---:|---|---:|---:|---|---|'];
  for (const m of measurements) {
    const baseline = m.baseline ? `${format(m.baseline.value)} ${m.unit} (${m.baseline.label})` : '';
    const met = m.meetsTarget === undefined ? '' : m.meetsTarget ? 'yes' : '**no**';
    const spread =
      m.spread === undefined ? '' : `${(m.spread * 100).toFixed(0)}% (${m.repeats})${m.spread > noisySpread ? ' **noisy**' : ''}`;
    lines.push(
      `| ${m.case} | ${m.metric} | ${format(m.value)} ${m.unit} | ${baseline} | ${m.ratio === undefined ? '' : format(m.ratio)} | ${spread} | ${m.target ?? ''} | ${met} |`,
    );
  }
  return lines.join('\n');
}

/** In a child: runs the cases of one file and prints their measurements as JSON. */
async function runFile(file: string): Promise<void> {
  const module = (await import(pathToFileURL(join(benchDirectory, file)).href)) as Record<string, BenchCase>;
  const measurements: Measurement[] = [];
  for (const benchCase of Object.values(module)) {
    if (!benchCase || typeof benchCase.run !== 'function') continue;
    if (filter && !benchCase.name.includes(filter)) continue;
    process.stderr.write(`bench: ${benchCase.name}…\n`);
    measurements.push(...(await benchCase.run()));
  }
  process.stdout.write(JSON.stringify({ measurements, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
}

async function main() {
  const files = readdirSync(benchDirectory)
    .filter((file) => file.endsWith('.bench.ts'))
    .sort();
  const measurements: Measurement[] = [];
  let peak = 0;
  for (const file of files) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--file', file, ...(filter ? [filter] : [])], {
      cwd: join(benchDirectory, '..'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    if (child.status !== 0) throw new Error(`bench ${file} failed (exit ${child.status})`);
    const result = JSON.parse(child.stdout) as { measurements: Measurement[]; maxRssMiB: number };
    measurements.push(...result.measurements);
    if (result.measurements.length > 0) peak = Math.max(peak, result.maxRssMiB);
  }
  measurements.push({ case: 'Peak RSS of a benchmark process (the largest case)', metric: 'max RSS', unit: 'MiB', value: peak });
  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
  const noisy = measurements.filter((m) => (m.spread ?? 0) > noisySpread).map((m) => m.case);
  const missed = measurements.filter((m) => m.meetsTarget === false).map((m) => m.case);
  const markdown = [
    '# Benchmark results',
    '',
    `Machine: ${machine.cpuModel}, ${machine.cpus} cores, ${machine.memoryGiB} GiB; Node ${machine.node}; ${new Date().toISOString()}.`,
    '',
    `Run: ${noisy.length ? `**noisy** (spread over ${noisySpread * 100}%: ${noisy.join('; ')})` : `quiet (every spread ≤ ${noisySpread * 100}%)`}; ` +
      `${missed.length ? `targets missed: ${missed.join('; ')}` : 'every target met'}.`,
    '',
    'Paired cases: subject and baseline measured in the same round, repeated; value, baseline and ratio are medians, spread is (max − min) / median of the ratios.',
    '',
    table(measurements),
    '',
  ].join('\n');
  mkdirSync(resultsDirectory, { recursive: true });
  writeFileSync(
    join(resultsDirectory, 'latest.json'),
    JSON.stringify({ date: new Date().toISOString(), machine, noisy: noisy.length > 0, measurements }, null, 2) + '\n',
  );
  writeFileSync(join(resultsDirectory, 'latest.md'), markdown);
  process.stdout.write(markdown);
}

if (childFile) await runFile(childFile);
else await main();
