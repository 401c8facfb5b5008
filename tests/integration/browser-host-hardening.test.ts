import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../src-main/browser-host/server';
import { browserHostKeyPath } from '../../src-main/browser-host/key-location';
import { createTestCore } from '../fixtures/core';

/** #14 at the browser host: token before body, timeouts, a cap on event streams, expiring tokens, the key apart. */
describe('browser host hardening', () => {
  let test: ReturnType<typeof createTestCore>;
  let host: BrowserHost;
  let clock = Date.now();
  beforeAll(async () => {
    test = createTestCore();
    host = await startBrowserHost({
      core: test.core,
      logger: test.logger,
      rendererDirectory: test.dataDirectory,
      requestTimeoutMs: 500,
      tokenIdleMs: 60_000,
      now: () => clock,
    });
  });
  afterAll(async () => {
    await host.close();
    await test.cleanup();
  });

  const rawRequest = (head: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(host.port, '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
      socket.write(head);
    });

  it('checks the token before reading the body: a 1 MiB body without one is refused at once', async () => {
    const url = `${host.origin}/rpc/app.info`;
    const headers = `POST /rpc/app.info HTTP/1.1\r\nHost: ${new URL(url).host}\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\n`;
    // Only the headers are sent: the answer must not wait for the body (nor for the timeout).
    const answer = await rawRequest(headers + '{');
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
  });

  it('asks for the token on every spelling of the protected paths (encoded, absolute-form, fragments)', async () => {
    const authority = new URL(host.origin).host;
    const attempts = [
      `POST /%72pc/app.info HTTP/1.1`,
      `POST /r%70c/session.signOut HTTP/1.1`,
      `POST ${host.origin}/rpc/app.info HTTP/1.1`,
      `GET /%65vents HTTP/1.1`,
      `GET /events#x HTTP/1.1`,
      `GET /events?x=1 HTTP/1.1`,
    ];
    for (const line of attempts) {
      const body = line.startsWith('POST') ? '{}' : '';
      const answer = await rawRequest(
        `${line}\r\nHost: ${authority}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      );
      expect(answer.split('\r\n')[0], line).toMatch(/^HTTP\/1\.1 (401|404)/);
    }
  });

  it('closes a connection that sends its request too slowly', async () => {
    const token = host.issueSessionToken();
    const head = `POST /rpc/app.info HTTP/1.1\r\nHost: ${new URL(host.origin).host}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`;
    // The body never completes: the host ends it (408 or a closed socket), by its request timeout.
    const answer = await rawRequest(head);
    expect(answer === '' || /^HTTP\/1\.1 408/.test(answer)).toBe(true);
  });

  it('caps the event streams of one token', async () => {
    const token = host.issueSessionToken();
    const controllers: AbortController[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const controller = new AbortController();
      controllers.push(controller);
      const response = await fetch(`${host.origin}/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
      statuses.push(response.status);
      if (response.status !== 200) await response.body?.cancel();
    }
    controllers.forEach((controller) => controller.abort());
    expect(statuses.filter((status) => status === 200)).toHaveLength(4);
    expect(statuses.at(-1)).toBe(429);
  });

  it('lets an unused token expire', async () => {
    const token = host.issueSessionToken();
    const call = () =>
      fetch(`${host.origin}/rpc/app.info`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: '{}',
      });
    expect((await call()).status).toBe(200);
    clock += 59_000;
    expect((await call()).status).toBe(200); // in use: the idle time restarts
    clock += 61_000;
    expect((await call()).status).toBe(401);
  });
});

describe('browser host tokens: in page memory, revoked at sign-out', () => {
  it('launch sets an HttpOnly refresh cookie; refresh gives a new token once per cookie; sign-out revokes every token', async () => {
    const test = createTestCore();
    const host = await startBrowserHost({ core: test.core, logger: test.logger, rendererDirectory: test.dataDirectory });
    try {
      const code = new URL(host.issueLaunchUrl()).searchParams.get('launch')!;
      const launched = await fetch(`${host.origin}/auth/launch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
      const cookie = launched.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^sportello-refresh=[\w-]+; HttpOnly; SameSite=Strict; Path=\/auth$/);
      const { value } = (await launched.json()) as { value: { token: string } };
      const call = (token: string, operation = 'app.info') =>
        fetch(`${host.origin}/rpc/${operation}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: '{}',
        });
      expect((await call(value.token)).status).toBe(200);
      const refresh = (cookieHeader: string) =>
        fetch(`${host.origin}/auth/refresh`, { method: 'POST', headers: { cookie: cookieHeader.split(';')[0]! } });
      const refreshed = await refresh(cookie);
      expect(refreshed.status).toBe(200);
      expect((await refresh(cookie)).status).toBe(401); // the cookie was rotated
      const next = refreshed.headers.get('set-cookie')!;
      const second = ((await refreshed.json()) as { value: { token: string } }).value.token;
      // Sign-out (here with nobody signed in: the same event) revokes both tokens.
      expect((await call(second, 'session.signOut')).status).toBe(200);
      expect((await call(value.token)).status).toBe(401);
      expect((await call(second)).status).toBe(401);
      const after = await refresh(next);
      expect(after.status).toBe(200);
      expect((await call(((await after.json()) as { value: { token: string } }).value.token)).status).toBe(200);

      // A refresh asking the first screen's calls (#20): a malformed body is refused and spends nothing.
      const current = after.headers.get('set-cookie')!;
      const refreshWith = (body: unknown) =>
        fetch(`${host.origin}/auth/refresh`, {
          method: 'POST',
          headers: { cookie: current.split(';')[0]!, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      for (const body of [{ first: ['session.signOut'] }, { first: ['app.info'], code: 'x'.repeat(30) }, { firstCalls: [] }]) {
        const refused = await refreshWith(body);
        expect(refused.status).toBe(400);
        expect(await refused.json()).toMatchObject({ ok: false, error: { code: 'validation' } });
      }
      const withFirst = await refreshWith({ first: ['sync.status'] });
      expect(withFirst.status).toBe(200);
      expect(await withFirst.json()).toMatchObject({
        ok: true,
        value: { token: expect.any(String), first: { 'sync.status': { ok: true } } },
      });
      expect((await refreshWith({ first: ['sync.status'] })).status).toBe(401); // rotated, as without them
    } finally {
      await host.close();
      await test.cleanup();
    }
  });
});

describe('browser host data folder', () => {
  it('keeps the store key outside the data folder, and the folder and its files private (0700/0600)', async () => {
    const base = mkdtempSync(join(tmpdir(), 'sportello-host-modes-'));
    const dataDirectory = join(base, 'data');
    const keyDirectory = join(base, 'keys');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, '../../src-main/browser-host/cli.ts'),
        '--data-dir',
        dataDirectory,
        '--central',
        'http://127.0.0.1:9',
      ],
      { env: { ...process.env, SPORTELLO_KEY_DIR: keyDirectory, SPORTELLO_DB_KEY: '' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Aprire:') && resolve());
        child.on('exit', (code) => reject(new Error(`browser host exited (${code})`)));
      });
      expect(readdirSync(dataDirectory).filter((name) => name.endsWith('.key'))).toEqual([]);
      expect(existsSync(browserHostKeyPath(dataDirectory, keyDirectory))).toBe(true);
      const mode = (path: string) => statSync(path).mode & 0o777;
      expect(mode(dataDirectory)).toBe(0o700);
      for (const name of readdirSync(dataDirectory)) {
        const path = join(dataDirectory, name);
        expect(mode(path), name).toBe(statSync(path).isDirectory() ? 0o700 : 0o600);
      }
      expect(mode(browserHostKeyPath(dataDirectory, keyDirectory))).toBe(0o600);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.on('exit', resolve)));
      rmSync(base, { recursive: true, force: true });
    }
  }, 60_000);
});
