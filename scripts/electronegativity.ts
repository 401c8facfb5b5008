/**
 * Runs electronegativity (Doyensec's static checker for Electron apps) on the app's
 * Electron code: the host's TypeScript sources (src-main/electron — the lint's layer
 * rules keep every Electron API there) with the built preload and renderer (out/preload,
 * out/renderer: the page, its CSP meta tag). Not out/main itself: that bundle inlines
 * third-party code whose syntax (class private fields) the tool's Babel 7.14 cannot
 * traverse, and an unparsed file would hide findings. It fails on any finding of medium or high severity
 * that security/electronegativity.json does not justify, or on a justification that no
 * longer matches a finding (so the file cannot rot). Run by `npm test` after the build.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { z } from 'zod';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

const configSchema = z.object({
  excludedChecks: z.record(z.string(), z.string().min(20)),
  justified: z.array(z.object({ check: z.string(), sample: z.string().min(10), reason: z.string().min(20), test: z.string().min(10) })),
});
const config = configSchema.parse(JSON.parse(readFileSync(join(root, 'security/electronegativity.json'), 'utf8')));

interface Issue {
  id: string;
  file: string;
  location: { line: number; column: number };
  sample?: string;
  description: string;
  severity: { value: number; name: string };
  confidence: { name: string };
}

// The tool fetches its translations from the internet at start; offline, a retry of that
// request throws from a timer after the scan (a known got/p-cancelable race). Only that is ignored.
process.on('uncaughtException', (error) => {
  if (error instanceof Error && error.message.includes('`onCancel` handler was attached after the promise settled')) return;
  throw error;
});

if (!existsSync(join(root, 'out/renderer/index.html'))) throw new Error('out/ missing: run `npm run build` first');
const input = mkdtempSync(join(tmpdir(), 'sportello-electronegativity-'));
cpSync(join(root, 'src-main/electron'), join(input, 'electron'), { recursive: true });
cpSync(join(root, 'out/preload'), join(input, 'preload'), { recursive: true });
cpSync(join(root, 'out/renderer/index.html'), join(input, 'renderer/index.html'));
process.on('exit', () => rmSync(input, { recursive: true, force: true }));
const electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
const run = require('@doyensec/electronegativity/dist/runner.js') as (
  options: unknown,
  forCli: boolean,
) => Promise<{ issues: Issue[]; errors: unknown[] }>;
const { severity } = require('@doyensec/electronegativity/dist/finder/attributes.js') as {
  severity: Record<string, { value: number }>;
};

const result = await run(
  {
    input,
    output: undefined,
    isSarif: false,
    customScan: [],
    excludeFromScan: Object.keys(config.excludedChecks).map((check) => check.toLowerCase()),
    severitySet: 'informational',
    confidenceSet: 'tentative',
    isRelative: true,
    isVerbose: false,
    electronUpgrade: undefined,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  },
  false,
);

const serious = result.issues.filter((issue) => issue.severity.value >= severity.MEDIUM!.value);
const used = new Set<number>();
const unjustified = serious.filter((issue) => {
  const index = config.justified.findIndex((entry) => entry.check === issue.id && (issue.sample ?? '').includes(entry.sample));
  if (index === -1) return true;
  used.add(index);
  return false;
});
const stale = config.justified.filter((_, index) => !used.has(index));

const lines = [
  `electronegativity (Electron ${electronVersion}): ${result.issues.length} finding(s), ${serious.length} medium or high, ${serious.length - unjustified.length} justified in security/electronegativity.json.`,
  ...result.issues
    .filter((issue) => !serious.includes(issue))
    .map((issue) => `  low/info: ${issue.id} ${issue.file}:${issue.location.line} ${issue.description}`),
];
console.log(lines.join('\n'));
for (const issue of unjustified) {
  console.error(
    `UNJUSTIFIED ${issue.severity.name} ${issue.id} ${issue.file}:${issue.location.line}:${issue.location.column} ${issue.sample ?? ''}\n  ${issue.description}`,
  );
}
for (const entry of stale) console.error(`STALE justification (matches no finding any more): ${entry.check} "${entry.sample}"`);
for (const error of result.errors) console.error(`electronegativity could not parse: ${JSON.stringify(error).slice(0, 400)}`);
process.exit(unjustified.length > 0 || stale.length > 0 || result.errors.length > 0 ? 1 : 0);
