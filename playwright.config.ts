import { availableParallelism } from 'node:os';
import { defineConfig } from '@playwright/test';
import { chromiumExecutablePath, chromiumLaunchArgs } from './tests/fixtures/chromium';

export default defineConfig({
  testDir: 'tests/e2e',
  // One PostgreSQL cluster for the run: each test's central service gets a database in it.
  globalSetup: './tests/setup/postgres.ts',
  tsconfig: './tsconfig.playwright.json',
  outputDir: 'test-results/playwright',
  fullyParallel: false,
  // Each worker runs a whole desk (central service, core, browser host) and a Chromium. Much
  // of a test is waiting (an answer, the next frame), so two share two cores well: on this
  // 2-core machine the suite (93 tests) took 12.0 min with one worker and 9.9 min with two,
  // each test about 1.6 times slower, the slowest 27.7 s against its 60 s budget, none
  // retried. (With a smaller suite two workers once pushed a test past its budget at a load
  // average of 10: the budgets below and CI's one retry are for such a machine.) Larger
  // machines: one worker per two cores.
  workers: Math.max(Math.min(2, availableParallelism()), Math.floor(availableParallelism() / 2)),
  // One retry on CI, reported as "flaky" (never hidden): shared machines stall now and then.
  retries: process.env.CI ? 1 : 0,
  // Tests take seconds (one screen each at most); these budgets leave room for a busy machine.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    locale: 'it-IT',
    viewport: { width: 1280, height: 860 },
    screenshot: 'only-on-failure',
    // On CI, a trace when a failed test runs again (it retries once): recording one for every
    // test, to keep only the failures', cost the suite 13.7 against 12.0 min on one worker (a
    // test that signs in, walks two screens and runs axe twice: 9.4 s traced, 6.8 s not). The
    // price: a test that fails once and then passes (flaky) leaves a screenshot of its failure
    // and a trace of its passing run only. Locally, where nothing retries, a failure keeps its trace.
    trace: process.env.CI ? 'on-first-retry' : 'retain-on-failure',
    actionTimeout: 15_000,
    launchOptions: {
      executablePath: chromiumExecutablePath(),
      args: chromiumLaunchArgs,
    },
  },
  projects: [
    { name: 'chromium', testIgnore: /electron\.spec\.ts/ },
    { name: 'electron', testMatch: /electron\.spec\.ts/ },
  ],
});
