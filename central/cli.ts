import { parseArgs } from 'node:util';
import { startCentral } from './server';
import { secondTrainingOffice, trainingOffice, trainingOperators } from './seed';

/**
 * `npm run central -- --port 8787 --seed 5000 [--database-url postgres://…] [--pglite DIR]
 * [--admin] [--error-rate 0.1] ...`: the reference central service, on 127.0.0.1. The
 * database: `--database-url` (or SPORTELLO_CENTRAL_DATABASE_URL), a PostgreSQL server;
 * else `--pglite DIR`, PGlite in that folder; else PGlite in memory.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    /** Only when asked: a production database never gets the training offices and their public passwords. */
    seed: { type: 'string' },
    'seed-value': { type: 'string', default: '1' },
    'admin-port': { type: 'string', default: '0' },
    'database-url': { type: 'string' },
    pglite: { type: 'string' },
    'pool-size': { type: 'string' },
    admin: { type: 'boolean', default: false },
    'error-rate': { type: 'string' },
    'latency-ms': { type: 'string' },
    'drop-after-commit-rate': { type: 'string' },
    'truncate-rate': { type: 'string' },
    'rate-limit-rate': { type: 'string' },
    'retry-after-seconds': { type: 'string' },
    down: { type: 'boolean', default: false },
  },
});

const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
const faults = Object.fromEntries(
  Object.entries({
    errorRate: number(values['error-rate']),
    latencyMs: number(values['latency-ms']),
    dropAfterCommitRate: number(values['drop-after-commit-rate']),
    truncateRate: number(values['truncate-rate']),
    rateLimitRate: number(values['rate-limit-rate']),
    retryAfterSeconds: number(values['retry-after-seconds']),
    down: values.down || undefined,
  }).filter(([, value]) => value !== undefined),
);

const databaseUrl = values['database-url'] ?? process.env.SPORTELLO_CENTRAL_DATABASE_URL;
const central = await startCentral({
  port: Number(values.port),
  seed: values.seed === undefined ? undefined : Number(values.seed),
  seedValue: Number(values['seed-value']),
  database: databaseUrl ? { url: databaseUrl, poolSize: number(values['pool-size']) } : { pglite: values.pglite ?? null },
  admin: values.admin,
  adminPort: Number(values['admin-port']),
  faults,
});
process.stdout.write(
  `Servizio centrale di riferimento su ${central.url} (${await central.store.requestCount()} richieste, ${central.store.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}).\n` +
    (central.adminUrl ? `Amministrazione (guasti, orologio, annullamenti): ${central.adminUrl}/admin/...\n` : '') +
    `Uffici ${trainingOffice.code} (${trainingOffice.comune}) e ${secondTrainingOffice.code} (${secondTrainingOffice.comune}); utenti: ${trainingOperators.map((o) => `${o.username}/${o.password}`).join(', ')}\n`,
);
const stop = async () => {
  await central.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
