// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Layer boundaries (DESIGN.md "Layout"), enforced here rather than by memory:
 *   shared/            → npm libraries only: no Node I/O, no database driver, nothing of src-* or central/
 *   src-main/core/     → shared/, Node, npm; never electron, never a host
 *   src-main/electron/ and src-main/browser-host/ → core, shared/
 *   src-renderer/      → shared/ and browser-side npm packages only
 *   central/           → shared/ (never the app)
 * A specifier is matched by regex on its path segments, so relative paths
 * (`../../src-main/core/x`) and bare names (`electron`) are both caught.
 */
const nodeBuiltins = [...new Set(builtinModules.map((name) => name.replace(/^node:/, '')))];
const nodeBuiltinRegex = `^(node:.*|(${nodeBuiltins.map((n) => n.replace(/[/]/g, '\\/')).join('|')})(\\/.*)?)$`;
const databaseDrivers = '^(better-sqlite3.*|drizzle-orm\\/better-sqlite3.*|sqlite3|@libsql\\/.*)$';
const segment = (name) => `(^|\\/)${name}(\\/|$)`;

const restrict = (...patterns) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map(([regex, message]) => ({ regex, message })) }],
});

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'bench/results/**',
      'test-results/**',
      'playwright-report/**',
      'tests/**/__probes__/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2024, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
    },
  },
  {
    // Playwright fixtures must destructure their dependencies, even when there are none.
    files: ['tests/e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    files: ['shared/**/*.{ts,vue,js}'],
    languageOptions: { globals: {} },
    rules: restrict(
      [nodeBuiltinRegex, 'shared/ runs in the renderer too: no Node modules, no I/O.'],
      [databaseDrivers, 'shared/ does no I/O: database drivers belong to src-main/core.'],
      ['^electron(\\/.*)?$', 'shared/ knows no host.'],
      [segment('src-(main|renderer)'), 'shared/ may not import application code (src-*).'],
      [segment('(central|tests|bench)'), 'shared/ may not import central/, tests/ or bench/.'],
    ),
  },
  {
    files: ['src-main/core/**/*.ts'],
    rules: restrict(
      ['^electron(\\/.*)?$', 'src-main/core knows nothing of Electron: put it in src-main/electron.'],
      [segment('(electron|browser-host)'), 'src-main/core may not import a host.'],
      [segment('src-renderer'), 'src-main/core may not import the renderer.'],
      [segment('central'), 'src-main/core talks to the central service over HTTP, never by import (hosts start the training one).'],
    ),
  },
  {
    files: ['src-main/electron/**/*.ts', 'src-main/browser-host/**/*.ts'],
    rules: restrict([segment('src-renderer'), 'hosts talk to the renderer through the contract, not imports.']),
  },
  {
    files: ['src-main/browser-host/**/*.ts'],
    rules: restrict(
      ['^electron(\\/.*)?$', 'the browser host must run without Electron.'],
      [segment('electron'), 'the browser host may not import the Electron host.'],
      [segment('src-renderer'), 'hosts talk to the renderer through the contract, not imports.'],
    ),
  },
  {
    files: ['src-renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      [nodeBuiltinRegex, 'the renderer is a sandboxed web page: no Node modules.'],
      [databaseDrivers, 'the renderer never touches the database: call an operation.'],
      ['^(electron|fastify|@fastify\\/.*|pdf-lib|@pdf-lib\\/.*)(\\/.*)?$', 'the renderer may use browser-side packages only.'],
      [segment('(src-main|central|tests|bench|resources)'), 'the renderer may import only shared/.'],
    ),
  },
  {
    files: ['central/**/*.ts'],
    rules: restrict(
      [segment('(src-main|src-renderer)'), 'the reference central service depends on shared/ only, never on the app.'],
      ['^electron(\\/.*)?$', 'the central service knows no Electron.'],
    ),
  },
);
