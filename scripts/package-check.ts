/**
 * `npm run package:check`: packages the app for Linux (`--dir`, no installer) against a
 * stub Electron distribution generated here (the real one cannot be downloaded on CI
 * machines), then checks what an installer would ship:
 *   - app.asar holds out/main, out/preload, out/renderer, the migrations (embedded in
 *     out/main), the fonts and the document wording, and nothing of the sources;
 *   - app.asar.unpacked holds the SQLite native prebuilds for win32-x64, darwin-arm64,
 *     darwin-x64 and linux-x64;
 *   - no dev dependency is packaged (only package.json `dependencies`);
 *   - app.asar is at most 40 MB;
 *   - the afterPack hook flipped every Electron fuse as scripts/electron-builder/hooks.ts says;
 *   - the example machine-wide configuration (docs/config.example.json) validates.
 * Run by `npm test` after the build. Needs out/ (npm run build).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { machineConfigSchema } from '../shared/contract/machine-config';
import { fuses } from './electron-builder/hooks';

const root = join(import.meta.dirname, '..');
const maxAsarBytes = 40 * 1024 * 1024;
const requiredPrebuilds = ['win32-x64', 'darwin-arm64', 'darwin-x64', 'linux-x64'];
const sentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

const failures: string[] = [];
const check = (ok: boolean, message: string) => {
  console.log(`${ok ? '  ok ' : '  FAIL'} ${message}`);
  if (!ok) failures.push(message);
};

if (!existsSync(join(root, 'out/main/index.js'))) {
  console.error('out/ missing: run `npm run build` first');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'sportello-package-'));
try {
  // A stub of Electron's Linux distribution: an executable carrying Electron 45's fuse
  // wire with its default values (version 1, 8 fuses), so the afterPack hook has a real
  // wire to flip and this check a real wire to read.
  const electronDist = join(work, 'electron-dist');
  mkdirSync(join(electronDist, 'resources'), { recursive: true });
  mkdirSync(join(electronDist, 'locales'), { recursive: true });
  for (const locale of ['it', 'en-US', 'en-GB', 'de', 'fr']) writeFileSync(join(electronDist, 'locales', `${locale}.pak`), 'stub');
  const defaults = '10110001'; // RunAsNode on, cookie encryption off, NODE_OPTIONS on, inspect on, asar integrity off, only-asar off, v8 snapshot off, file privileges on
  const executable = Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stub Electron for npm run package:check"\nexit 0\n'),
    Buffer.from(sentinel),
    Buffer.from([1, defaults.length]),
    Buffer.from(defaults),
    Buffer.from('\n'),
  ]);
  writeFileSync(join(electronDist, 'electron'), executable);
  chmodSync(join(electronDist, 'electron'), 0o755);
  writeFileSync(join(electronDist, 'version'), JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version);
  writeFileSync(join(electronDist, 'LICENSE'), 'stub');
  writeFileSync(join(electronDist, 'LICENSES.chromium.html'), 'stub');

  const output = join(work, 'dist');
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/electron-builder/cli.js'),
      '--linux',
      'dir',
      '--x64',
      '--publish',
      'never',
      `-c.electronDist=${electronDist}`,
      `-c.directories.output=${output}`,
    ],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, SPORTELLO_UPDATE_FEED_URL: 'https://updates.example.invalid', CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
    },
  );
  console.log(result.stdout.trim());
  if (result.status !== 0) {
    console.error(result.stderr);
    throw new Error(`electron-builder failed (exit ${result.status})`);
  }
  console.log(`electron-builder --linux dir: ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const appDir = join(output, 'linux-unpacked');
  const locales = readdirSync(join(appDir, 'locales')).sort();
  check(
    locales.join(',') === 'en-GB.pak,en-US.pak,it.pak',
    `only the Italian and English Chromium locales shipped (${locales.join(', ')})`,
  );
  const asar = join(appDir, 'resources/app.asar');
  const unpacked = join(appDir, 'resources/app.asar.unpacked');
  check(existsSync(asar), 'resources/app.asar exists');
  const files = new Set(listPackage(asar, { isPack: false }).map((path) => path.replaceAll('\\', '/')));
  for (const required of [
    '/package.json',
    '/out/main/index.js',
    '/out/main/page-writer-worker.js',
    '/out/preload/index.cjs',
    '/out/renderer/index.html',
    '/resources/fonts/TitilliumWeb-Regular.ttf',
    '/resources/documents/wording.it.json',
    '/out/renderer/third-party-notices.txt',
  ]) {
    check(files.has(required), `app.asar holds ${required}`);
  }
  // The notices name the data's source and every package the main bundle holds (#18, item 8).
  const notices = extractFile(asar, 'out/renderer/third-party-notices.txt').toString('utf8');
  check(notices.includes("Fonte: ANPR – Ministero dell'Interno") && notices.includes('CC BY 4.0'), 'the notices credit ANPR (CC BY 4.0)');
  const bundledInMain = JSON.parse(readFileSync(join(root, 'out/.bundled-packages-main.json'), 'utf8')) as string[];
  const unnamed = bundledInMain
    .map((dir) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }).name)
    .filter((name) => !notices.includes(`- ${name} `));
  check(
    bundledInMain.length > 0 && unnamed.length === 0,
    `the notices name the ${bundledInMain.length} packages bundled in out/main${unnamed.length ? ` (missing: ${unnamed.join(', ')})` : ''}`,
  );
  check(
    [...files].some((path) => path.startsWith('/out/renderer/assets/') && path.endsWith('.js')),
    'app.asar holds the renderer bundle (out/renderer/assets/*.js)',
  );

  // The main process's code: its entries and the chunks they share (the page writer's thread is an entry too).
  const main = [...files]
    .filter((path) => path.startsWith('/out/main/') && path.endsWith('.js'))
    .map((path) => extractFile(asar, path.slice(1)).toString('utf8'))
    .join('\n');
  const journal = JSON.parse(readFileSync(join(root, 'src-main/core/store/migrations/meta/_journal.json'), 'utf8')) as {
    entries: Array<{ tag: string }>;
  };
  for (const { tag } of journal.entries) check(main.includes(tag), `out/main embeds migration ${tag}`);

  const strays = [...files].filter(
    (path) => /^\/(src-main|src-renderer|shared|tests|bench|central|scripts|docs)\//.test(path) || path.endsWith('.map'),
  );
  check(strays.length === 0, `no sources or source maps packaged${strays.length ? `: ${strays.slice(0, 5).join(', ')}` : ''}`);

  for (const target of requiredPrebuilds) {
    const path = join(unpacked, 'node_modules/better-sqlite3-multiple-ciphers/prebuilds', `${target}.node`);
    check(existsSync(path), `app.asar.unpacked holds the SQLite prebuild for ${target}`);
  }

  const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const packagedModules = new Set(
    [...files, ...listUnpacked(unpacked)]
      .map((path) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1])
      // A scope's own folder (`@electric-sql`) is not a module.
      .filter((name): name is string => name !== undefined && !/^@[^/]+$/.test(name)),
  );
  // What the production dependencies need in turn (node-postgres's small helpers): read from their package.json files.
  const production = new Set<string>();
  const pending = Object.keys(packageJson.dependencies);
  while (pending.length) {
    const name = pending.pop()!;
    if (production.has(name)) continue;
    production.add(name);
    const manifest = join(root, 'node_modules', name, 'package.json');
    if (!existsSync(manifest)) continue;
    const { dependencies = {}, optionalDependencies = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    pending.push(...Object.keys(dependencies), ...Object.keys(optionalDependencies));
  }
  const devPackaged = [...packagedModules].filter((name) => name in packageJson.devDependencies);
  check(devPackaged.length === 0, `no dev dependency packaged${devPackaged.length ? `: ${devPackaged.join(', ')}` : ''}`);
  const unexpected = [...packagedModules].filter((name) => !production.has(name));
  check(
    unexpected.length === 0,
    `only production dependencies packaged (${[...packagedModules].join(', ') || 'none'})${unexpected.length ? `; unexpected: ${unexpected.join(', ')}` : ''}`,
  );

  const asarBytes = statSync(asar).size;
  check(asarBytes <= maxAsarBytes, `app.asar is ${(asarBytes / 1024 / 1024).toFixed(1)} MB (≤ 40 MB)`);

  const wire = await getCurrentFuseWire(join(appDir, 'sportello-identificazione'));
  for (const [index, wanted] of Object.entries(fuses)) {
    const actual = wire[index as unknown as keyof typeof wire] as unknown as number;
    check(actual === (wanted ? 49 : 48), `fuse ${FuseV1Options[Number(index)]} is ${wanted ? 'on' : 'off'}`);
  }

  const example = machineConfigSchema.safeParse(JSON.parse(readFileSync(join(root, 'docs/config.example.json'), 'utf8')));
  check(example.success, 'docs/config.example.json validates against the machine-wide configuration schema');
} finally {
  rmSync(work, { recursive: true, force: true });
}

function listUnpacked(directory: string): string[] {
  if (!existsSync(directory)) return [];
  const found = spawnSync('find', [directory, '-type', 'f'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  return found.map((path) => path.slice(directory.length));
}

if (failures.length > 0) {
  console.error(`package:check: ${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('package:check: all checks passed');
