import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBrowserHost } from '../../src-main/browser-host/server';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBrowserHost } from '../fixtures/browser-host';
import { startTestCentral } from '../fixtures/central';
import { createTestCore, signedInDesk } from '../fixtures/core';

describe('browser host over real HTTP on 127.0.0.1', () => {
  let env: Awaited<ReturnType<typeof startTestBrowserHost>>;
  let token: string;
  const rpc = (operation: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${env.host.origin}/rpc/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    env = await startTestBrowserHost();
    token = env.host.issueSessionToken();
  });
  afterAll(async () => env.cleanup());

  it('listens on loopback only and refuses any other address', async () => {
    expect(env.host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const other = createTestCore();
    for (const host of ['0.0.0.0', '192.168.1.10', '::', 'example.org']) {
      await expect(startBrowserHost({ core: other.core, logger: other.logger, rendererDirectory: '/nonexistent', host })).rejects.toThrow(
        /solo su loopback/,
      );
    }
    await other.cleanup();
  });

  it('exchanges a one-time launch code for a token, once', async () => {
    const url = new URL(env.host.issueLaunchUrl());
    const code = url.searchParams.get('launch')!;
    const exchange = () =>
      fetch(`${env.host.origin}/auth/launch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
    const first = await exchange();
    expect(first.status).toBe(200);
    const { value } = (await first.json()) as { value: { token: string } };
    const second = await exchange();
    expect(second.status).toBe(401);
    const info = await fetch(`${env.host.origin}/rpc/app.info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${value.token}` },
      body: '{}',
    });
    expect(info.status).toBe(200);
  });

  it("the token exchange brings the answers of the first screen's calls asked with it, as the calls would give them (#20)", async () => {
    const launch = (body: unknown) =>
      fetch(`${env.host.origin}/auth/launch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const code = new URL(env.host.issueLaunchUrl()).searchParams.get('launch')!;
    // Only the first screen's calls (read-only, no input), each once, and no other field: anything else is
    // refused, and the code stays good.
    for (const body of [
      { code, first: ['session.signOut'] },
      { code, first: ['app.info', 'app.info'] },
      { code, first: ['app.info', 'session.current', 'sync.status', 'app.info'] },
      { code, first: 'app.info' },
      { code, first: ['app.info'], token: 'mine' },
    ]) {
      const refused = await launch(body);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ ok: false, error: { code: 'validation' } });
    }
    const launched = await launch({ code, first: ['app.info', 'session.current', 'sync.status'] });
    expect(launched.status).toBe(200);
    const { value } = (await launched.json()) as { value: { token: string; first: Record<string, unknown> } };
    const asCalled = async (operation: string) => (await rpc(operation, {}, { authorization: `Bearer ${value.token}` })).json();
    expect(value.first).toEqual({
      'app.info': await asCalled('app.info'),
      'session.current': await asCalled('session.current'),
      'sync.status': await asCalled('sync.status'),
    });
    // Without `first`, the token alone, as before.
    const code2 = new URL(env.host.issueLaunchUrl()).searchParams.get('launch')!;
    expect(await (await launch({ code: code2 })).json()).toEqual({ ok: true, value: { token: expect.any(String) } });
  });

  it('answers a valid call with the result', async () => {
    const response = await rpc('app.info', {});
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, value: { productName: 'Sportello Identificazione', mode: 'training' } });
  });

  it('answers 401 without the token or with a wrong one', async () => {
    const none = await fetch(`${env.host.origin}/rpc/app.info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await rpc('app.info', {}, { authorization: 'Bearer wrong-token-wrong-token-wrong' })).status).toBe(401);
    expect((await fetch(`${env.host.origin}/events`)).status).toBe(401);
  });

  it('answers 413 over 1 MiB', async () => {
    const response = await rpc('app.setLocale', JSON.stringify({ locale: 'it', pad: 'x'.repeat(1024 * 1024 + 10) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'payload-too-large' } });
  });

  it('answers 404 for an unknown operation', async () => {
    const response = await rpc('app.deleteEverything', {});
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'unknown-operation' } });
  });

  it('answers 400 validation for bad input and for unreadable JSON', async () => {
    const bad = await rpc('app.setLocale', { locale: 'xx' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'validation', paths: ['locale'] } });
    const broken = await rpc('app.setLocale', '{"locale": ');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ ok: false, error: { code: 'validation' } });
  });

  it('refuses a foreign Origin and a foreign Host', async () => {
    const foreign = await rpc('app.info', {}, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ ok: false, error: { code: 'forbidden-origin' } });
    expect((await rpc('app.info', {}, { origin: env.host.origin })).status).toBe(200);
    // fetch() cannot forge Host; a raw request can (DNS rebinding).
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${env.host.origin}/rpc/app.info`,
        { method: 'POST', headers: { host: 'evil.example', 'content-type': 'application/json', authorization: `Bearer ${token}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
  });

  it('refuses a cross-site simple form post (not JSON)', async () => {
    const response = await rpc('app.setLocale', 'locale=en', { 'content-type': 'text/plain' });
    expect(response.status).toBe(415);
  });

  it('serves the renderer with a strict CSP', async () => {
    const response = await fetch(`${env.host.origin}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('streams pushed events as Server-Sent Events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${env.host.origin}/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    await rpc('app.setLocale', { locale: 'en' });
    // After the state the stream starts with, the event, as it happened.
    let text = '';
    while (!text.includes('event: app.localeChanged')) text += (await reader.read()).value;
    while (!text.endsWith('\n\n')) text += (await reader.read()).value;
    expect(text.slice(text.indexOf('event: app.localeChanged'))).toBe('event: app.localeChanged\ndata: {"locale":"en"}\n\n');
    controller.abort();
    await rpc('app.setLocale', { locale: 'it' });
  });
});

/** A signed-in desk behind a browser host (a stub renderer), closed after `run`. */
async function withDeskHost(
  run: (test: Awaited<ReturnType<typeof signedInDesk>>, host: Awaited<ReturnType<typeof startBrowserHost>>) => Promise<void>,
) {
  const central = await startTestCentral({ seed: 20, seedValue: 11 });
  const test = await signedInDesk(central);
  const host = await startBrowserHost({
    core: test.core,
    logger: test.logger,
    rendererDirectory: mkdtempSync(join(tmpdir(), 'renderer-stub-')),
  });
  try {
    await run(test, host);
  } finally {
    await host.close();
    await test.cleanup();
  }
}

/** The page's event stream: its text as it comes, and the controller that closes it. */
async function openStream(host: Awaited<ReturnType<typeof startBrowserHost>>) {
  const controller = new AbortController();
  const response = await fetch(`${host.origin}/events`, {
    headers: { authorization: `Bearer ${host.issueSessionToken()}` },
    signal: controller.signal,
  });
  return { controller, reader: response.body!.pipeThrough(new TextDecoderStream()).getReader() };
}

describe('browser host: a stream starts with the state as it is', () => {
  it('a page whose stream opens while the session is locked learns it at once, with the sync status (no call needed)', () =>
    withDeskHost(async (test, host) => {
      // Locked from elsewhere (another window, the idle timer) before this page's stream opens.
      expect(await test.core.call('session.lock', {})).toMatchObject({ ok: true });
      const { controller, reader } = await openStream(host);
      let text = '';
      while (!(text.includes('event: session.lock') && text.includes('event: sync.status') && text.endsWith('\n\n')))
        text += (await reader.read()).value;
      controller.abort();
      const events = text
        .split('\n\n')
        .filter((block) => block.startsWith('event: '))
        .map((block) => ({ name: block.split('\n')[0]!.slice(7), data: JSON.parse(block.split('\n')[1]!.slice(6)) as unknown }));
      expect(events[0]).toEqual({ name: 'session.lock', data: { locked: true } });
      // The status as the desk holds it (this one has not reached the service since its sign-in: sync not started).
      const status = await test.core.call('sync.status', {});
      expect(events[1]).toEqual({ name: 'sync.status', data: JSON.parse(JSON.stringify(status.ok && status.value)) as unknown });
    }));

  it('a stream whose opening state cannot be read still carries the events that follow', () =>
    withDeskHost(async (test, host) => {
      const call = test.core.call.bind(test.core);
      let failed = 0;
      vi.spyOn(test.core, 'call').mockImplementation(((operation: string, input: unknown) =>
        operation === 'sync.status' && failed++ === 0
          ? Promise.reject(new Error('state unreadable'))
          : call(operation as never, input as never)) as typeof test.core.call);
      const { controller, reader } = await openStream(host);
      let text = (await reader.read()).value ?? '';
      expect(await call('session.lock', {})).toMatchObject({ ok: true });
      while (!text.includes('event: session.lock')) text += (await reader.read()).value;
      controller.abort();
      expect(failed).toBeGreaterThan(0);
      expect(text).toContain('data: {"locked":true}');
    }));
});
