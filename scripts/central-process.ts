import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * `npm run central` in a process of its own and its own process group (as a real
 * server would run: the caller and the service do not share a thread), for the tests,
 * the benchmarks and the load run. Resolves once it prints its address (and, with
 * `--admin`, its admin address); `stop()` ends the whole group.
 */
export interface CentralProcess {
  url: string;
  adminUrl: string | null;
  stop(): Promise<void>;
}

const root = join(import.meta.dirname, '..');

export async function spawnCentral(args: string[], options: { stderr?: 'inherit' | 'pipe' } = {}): Promise<CentralProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(root, 'central/cli.ts'), '--port', '0', ...args], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', options.stderr ?? 'inherit'],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        resolve(); // the group is already gone
      }
    });
  const wantsAdmin = args.includes('--admin');
  try {
    const urls = await new Promise<{ url: string; adminUrl: string | null }>((resolve, reject) => {
      let output = '';
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const api = /su (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        const admin = /(http:\/\/127\.0\.0\.1:\d+)\/admin/.exec(output);
        if (api && (admin || !wantsAdmin)) resolve({ url: api[1]!, adminUrl: admin?.[1] ?? null });
      };
      child.stdout!.on('data', read);
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`central exited with ${code}: ${output}`)));
    });
    return { ...urls, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
