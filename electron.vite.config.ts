import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { rendererMetaContentSecurityPolicy } from './src-main/core/content-security-policy';
import { thirdPartyNotices } from './scripts/third-party-notices';
import { trimBootstrapItalia } from './scripts/trim-bootstrap-italia';

/** The built page carries its Content Security Policy too (the hosts also send it as a header). */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'sportello-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: rendererMetaContentSecurityPolicy },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/**
 * The built page fetches the fonts its first screen uses with the page, not once its
 * layout asks for them (#20): a preload for each Titillium file the stylesheet names, by
 * the name the build gave it. Build only: in development the stylesheet's own URLs serve.
 */
function preloadFonts(): Plugin {
  return {
    name: 'sportello-preload-fonts',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (_html, context) =>
        Object.keys(context.bundle ?? {})
          .filter((file) => /titillium-web-[^/]*\.woff2$/.test(file))
          .sort()
          .map((file) => ({
            tag: 'link',
            attrs: { rel: 'preload', as: 'font', type: 'font/woff2', crossorigin: true, href: `./${file}` },
            injectTo: 'head' as const,
          })),
    },
  };
}

/**
 * The first screen in one script (#20): every module the renderer's entry reaches through
 * static imports goes into the entry chunk, so the page fetches one script, not the eight
 * small chunks the default split makes of the shared modules (each a request and a module
 * evaluation before the app can mount). What the entry imports lazily (the other views,
 * the Belfiore dataset, zod) stays in chunks of its own. The plugin records the static
 * import graph as modules are parsed; the chunk group asks it once the graph is complete.
 */
function firstScreenChunk(entrySuffix: string): { plugin: Plugin; contains: (id: string) => boolean } {
  const staticImports = new Map<string, readonly string[]>();
  let reachable: Set<string> | undefined;
  const closure = (): Set<string> => {
    const seen = new Set<string>();
    // Module ids are file paths: on Windows with backslashes.
    const stack = [...staticImports.keys()].filter((id) => id.replaceAll('\\', '/').endsWith(entrySuffix));
    // No entry found would leave the default split in place without a word: the build stops instead.
    if (stack.length === 0) throw new Error(`first-screen chunk: no module ends with ${entrySuffix}`);
    for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(staticImports.get(id) ?? []));
    }
    return seen;
  };
  return {
    plugin: {
      name: 'sportello-first-screen-chunk',
      apply: 'build',
      buildStart: () => {
        staticImports.clear();
        reachable = undefined;
      },
      moduleParsed: (info) => {
        staticImports.set(info.id, info.importedIds);
      },
    },
    contains: (id) => (reachable ??= closure()).has(id),
  };
}

const firstScreen = firstScreenChunk('/src-renderer/main.ts');

// Three bundles: out/main (Electron main process with the core), out/preload (the one
// narrow bridge; CommonJS because sandboxed preloads cannot be ES modules), and
// out/renderer (the Vue app, also served by the browser host).
export default defineConfig(({ command }) => ({
  main: {
    // Everything is bundled but what must stay a real module in the package, listed in
    // package.json's `dependencies`: the SQLite driver (native prebuilds), PGlite (its
    // WebAssembly and data files load beside it: the training mode's central service)
    // and node-postgres (for symmetry with the service run on a server). drizzle's
    // driver imports `better-sqlite3` by name: it is the SQLCipher build.
    resolve: { alias: { 'better-sqlite3': 'better-sqlite3-multiple-ciphers' } },
    plugins: [thirdPartyNotices('main', import.meta.dirname)],
    build: {
      // The page writer's thread is a second entry: the core starts it by file (#20, pull).
      rolldownOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src-main/electron/main.ts'),
          'page-writer-worker': resolve(import.meta.dirname, 'src-main/core/sync/page-writer-worker.ts'),
        },
      },
    },
  },
  preload: {
    plugins: [thirdPartyNotices('preload', import.meta.dirname)],
    build: {
      // Bundle everything: a sandboxed preload can require only a few Electron modules.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src-renderer'),
    base: './',
    plugins: [vue(), firstScreen.plugin, contentSecurityPolicyMeta(), preloadFonts(), thirdPartyNotices('renderer', import.meta.dirname)],
    // Bootstrap Italia trimmed for the built page only (#20): the dev server serves it whole
    // (a trim there would go stale as the sources change under it).
    css: command === 'build' ? { postcss: { plugins: [trimBootstrapItalia(import.meta.dirname)] } } : {},
    build: {
      // electron-vite leaves the renderer unminified; the first screen parses and compiles
      // every byte of its initial chunks, so they are minified (#20).
      minify: true,
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src-renderer/index.html') },
        output: { codeSplitting: { groups: [{ name: 'index', test: firstScreen.contains }] } },
      },
    },
  },
}));
