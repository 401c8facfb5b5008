import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL cluster (Debian's `postgresql` server binaries): `initdb` into a
 * temporary folder (as the `postgres` user when root: the server refuses to run as
 * root), listening on 127.0.0.1 on a free port with its socket in that folder; removed by
 * `stop()`. Used by the tests (one per worker), `npm run central:db` and the load test.
 */
export interface PostgresCluster {
  /** `postgres://sportello@127.0.0.1:PORT/postgres`. */
  adminUrl: string;
  port: number;
  /** A fresh database; its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

export function postgresBinDirectory(): string | null {
  try {
    const directory = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    return existsSync(join(directory, 'initdb')) && existsSync(join(directory, 'pg_ctl')) ? directory : null;
  } catch {
    return null;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * `durable`: fsync and synchronous commit on, as a real server (development, the load
 * test); off by default (tests). `settings`: more server settings (`name=value`).
 */
export async function startPostgresCluster(
  options: { durable?: boolean; maxConnections?: number; settings?: readonly string[] } = {},
): Promise<PostgresCluster> {
  const bin = postgresBinDirectory();
  if (!bin) throw new Error('PostgreSQL server binaries not found (pg_config --bindir): install Debian `postgresql`');
  const root = process.getuid?.() === 0;
  const directory = mkdtempSync(join(tmpdir(), 'sportello-pg-'));
  chmodSync(directory, 0o700);
  if (root) execFileSync('chown', ['postgres:postgres', directory]);
  const asServer = (command: string, args: string[]) => {
    const run = root
      ? spawnSync('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], { encoding: 'utf8' })
      : spawnSync(join(bin, command), args, { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${command} failed: ${run.stderr || run.stdout}`);
  };
  const data = join(directory, 'data');
  asServer('initdb', ['-D', data, '-A', 'trust', '-U', 'sportello', '-E', 'UTF8', '--no-sync', '--locale=C']);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    `-k ${directory}`,
    '-c listen_addresses=127.0.0.1',
    `-c max_connections=${options.maxConnections ?? 300}`,
    ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    ...(options.settings ?? []).map((setting) => `-c ${setting}`),
  ].join(' ');
  asServer('pg_ctl', ['-D', data, '-o', settings, '-l', join(directory, 'server.log'), '-w', '-t', '60', 'start']);
  const adminUrl = `postgres://sportello@127.0.0.1:${port}/postgres`;
  const admin = new pg.Pool({ connectionString: adminUrl, max: 2 });
  admin.on('error', () => {});
  let stopped = false;
  return {
    adminUrl,
    port,
    async createDatabase() {
      const name = `central_${randomBytes(6).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${name}`);
      return `postgres://sportello@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await admin.end().catch(() => {});
      try {
        asServer('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already gone: make sure of it by the postmaster's pid.
        const pidFile = join(data, 'postmaster.pid');
        if (existsSync(pidFile)) {
          const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
          if (pid > 0) process.kill(pid, 'SIGKILL');
        }
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
