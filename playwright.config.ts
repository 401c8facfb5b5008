import { defineConfig } from '@playwright/test';
import { chromiumExecutablePath, chromiumLaunchArgs } from './tests/fixtures/chromium';

export default defineConfig({
  testDir: 'tests/e2e',
  tsconfig: './tsconfig.playwright.json',
  outputDir: 'test-results/playwright',
  fullyParallel: false,
  workers: 2,
  // One retry on CI, reported as "flaky" (never hidden): shared machines stall now and then.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    locale: 'it-IT',
    viewport: { width: 1280, height: 860 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
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
