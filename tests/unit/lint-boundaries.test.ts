import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Each layer rule must fire: a probe with a forbidden import, linted as if it lived in
 * the layer, makes ESLint exit non-zero; the same probe with an allowed import passes.
 */
const root = join(import.meta.dirname, '../..');
const eslintBin = join(root, 'node_modules/eslint/bin/eslint.js');

function lint(filePath: string, code: string) {
  const run = spawnSync(process.execPath, [eslintBin, '--stdin', '--stdin-filename', filePath], {
    cwd: root,
    input: code,
    encoding: 'utf8',
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

const forbiddenProbes: Array<[string, string, string]> = [
  [
    'src-main/core/probe.ts',
    "import { startCentral } from '../../central/server';\nexport const x = startCentral;\n",
    'core → central service',
  ],
  ['src-renderer/views/Probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'renderer → Node module'],
  [
    'src-renderer/views/Probe.ts',
    "import { createCore } from '../../src-main/core/app';\nexport const x = createCore;\n",
    'renderer → src-main',
  ],
  ['src-renderer/stores/Probe.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n", 'renderer → electron'],
  [
    'src-renderer/Probe.vue',
    '<script setup lang="ts">\nimport Database from \'better-sqlite3-multiple-ciphers\';\nconsole.log(Database);\n</script>\n<template><div /></template>\n',
    'renderer .vue → database driver',
  ],
  ['src-main/core/probe.ts', "import { app } from 'electron';\nexport const x = app;\n", 'core → electron'],
  [
    'src-main/core/probe.ts',
    "import { startBrowserHost } from '../browser-host/server';\nexport const x = startBrowserHost;\n",
    'core → browser host',
  ],
  ['shared/domain/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'shared → node:fs'],
  ['shared/domain/probe.ts', "import http from 'http';\nexport const x = http;\n", 'shared → http'],
  ['shared/domain/probe.ts', "import { spawn } from 'node:child_process';\nexport const x = spawn;\n", 'shared → child_process'],
  [
    'shared/contract/probe.ts',
    "import Database from 'better-sqlite3-multiple-ciphers';\nexport const x = Database;\n",
    'shared → database driver',
  ],
  [
    'shared/contract/probe.ts',
    "import { createCore } from '../../src-main/core/app';\nexport const x = createCore;\n",
    'shared → src-main',
  ],
  ['shared/contract/probe.ts', "import { x } from '../../src-renderer/api/client';\nexport const y = x;\n", 'shared → src-renderer'],
];

describe('layer boundaries in ESLint', () => {
  const forbidden = forbiddenProbes.map(([file, code, rule]) => ({ file, code, rule }));
  it.each(forbidden)('$rule: a probe in $file fails', ({ file, code }) => {
    const { status, output } = lint(file, code);
    expect(output).toContain('no-restricted-imports');
    expect(status).toBe(1);
  });

  it.each([
    [
      'src-renderer/views/Probe.ts',
      "import { operations } from '../../shared/contract';\nimport { ref } from 'vue';\nexport const x = [operations, ref];\n",
    ],
    [
      'src-main/core/probe.ts',
      "import { readFileSync } from 'node:fs';\nimport { operations } from '../../shared/contract';\nexport const x = [readFileSync, operations];\n",
    ],
    ['shared/domain/probe.ts', "import { z } from 'zod';\nexport const x = z;\n"],
    [
      'src-main/electron/probe.ts',
      "import { app } from 'electron';\nimport { createCore } from '../core/app';\nexport const x = [app, createCore];\n",
    ],
  ])('%s passes with allowed imports', (file, code) => {
    const { status, output } = lint(file, code);
    expect(output).toBe('');
    expect(status).toBe(0);
  });
});
