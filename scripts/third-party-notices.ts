import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/**
 * Third-party notices, made at build (#18, item 8). Bundling copies the code of the
 * packages the app uses and leaves their licence files behind; this gathers, for every
 * package whose modules end up in a bundle (main, preload, renderer) and every package
 * shipped as a module (package.json's `dependencies` and theirs), its name, version,
 * licence and licence text, with the data and font credits, into
 * out/renderer/third-party-notices.txt: in the package, and on the About screen.
 */
const listFile = (projectRoot: string, target: string) => join(projectRoot, 'out', `.bundled-packages-${target}.json`);

/** The package folder a module comes from (the innermost node_modules), or null for the app's own code. */
export function packageDirOf(moduleId: string): string | null {
  const id = moduleId.replace(/^\0/, '').split('?')[0]!.replaceAll('\\', '/');
  const at = id.lastIndexOf('/node_modules/');
  if (at < 0) return null;
  const rest = id.slice(at + '/node_modules/'.length).split('/');
  const name = rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  return `${id.slice(0, at)}/node_modules/${name}`;
}

/** The folders of the packages shipped as modules: `dependencies`, and theirs, resolved as Node does. */
export function shippedDependencyDirs(projectRoot: string): string[] {
  const found = new Set<string>();
  const resolveFrom = (from: string, name: string): string | null => {
    for (let dir = from; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      if (dir === projectRoot || dirname(dir) === dir) return null;
    }
  };
  const visit = (dir: string) => {
    if (found.has(dir)) return;
    found.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      const child = resolveFrom(dir, name);
      if (child) visit(child);
    }
  };
  const own = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const name of Object.keys(own.dependencies ?? {})) {
    const dir = resolveFrom(projectRoot, name);
    if (dir) visit(dir);
  }
  return [...found];
}

interface PackageNotice {
  name: string;
  version: string;
  license: string;
  text: string;
}

function noticeOf(dir: string): PackageNotice | null {
  const manifestPath = join(dir, 'package.json');
  if (!existsSync(manifestPath)) return null;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    name?: string;
    version?: string;
    license?: string | { type?: string };
    private?: boolean;
  };
  if (!manifest.name) return null;
  const license = typeof manifest.license === 'string' ? manifest.license : (manifest.license?.type ?? 'UNKNOWN');
  const files = readdirSync(dir).filter((file) => /^(licen[sc]e|copying|notice)(\.|-|$)/i.test(file));
  const text = files.map((file) => readFileSync(join(dir, file), 'utf8').trim()).join('\n\n');
  return { name: manifest.name, version: manifest.version ?? '', license, text };
}

/** The whole notices text: credits first, the list, then every licence text. */
export function noticesText(packageDirs: Iterable<string>, projectRoot: string): string {
  const notices = new Map<string, PackageNotice>();
  for (const dir of packageDirs) {
    const notice = noticeOf(dir);
    if (notice) notices.set(`${notice.name}@${notice.version}`, notice);
  }
  const sorted = [...notices.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  const font = readFileSync(join(projectRoot, 'resources/fonts/OFL.txt'), 'utf8').trim();
  return [
    'Sportello Identificazione — avvisi di terze parti (third-party notices)',
    '',
    'DATI',
    "Comuni e stati esteri dei codici fiscali — Fonte: ANPR – Ministero dell'Interno (archivio storico dei comuni,",
    'tabella degli stati esteri), licenza CC BY 4.0: https://creativecommons.org/licenses/by/4.0/deed.it',
    '',
    'CARATTERI',
    'Titillium Web — SIL Open Font License 1.1 (testo in fondo).',
    '',
    'PROFILO COLORE',
    'sRGB.icc (registro giornaliero PDF/A) — ICC Profiles Free (Kai-Uwe Behrmann, Marti Maria, Photogamut,',
    'Graeme Gill, ColorSolutions), licenza Zlib (testo in fondo).',
    '',
    `COMPONENTI SOFTWARE INCLUSI (${sorted.length})`,
    ...sorted.map((notice) => `- ${notice.name} ${notice.version} — ${notice.license}`),
    '',
    ...sorted.flatMap((notice) => [
      '='.repeat(78),
      `${notice.name} ${notice.version} — ${notice.license}`,
      '='.repeat(78),
      notice.text || `(Il pacchetto non contiene un file di licenza: licenza dichiarata ${notice.license}.)`,
      '',
    ]),
    '='.repeat(78),
    'Titillium Web — SIL Open Font License 1.1',
    '='.repeat(78),
    font,
    '',
    '='.repeat(78),
    'sRGB.icc — Zlib',
    '='.repeat(78),
    readFileSync(join(projectRoot, 'resources/color/sRGB.icc.LICENSE.txt'), 'utf8').trim(),
    '',
  ].join('\n');
}

/**
 * The build's side: main and preload list the packages in their bundles; the renderer,
 * built last, adds its own and the shipped modules and emits the notices beside its page.
 */
export function thirdPartyNotices(target: 'main' | 'preload' | 'renderer', projectRoot: string): Plugin {
  return {
    name: 'sportello-third-party-notices',
    apply: 'build',
    generateBundle(_options, bundle) {
      const dirs = new Set<string>();
      for (const output of Object.values(bundle)) {
        if (output.type !== 'chunk') continue;
        for (const id of output.moduleIds) {
          const dir = packageDirOf(id);
          if (dir) dirs.add(dir);
        }
      }
      if (target !== 'renderer') {
        mkdirSync(join(projectRoot, 'out'), { recursive: true });
        writeFileSync(listFile(projectRoot, target), JSON.stringify([...dirs].sort()));
        return;
      }
      for (const other of ['main', 'preload']) {
        const list = listFile(projectRoot, other);
        if (existsSync(list)) for (const dir of JSON.parse(readFileSync(list, 'utf8')) as string[]) dirs.add(dir);
      }
      for (const dir of shippedDependencyDirs(projectRoot)) dirs.add(dir);
      this.emitFile({ type: 'asset', fileName: 'third-party-notices.txt', source: noticesText(dirs, projectRoot) });
    },
  };
}
