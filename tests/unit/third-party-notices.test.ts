import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { noticesText, packageDirOf, shippedDependencyDirs } from '../../scripts/third-party-notices';

/** #18 item 8: the notices name every package a bundle holds, with its licence text. */
describe('third-party notices', () => {
  it('finds the package a bundled module comes from, scoped, nested, with a query or a virtual prefix', () => {
    expect(packageDirOf('/app/node_modules/vue-router/dist/vue-router.mjs')).toBe('/app/node_modules/vue-router');
    expect(packageDirOf('/app/node_modules/@vue/shared/dist/shared.esm-bundler.js')).toBe('/app/node_modules/@vue/shared');
    expect(packageDirOf('/app/node_modules/a/node_modules/b/index.js?commonjs-exports')).toBe('/app/node_modules/a/node_modules/b');
    expect(packageDirOf('\0/app/node_modules/zod/index.js')).toBe('/app/node_modules/zod');
    expect(packageDirOf('/app/src-renderer/main.ts')).toBeNull();
  });

  it("lists the shipped modules and theirs, with each licence text, after the data's and the font's credits", () => {
    const root = mkdtempSync(join(tmpdir(), 'notices-'));
    const pkg = (dir: string, manifest: object, licence?: string) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
      if (licence) writeFileSync(join(dir, 'LICENSE'), licence);
    };
    pkg(root, { name: 'app', dependencies: { shipped: '1' } });
    pkg(
      join(root, 'node_modules/shipped'),
      { name: 'shipped', version: '1.0.0', license: 'MIT', dependencies: { inner: '2' } },
      'MIT text',
    );
    pkg(join(root, 'node_modules/shipped/node_modules/inner'), { name: 'inner', version: '2.0.0', license: 'ISC' });
    mkdirSync(join(root, 'resources/fonts'), { recursive: true });
    writeFileSync(join(root, 'resources/fonts/OFL.txt'), 'SIL OPEN FONT LICENSE text');
    mkdirSync(join(root, 'resources/color'), { recursive: true });
    writeFileSync(join(root, 'resources/color/sRGB.icc.LICENSE.txt'), 'Zlib licence text of the colour profile');
    const dirs = shippedDependencyDirs(root);
    expect(dirs.sort()).toEqual([join(root, 'node_modules/shipped'), join(root, 'node_modules/shipped/node_modules/inner')].sort());
    const text = noticesText(dirs, root);
    expect(text).toContain("Fonte: ANPR – Ministero dell'Interno");
    expect(text).toContain('- inner 2.0.0 — ISC');
    expect(text).toContain('- shipped 1.0.0 — MIT');
    expect(text).toContain('MIT text');
    expect(text).toContain('licenza dichiarata ISC');
    expect(text).toContain('SIL OPEN FONT LICENSE text');
    // The PDF/A register's colour profile (#18, item 9) is credited with its licence.
    expect(text).toContain('sRGB.icc (registro giornaliero PDF/A)');
    expect(text).toContain('Zlib licence text of the colour profile');
  });
});
