/**
 * `npm run central:db`: a throwaway PostgreSQL cluster for development (Debian's
 * `postgresql` server binaries; as the `postgres` user when root), on 127.0.0.1 and a free
 * port, with one database. Prints the URL to give `npm run central -- --database-url`;
 * Ctrl+C stops the server and removes its folder.
 */
import { startPostgresCluster } from './postgres-cluster';

const cluster = await startPostgresCluster({ durable: true });
const url = await cluster.createDatabase();
process.stdout.write(
  `PostgreSQL di sviluppo pronto.\n  ${url}\n` +
    `Avviare il servizio centrale: npm run central -- --seed 5000 --database-url ${url}\n` +
    `Ctrl+C per fermarlo (la cartella dei dati viene rimossa).\n`,
);
const stop = async () => {
  await cluster.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
