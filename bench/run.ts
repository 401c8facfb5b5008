import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchCase, Measurement } from './harness';

/**
 * `npm run bench [-- name-filter]`: runs every case exported by `bench/*.bench.ts`,
 * prints a Markdown table and writes `bench/results/latest.json` and `latest.md`.
 */
const benchDirectory = import.meta.dirname;
const resultsDirectory = join(benchDirectory, 'results');
const filter = process.argv[2];

function format(value: number): string {
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function table(measurements: Measurement[]): string {
  const lines = ['| case | metric | value | baseline | ratio | target | met |', '|---|---|---:|---|---:|---|---|'];
  for (const m of measurements) {
    const baseline = m.baseline ? `${format(m.baseline.value)} ${m.unit} (${m.baseline.label})` : '';
    const met = m.meetsTarget === undefined ? '' : m.meetsTarget ? 'yes' : '**no**';
    lines.push(
      `| ${m.case} | ${m.metric} | ${format(m.value)} ${m.unit} | ${baseline} | ${m.ratio === undefined ? '' : format(m.ratio)} | ${m.target ?? ''} | ${met} |`,
    );
  }
  return lines.join('\n');
}

async function main() {
  const files = readdirSync(benchDirectory)
    .filter((file) => file.endsWith('.bench.ts'))
    .sort();
  const measurements: Measurement[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(benchDirectory, file)).href)) as Record<string, BenchCase>;
    for (const benchCase of Object.values(module)) {
      if (!benchCase || typeof benchCase.run !== 'function') continue;
      if (filter && !benchCase.name.includes(filter)) continue;
      process.stderr.write(`bench: ${benchCase.name}…\n`);
      measurements.push(...(await benchCase.run()));
    }
  }
  // Peak memory of the whole run (the largest case dominates: the 1M-row cache).
  measurements.push({
    case: 'Peak RSS of the benchmark process',
    metric: 'max RSS',
    unit: 'MiB',
    value: process.resourceUsage().maxRSS / 1024,
  });
  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
  const markdown = `# Benchmark results\n\nNode ${machine.node}, ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, ${new Date().toISOString()}\n\n${table(measurements)}\n`;
  mkdirSync(resultsDirectory, { recursive: true });
  writeFileSync(
    join(resultsDirectory, 'latest.json'),
    JSON.stringify({ date: new Date().toISOString(), machine, measurements }, null, 2) + '\n',
  );
  writeFileSync(join(resultsDirectory, 'latest.md'), markdown);
  process.stdout.write(markdown);
}

await main();
