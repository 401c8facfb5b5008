import { join } from 'node:path';
import purgeCss from '@fullhuman/postcss-purgecss';
import type { Plugin as PostcssPlugin } from 'postcss';

/**
 * Bootstrap Italia's stylesheet, trimmed at build to the rules the renderer can use (#20).
 * The whole file is about 600 KB: the first screen waited on fetching and parsing it, and
 * every style recalculation matched against its rules, for a few hundred classes used.
 * PurgeCSS keeps a rule when its classes, ids, tags and attributes appear as words in the
 * renderer's sources (templates, scripts, the page); the renderer sets classes only from its
 * templates (no Bootstrap Italia JavaScript, no class built from parts at run time, no
 * `v-html`), so every class a screen can carry is a word in a source file. Only that
 * stylesheet is trimmed: the renderer's own styles stay as written. Custom properties are
 * all kept (the renderer's styles are not seen here, and may use them).
 *
 * Two guards: no selector is dropped whose classes, ids, tags and attributes the sources all
 * name (tests/unit/trim-bootstrap-italia.test.ts), and every class any page carries during
 * any e2e test, if Bootstrap Italia styles it, finds its rules in the build (tests/e2e/fixtures.ts).
 */
export function trimBootstrapItalia(projectRoot: string): PostcssPlugin {
  const renderer = join(projectRoot, 'src-renderer').replaceAll('\\', '/');
  const purge = purgeCss({
    content: [`${renderer}/**/*.vue`, `${renderer}/**/*.ts`, `${renderer}/index.html`],
    // Rules for the states a browser or Vue sets, not a source file.
    // `:focus`: PurgeCSS drops a selector made of pseudo-classes alone, as if nothing in the
    // page could match it; Bootstrap Italia's keyboard focus ring of every control is one
    // (`:focus:not([data-focus-mouse=true])`). tests/unit/trim-bootstrap-italia.test.ts finds any other.
    safelist: { standard: [/^router-link/, /^v-(enter|leave)/, ':focus'] },
    keyframes: true,
    fontFace: true,
  }) as PostcssPlugin;
  return {
    postcssPlugin: 'sportello-trim-bootstrap-italia',
    OnceExit(root, helpers) {
      const file = (root.source?.input.file ?? '').replaceAll('\\', '/');
      if (!file.includes('/node_modules/bootstrap-italia/')) return;
      return (purge.OnceExit as NonNullable<PostcssPlugin['OnceExit']>)(root, helpers);
    },
  };
}
