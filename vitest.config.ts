import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    environment: 'node',
    // One PostgreSQL cluster for the run: each test's central service gets a database in it.
    globalSetup: ['tests/setup/postgres.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: keep workers to what the machine has.
    maxWorkers: 2,
  },
});
