import { defineConfig } from 'drizzle-kit';

/** The central service's PostgreSQL schema (the desk's SQLite one is drizzle.config.ts). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './central/db/schema.ts',
  out: './central/db/migrations',
});
