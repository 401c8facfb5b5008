import { globSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import postcss from 'postcss';
import { describe, expect, it } from 'vitest';
import { trimBootstrapItalia } from '../../scripts/trim-bootstrap-italia';
import { selectorNeeds, stylesheetSelectors } from '../fixtures/stylesheet-selectors';

const projectRoot = join(import.meta.dirname, '../..');
const wholePath = createRequire(import.meta.url).resolve('bootstrap-italia/dist/css/bootstrap-italia.min.css');
const whole = readFileSync(wholePath, 'utf8');
/** The stylesheet as the build trims it: once for the file's tests. */
const trimmed = postcss([trimBootstrapItalia(projectRoot)])
  .process(whole, { from: wholePath })
  .async();

/**
 * This oracle is PurgeCSS's own model (a rule stays when its names are words in the sources):
 * it finds where PurgeCSS goes against that model (the `:focus` rule below), not a name set at
 * run time; the e2e fixture checks the pages themselves (tests/e2e/fixtures.ts).
 */
describe('Bootstrap Italia trimmed at build (#20)', () => {
  it('drops only selectors that need something no renderer source names', async () => {
    const kept = stylesheetSelectors((await trimmed).css);
    const sources = globSync('src-renderer/**/*.{vue,ts,html}', { cwd: projectRoot })
      .map((file) => readFileSync(join(projectRoot, file), 'utf8'))
      .join('\n');
    // The words a source names, split as PurgeCSS's default extractor splits them.
    const words = new Set(sources.split(/[^\w-]+/));
    const dropped = [...stylesheetSelectors(whole)].filter((selector) => !kept.has(selector));
    expect(dropped.length).toBeGreaterThan(1000);
    expect(kept.size).toBeGreaterThan(200);
    // A dropped selector whose needs are all named: a rule the renderer's pages may match, lost.
    const wronglyDropped = dropped.filter((selector) => selectorNeeds(selector).every((name) => words.has(name)));
    expect(wronglyDropped).toEqual([]);
  });

  it('keeps the keyboard focus ring that every focused control shows', async () => {
    expect(stylesheetSelectors((await trimmed).css)).toContain(':focus:not([data-focus-mouse=true])');
  });

  it('leaves any other stylesheet as written', async () => {
    const css = '.never-named-anywhere{color:red}';
    const result = await postcss([trimBootstrapItalia(projectRoot)]).process(css, { from: join(projectRoot, 'src-renderer/app.css') });
    expect(result.css).toBe(css);
  });
});
