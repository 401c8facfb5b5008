import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';

/**
 * #18: the README's first command, `npm ci && npm start`, on a fresh clone. Electron is
 * fetched the ordinary way (its own installer, on first use), here from a loopback
 * mirror serving a stub Electron zip and its SHASUMS256.txt (no internet on CI); the stub
 * records that it was launched with the app, and exits.
 */
const root = join(import.meta.dirname, '../..');
const electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
const supported = process.platform === 'linux' && process.arch === 'x64';

describe.skipIf(!supported)('first run on a fresh clone (linux-x64: the stub is a shell script)', () => {
  it('npm ci && npm start fetches Electron from the configured mirror and launches it with the app', { timeout: 900_000 }, async () => {
    const work = mkdtempSync(join(tmpdir(), 'sportello-first-run-'));
    const clone = join(work, 'clone');
    const record = join(work, 'launched.txt');
    const zipName = `electron-v${electronVersion}-linux-x64.zip`;
    const stub = `#!/bin/sh\nprintf '%s\\n' "$PWD" "$@" > '${record}'\n`;
    const zip = zipSync({
      electron: [new TextEncoder().encode(stub), { os: 3, attrs: 0o100755 << 16 }],
      version: new TextEncoder().encode(`v${electronVersion}`),
    });
    const shasums = `${createHash('sha256').update(zip).digest('hex')} *${zipName}\n`;
    const served: string[] = [];
    const mirror = createServer((request, response) => {
      served.push(request.url ?? '');
      if (request.url === `/v${electronVersion}/${zipName}`) response.end(Buffer.from(zip));
      else if (request.url === `/v${electronVersion}/SHASUMS256.txt`) response.end(shasums);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
    try {
      execFileSync('git', ['clone', '--quiet', root, clone]);
      // npm's cache holds what the provisioning fetched: the fresh clone installs from it (the registry for anything else).
      const npmEnv = { ...process.env };
      delete npmEnv.ELECTRON_SKIP_BINARY_DOWNLOAD;
      execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: clone, env: npmEnv, stdio: 'pipe' });
      const start = spawn('npm', ['start'], {
        cwd: clone,
        env: {
          ...npmEnv,
          ELECTRON_MIRROR: `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/`,
          electron_use_remote_checksums: '1',
          electron_config_cache: join(work, 'electron-cache'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let output = '';
      start.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      start.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => start.on('exit', resolve));
      expect(code, output.slice(-3000)).toBe(0);
      expect(served).toContain(`/v${electronVersion}/${zipName}`);
      const [cwd, ...args] = readFileSync(record, 'utf8').trim().split('\n');
      expect(cwd).toBe(clone);
      expect(args[0]).toBe('.');
    } finally {
      mirror.close();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
