import { globSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import purgeCss from '@fullhuman/postcss-purgecss';
import type { Plugin as PostcssPlugin } from 'postcss';

/**
 * Bootstrap Italia's stylesheet, trimmed for the built renderer to the rules its pages can
 * match (#20). The whole file is about 570 KB: the first screen waited on fetching and
 * parsing it, and every style recalculation matched against its rules, for a few hundred
 * classes used. PurgeCSS keeps a rule when its classes, ids, tags and attributes appear as
 * words in the renderer's sources (templates, scripts, the page). The renderer runs none of
 * Bootstrap Italia's JavaScript and has no `v-html`; the two `:class` bindings that build a
 * name at run time (the archive's `sync-…`, the desk's lookup source) name the renderer's own
 * classes: a Bootstrap Italia class must be written out whole in a source. Only that
 * stylesheet is trimmed: the renderer's own styles stay as written; custom properties,
 * keyframes and everything at the root (`:root`, `*`) are all kept.
 *
 * The sources are read here and handed over as text (no glob of the project's path: one
 * with brackets or parentheses would match nothing and trim everything), and a trim that
 * leaves almost nothing fails the build. Guards: tests/unit/trim-bootstrap-italia.test.ts (no
 * selector dropped whose every name the sources hold) and the e2e fixture (no page, in any
 * state a test reaches, has an element that a dropped selector matches: tests/e2e/fixtures.ts).
 */
export function trimBootstrapItalia(projectRoot: string): PostcssPlugin {
  const renderer = join(projectRoot, 'src-renderer');
  const files = globSync('**/*.{vue,ts,html}', { cwd: renderer });
  if (files.length < 10) throw new Error(`trim-bootstrap-italia: only ${files.length} renderer sources found under ${renderer}`);
  const purge = purgeCss({
    content: files.map((file) => ({ raw: readFileSync(join(renderer, file), 'utf8'), extension: extname(file).slice(1) })),
    // `:focus`: PurgeCSS drops a selector made of pseudo-classes alone, as if nothing in the
    // page could match it; Bootstrap Italia's keyboard focus ring of every control is one
    // (`:focus:not([data-focus-mouse=true])`). tests/unit/trim-bootstrap-italia.test.ts finds any other.
    safelist: { standard: [':focus'] },
    fontFace: true,
  }) as PostcssPlugin;
  return {
    postcssPlugin: 'sportello-trim-bootstrap-italia',
    async OnceExit(root, helpers) {
      const file = (root.source?.input.file ?? '').replaceAll('\\', '/');
      if (!file.includes('/node_modules/bootstrap-italia/')) return;
      await (purge.OnceExit as NonNullable<PostcssPlugin['OnceExit']>)(root, helpers);
      let rules = 0;
      root.walkRules(() => void rules++);
      if (rules < 100) throw new Error(`trim-bootstrap-italia: only ${rules} rules of Bootstrap Italia left: the sources were not read`);
    },
  };
}
