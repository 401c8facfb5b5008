import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { app, FakeBrowserWindow, state } from '../fixtures/electron-mock';

vi.mock('electron', () => import('../fixtures/electron-mock'));

/**
 * The built main bundle (out/main/index.js, what the installers ship) boots under the
 * mocked `electron` module: every dependency but the SQLite driver is bundled into it,
 * so this proves the bundle carries what it needs (the embedded training service, the
 * encrypted store, scrypt, pdf-lib with its font) and needs nothing else from node_modules.
 */
const bundle = join(import.meta.dirname, '../../out/main/index.js');
const ourFrame = { senderFrame: { url: 'app://desk/index.html' } };
/** What the IPC handlers answer (the contract's Result), loosely typed for assertions. */
type Answer = { ok: boolean; value: Record<string, unknown> & { cachedRequests: number; base64: string } };
const call = (operation: string, input: unknown) => state.handlers.get(`op:${operation}`)!(ourFrame, input) as Promise<Answer>;

describe.skipIf(!existsSync(bundle))('built main bundle (mocked electron module)', () => {
  beforeAll(async () => {
    // As in a development run: no updater (electron-updater, bundled, would reach for the real Electron).
    app.isPackaged = false;
    process.env.SPORTELLO_MACHINE_CONFIG = join(import.meta.dirname, 'no-machine-config.json');
    await import(/* @vite-ignore */ bundle);
    app.fireReady();
    // The window opens once the embedded training service (PGlite) has started and seeded:
    // about 3 s on a quiet machine, many times that on a loaded one (CI failed once at 30 s,
    // its hook's limit, with the machine busy). Bounds, not waits: it goes on at the window.
    await vi.waitFor(() => expect(FakeBrowserWindow.created).toHaveLength(1), { timeout: 150_000 });
  }, 180_000);

  it('starts in training mode, signs in against the embedded service, pulls requests, renders a PDF and serves the page', async () => {
    expect(await call('app.info', {})).toMatchObject({ ok: true, value: { mode: 'training', storeError: null } });
    const signedIn = await call('session.signIn', { officeCode: 'ZZIS00100A', username: 'dirigente', password: 'prova-dirigente' });
    expect(signedIn).toMatchObject({ ok: true, value: { mode: 'online', operator: { role: 'office-admin' } } });
    const status = await vi.waitFor(
      async () => {
        const result = await call('sync.status', {});
        expect(result.value.cachedRequests).toBeGreaterThan(0);
        return result;
      },
      { timeout: 60_000 },
    );
    expect(status.ok).toBe(true);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
    const register = await call('documents.render', { kind: 'daily-register', date: today });
    expect(register).toMatchObject({ ok: true, value: { fileName: expect.stringMatching(/\.pdf$/) } });
    expect(Buffer.from(register.value.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    const protocolHandler = state.protocolHandlers.get('app')!;
    const page = await protocolHandler(new Request('app://desk/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  }, 120_000);
});
