import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ipcEventChannel, ipcOperationChannel, operationNames } from '../../shared/contract';
import { startTestCentral } from '../fixtures/central';
import { signatureOf } from '../../scripts/sign-update';
import { app, dialog, fakeUpdater, FakeBrowserWindow, FakeWebContents, net, powerMonitor, session, state } from '../fixtures/electron-mock';
import { draftFor } from '../fixtures/outcomes';

vi.mock('electron', () => import('../fixtures/electron-mock'));
vi.mock('electron-updater', async () => ({ default: { autoUpdater: (await import('../fixtures/electron-mock')).fakeUpdater } }));

// IT's machine-wide file (the OS location is overridden for the test): office, update mirror, proxy, retention.
const machineConfigFile = join(mkdtempSync(join(tmpdir(), 'sportello-machine-')), 'config.json');
writeFileSync(
  machineConfigFile,
  JSON.stringify({
    office: { code: 'ZZIS00100A', name: 'Istituto di prova' },
    updates: { feedUrl: 'https://mirror.example.invalid/sportello/' },
    proxy: { mode: 'fixed', rules: 'http=proxy.example.invalid:3128', bypass: '<local>' },
    retentionDays: 120,
  }),
);
process.env.SPORTELLO_MACHINE_CONFIG = machineConfigFile;

// A Linux AppImage of a release build: the team's public key beside the app (#18, item 5).
const team = generateKeyPairSync('ed25519');
const resources = mkdtempSync(join(tmpdir(), 'sportello-resources-'));
writeFileSync(join(resources, 'update-signing-key.pem'), team.publicKey.export({ type: 'spki', format: 'pem' }).toString());
(process as { resourcesPath?: string }).resourcesPath = resources;
process.env.APPIMAGE = join(resources, 'Sportello Identificazione-0.1.0.AppImage');
writeFileSync(process.env.APPIMAGE, 'the running AppImage, in a folder the user writes');
const linux = process.platform === 'linux';

const ourFrame = { senderFrame: { url: 'app://desk/index.html' } };

describe('Electron host (mocked electron module)', () => {
  beforeAll(async () => {
    await import('../../src-main/electron/main');
    app.fireReady();
    await vi.waitFor(() => expect(FakeBrowserWindow.created).toHaveLength(1), { timeout: 20_000 });
  });

  it('packaged: no DevTools in any window, and a menu of its own without reload or developer items (#14)', async () => {
    expect(app.isPackaged).toBe(true);
    const [window] = FakeBrowserWindow.created;
    expect(window!.options).toMatchObject({ webPreferences: { devTools: false } });
    const { previewWindowOptions } = await import('../../src-main/electron/print-preview');
    expect(previewWindowOptions('Modulo')).toMatchObject({ webPreferences: { devTools: false } });
    expect(state.applicationMenu).not.toBeNull();
    const roles = JSON.stringify(state.applicationMenu);
    for (const developerItem of ['toggleDevTools', 'reload', 'forceReload', 'toggledevtools', 'forcereload']) {
      expect(roles).not.toContain(`"${developerItem}"`);
    }
    expect(roles).toContain('"copy"');
    expect(roles).toContain('"paste"');
  });

  it('menu (#18, item 2): the desk’s commands and Aiuto, in Italian, in English under the English locale', async () => {
    type Item = { label?: string; accelerator?: string; click?: () => void; submenu?: Item[] };
    const menu = () => state.applicationMenu as unknown as Item[];
    const find = (label: string): Item => {
      const found = menu()
        .flatMap((top) => [top, ...(top.submenu ?? [])])
        .find((item) => item.label === label);
      if (!found) throw new Error(`no menu item ${label}: ${JSON.stringify(menu().map((top) => top.label))}`);
      return found;
    };
    expect(menu().map((top) => top.label)).toEqual(['File', 'Sportello', 'Modifica', 'Visualizza', 'Finestra', 'Aiuto']);
    const window = FakeBrowserWindow.created[0]!;
    // The desk's commands go to the page, which navigates as its own links do.
    find('Archivio').click!();
    expect(window.webContents.sent.at(-1)).toEqual(['event', { name: 'app.navigate', payload: { to: 'archive' } }]);
    expect(find('Archivio').accelerator).toBe('CmdOrCtrl+2');
    find('Informazioni').click!();
    expect(window.webContents.sent.at(-1)).toEqual(['event', { name: 'app.navigate', payload: { to: 'about' } }]);
    // Aiuto → Guida, also with F1 (#18, item 2; the guide of #17).
    expect(find('Guida').accelerator).toBe('F1');
    find('Guida').click!();
    expect(window.webContents.sent.at(-1)).toEqual(['event', { name: 'app.navigate', payload: { to: 'guide' } }]);
    // Aiuto → the folder of the logs (Electron's own), opened in the system's file manager.
    find('Apri la cartella dei log').click!();
    expect(state.openedPaths.at(-1)).toBe(join(state.userData, 'logs'));
    // Under the English locale, the same menu in English.
    await state.handlers.get('op:app.setLocale')!(ourFrame, { locale: 'en' });
    expect(menu().map((top) => top.label)).toEqual(['File', 'Desk', 'Edit', 'View', 'Window', 'Help']);
    expect(find('Open the log folder')).toBeDefined();
    expect(find('Guide').accelerator).toBe('F1');
    await state.handlers.get('op:app.setLocale')!(ourFrame, { locale: 'it' });
    expect(find('Apri la cartella dei log')).toBeDefined();
  });

  it('logs in Electron’s log folder; "Copia diagnostica" puts the text on the clipboard from the main process (#18, item 3)', async () => {
    // The folder is Electron's (app.getPath('logs')), made private at start; the file comes with the first line.
    expect(existsSync(join(state.userData, 'logs'))).toBe(true);
    const answer = (await state.handlers.get('op:app.diagnostics')!(ourFrame, {})) as {
      ok: boolean;
      value: { text: string; copied: boolean };
    };
    expect(answer).toMatchObject({ ok: true, value: { copied: true } });
    expect(state.clipboard).toBe(answer.value.text);
    expect(state.clipboard).toContain('Ultime righe del registro');
    expect(state.clipboard).toContain(join(state.userData, 'logs', 'training.log'));
  });

  it('pins Chromium to the app’s language, and keeps crash reports on this PC (#18)', () => {
    // Dates, the print dialog and the PDF viewer follow the app's language, not the OS's.
    expect(state.switches.get('lang')).toBe('it-IT');
    expect(state.crashReporter).toMatchObject({ uploadToServer: false });
  });

  it('reloads the window when its renderer crashes; the wizard’s draft is still there (#18)', async () => {
    const [window] = FakeBrowserWindow.created;
    await state.handlers.get('op:session.signOut')!(ourFrame, {});
    const signedIn = (await state.handlers.get('op:session.signIn')!(ourFrame, {
      officeCode: 'ZZIS00100A',
      username: 'segreteria',
      password: 'prova-segreteria',
    })) as { ok: boolean };
    expect(signedIn.ok).toBe(true);
    const requestId = 'REQ-0000001';
    const draft = {
      ...draftFor({
        id: requestId,
        declaredDocument: { kind: 'cie', number: 'CA00000AA', issuer: 'Comune', issueDate: '2020-01-01', expiryDate: '2030-01-01' },
        applicant: { fiscalCode: 'RSSMRA80A01H501U' },
      } as never),
    };
    expect(await state.handlers.get('op:drafts.save')!(ourFrame, draft)).toMatchObject({ ok: true });
    const before = window!.webContents.reloads;
    window!.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(window!.webContents.reloads).toBe(before + 1);
    window!.webContents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    expect(window!.webContents.reloads).toBe(before + 1);
    expect(await state.handlers.get('op:drafts.get')!(ourFrame, { requestId })).toMatchObject({ ok: true, value: { requestId } });
    await state.handlers.get('op:session.signOut')!(ourFrame, {}); // leaves the desk as the next tests expect it
  });

  it('takes the single-instance lock and registers app:// as a privileged scheme before ready', () => {
    expect(state.privilegedSchemes).toEqual([
      // codeCache: V8 keeps the renderer's compiled scripts between launches (#20).
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, codeCache: true }) }),
    ]);
    expect(state.quitCalled).toBe(false);
  });

  it('applies the machine-wide configuration: proxy through the session, update mirror, office', async () => {
    expect(session.defaultSession.proxy).toEqual({
      mode: 'fixed_servers',
      proxyRules: 'http=proxy.example.invalid:3128',
      proxyBypassRules: '<local>',
    });
    // Here the copy is a Linux AppImage with the team's key (see above): it updates itself from IT's mirror.
    if (linux) {
      expect(fakeUpdater.feed).toEqual({
        provider: 'generic',
        url: `https://mirror.example.invalid/sportello/linux/${process.arch}`,
        channel: 'latest',
      });
      // An AppImage is never installed by electron-updater's own quit handler.
      expect(fakeUpdater).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: false, allowDowngrade: false });
    }
    expect(await state.handlers.get('op:app.info')!(ourFrame, {})).toMatchObject({
      ok: true,
      value: { machineOffice: { code: 'ZZIS00100A', name: 'Istituto di prova' }, configError: null, updateReady: null },
    });
    if (linux) expect(await state.handlers.get('op:app.info')!(ourFrame, {})).toMatchObject({ value: { updateMode: 'self-verified' } });
    expect(
      await state.handlers.get('op:session.signIn')!(ourFrame, { officeCode: 'ZZIS00100B', username: 'segreteria', password: 'x' }),
    ).toMatchObject({ ok: false, error: { code: 'office-not-allowed' } });
  });

  // The host runs here as a Linux AppImage (CI's machine); elsewhere the copy's install kind differs.
  it.runIf(linux)(
    'tells the renderer when an update is ready (an AppImage: signed by the team), and installs only when asked',
    async () => {
      expect(await state.handlers.get('op:app.installUpdate')!(ourFrame, {})).toMatchObject({ ok: false, error: { code: 'no-update' } });
      const name = 'Sportello Identificazione-0.2.0.AppImage';
      const downloaded = join(resources, name);
      writeFileSync(downloaded, 'the AppImage of 0.2.0');
      const signature = await signatureOf(downloaded, '0.2.0', team.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
      // Electron's net (mocked: the mirror does not exist here) serves the signature beside the file.
      const fetched: string[] = [];
      const centralFetch = net.fetch;
      net.fetch = async (input: string, init?: RequestInit) => {
        if (!String(input).endsWith('.sig')) return centralFetch(input, init);
        fetched.push(String(input));
        return String(input).endsWith(`/${encodeURIComponent(name)}.sig`) ? new Response(signature) : new Response('', { status: 404 });
      };
      fakeUpdater.installerPath = downloaded;
      fakeUpdater.emit('update-downloaded', { version: '0.2.0', downloadedFile: downloaded, files: [{ url: name }] });
      const [window] = FakeBrowserWindow.created;
      try {
        await vi.waitFor(() =>
          expect(window!.webContents.sent).toContainEqual([ipcEventChannel, { name: 'app.updateReady', payload: { version: '0.2.0' } }]),
        );
      } finally {
        net.fetch = centralFetch;
      }
      expect(fetched).toEqual([`https://mirror.example.invalid/sportello/linux/${process.arch}/${encodeURIComponent(name)}.sig`]);
      // Never electron-updater's own quit handler: the verified file is installed by the host when the app quits.
      expect(fakeUpdater.autoInstallOnAppQuit).toBe(false);
      expect(fakeUpdater.installs).toEqual([]);
      expect(await state.handlers.get('op:app.info')!(ourFrame, {})).toMatchObject({ ok: true, value: { updateReady: '0.2.0' } });
      app.emit('quit', {}, 0);
      expect(fakeUpdater.installedOnQuit).toEqual([[true, false]]);
      expect(await state.handlers.get('op:app.installUpdate')!(ourFrame, {})).toEqual({ ok: true, value: null });
      expect(fakeUpdater.installs).toEqual([[false, true]]);
    },
  );

  it.runIf(linux)('https only: electron-updater’s session cancels any http request, redirects included', () => {
    const filters = session.partitions.get('electron-updater') ?? [];
    expect(filters.map((filter) => filter.urls)).toEqual([['http://*/*']]);
    let answer: { cancel: boolean } | null = null;
    filters[0]!.listener({ url: 'http://mirror.example.invalid/sportello/linux/x64/latest-linux.yml' }, (response) => (answer = response));
    expect(answer).toEqual({ cancel: true });
  });

  it('registers one IPC handler for every contract operation, and nothing else', () => {
    expect([...state.handlers.keys()].sort()).toEqual(operationNames.map(ipcOperationChannel).sort());
  });

  it('starts in training mode with the key wrapped by safeStorage, never in clear', async () => {
    const { existsSync, readFileSync } = await import('node:fs');
    const wrapped = join(state.userData, 'training', 'desk.key.enc');
    expect(existsSync(wrapped)).toBe(true);
    expect(readFileSync(wrapped, 'utf8')).toMatch(/^wrapped:/);
    expect(existsSync(join(state.userData, 'training', 'desk.key'))).toBe(false);
    expect(await state.handlers.get('op:app.info')!(ourFrame, {})).toMatchObject({
      ok: true,
      value: { mode: 'training', storeError: null },
    });
  });

  it('creates the window hardened and loads the renderer from app://, not file://', () => {
    const [window] = FakeBrowserWindow.created;
    expect(window!.loadedUrl).toBe('app://desk/index.html');
    const preferences = window!.options.webPreferences as Record<string, unknown>;
    expect(preferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(String(preferences.preload)).toMatch(/preload[\\/]index\.cjs$/);
  });

  it('answers a call from our own page through the dispatcher', async () => {
    const handler = state.handlers.get('op:app.info')!;
    expect(await handler(ourFrame, {})).toMatchObject({
      ok: true,
      value: { productName: 'Sportello Identificazione', version: '9.9.9-test', mode: 'training' },
    });
  });

  it('refuses a call from a foreign frame without dispatching it', async () => {
    const handler = state.handlers.get('op:app.setLocale')!;
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'app://other/index.html', '']) {
      expect(await handler({ senderFrame: { url } }, { locale: 'en' })).toMatchObject({ ok: false, error: { code: 'forbidden-origin' } });
    }
    expect(await handler({ senderFrame: null }, { locale: 'en' })).toMatchObject({ ok: false, error: { code: 'forbidden-origin' } });
    expect(await state.handlers.get('op:app.info')!(ourFrame, {})).toMatchObject({ ok: true, value: { locale: 'it' } });
  });

  it('returns validation for invalid input', async () => {
    const handler = state.handlers.get('op:app.setLocale')!;
    expect(await handler(ourFrame, { locale: 'de' })).toMatchObject({ ok: false, error: { code: 'validation', paths: ['locale'] } });
    expect(await handler(ourFrame, null)).toMatchObject({ ok: false, error: { code: 'validation' } });
  });

  it('pushes core events to the window', async () => {
    const handler = state.handlers.get('op:app.setLocale')!;
    await handler(ourFrame, { locale: 'en' });
    expect(FakeBrowserWindow.created[0]!.webContents.sent).toContainEqual([
      'event',
      { name: 'app.localeChanged', payload: { locale: 'en' } },
    ]);
    await handler(ourFrame, { locale: 'it' });
  });

  it('denies navigation away, new windows, webviews and every permission', () => {
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    const navigate = (name: string, url: string) => {
      const event = {
        prevented: false,
        preventDefault() {
          this.prevented = true;
        },
      };
      contents.emit(name, event, url);
      return event.prevented;
    };
    expect(navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(navigate('will-navigate', 'app://desk/index.html#/')).toBe(false);
    expect(navigate('will-attach-webview', 'app://desk/')).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'https://example.org' })).toEqual({ action: 'deny' });

    let granted: boolean | undefined;
    state.permissionRequestHandler!({}, 'media', (value) => (granted = value));
    expect(granted).toBe(false);
    expect(state.permissionCheckHandler!({}, 'clipboard-read')).toBe(false);
    expect(state.devicePermissionHandler!({})).toBe(false);
  });

  it('opens a print preview window with the PDF viewer, serving the bytes from memory only while it is open', async () => {
    const { openPrintPreview, previewWindowOptions } = await import('../../src-main/electron/print-preview');
    const { BrowserWindow } = await import('electron');
    const bytes = new TextEncoder().encode('%PDF-1.7 test');
    const window = openPrintPreview(BrowserWindow, {
      bytes,
      fileName: 'modulo.pdf',
      title: 'Modulo di adesione',
    }) as unknown as InstanceType<typeof FakeBrowserWindow>;
    expect(window.options).toEqual(previewWindowOptions('Modulo di adesione'));
    expect(window.options.webPreferences).toMatchObject({
      plugins: true,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(window.options.webPreferences).not.toHaveProperty('preload');
    expect(window.loadedUrl).toMatch(/^app:\/\/desk\/__print\/[0-9a-f-]{36}\.pdf$/);
    const handler = state.protocolHandlers.get('app')!;
    const served = await handler(new Request(window.loadedUrl));
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);
    window.emit('closed');
    expect((await handler(new Request(window.loadedUrl))).status).toBe(404);
  });

  it('serves the renderer over app:// with the CSP, and nothing outside its folder', async () => {
    const { resolveRendererFile } = await import('../../src-main/electron/protocol');
    const root = mkdtempSync(join(tmpdir(), 'renderer-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html>');
    expect(resolveRendererFile(root, 'app://desk/')).toBe(join(root, 'index.html'));
    expect(resolveRendererFile(root, 'app://desk/assets/x.js')).toBe(join(root, 'assets/x.js'));
    expect(resolveRendererFile(root, 'app://desk/..%2F..%2Fetc%2Fpasswd')).toBeNull();
    expect(resolveRendererFile(root, 'app://other/index.html')).toBeNull();
    expect(resolveRendererFile(root, 'file:///etc/passwd')).toBeNull();

    const handler = state.protocolHandlers.get('app')!;
    const response = await handler(new Request('app://desk/index.html'));
    // The built renderer may be absent in a unit run; the header must be there either way when served.
    if (response.status === 200) {
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    } else {
      expect(response.status).toBe(404);
    }
    expect((await handler(new Request('app://desk/../../package.json'))).status).toBe(404);
  });

  it('warns, without the key, when Linux has no keyring and safeStorage falls back to basic_text', async () => {
    const { electronDatabaseKey } = await import('../../src-main/electron/database-key');
    const { createMemoryLogger } = await import('../../src-main/core/log');
    const directory = mkdtempSync(join(tmpdir(), 'sportello-key-'));
    const weak = {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'basic_text' as const,
      encryptString: (text: string) => Buffer.from(text),
      decryptString: (data: Buffer) => data.toString(),
    };
    const logger = createMemoryLogger();
    const key = electronDatabaseKey(weak, join(directory, 'desk.key.enc'), join(directory, 'desk.key'), logger, 'linux');
    expect(key).toHaveLength(32);
    expect(logger.lines).toEqual([
      expect.objectContaining({ level: 'warn', event: 'database-key.weak-os-storage', backend: 'basic_text' }),
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain(key.toString('hex'));
    const quiet = createMemoryLogger();
    electronDatabaseKey(weak, join(directory, 'other.key.enc'), join(directory, 'other.key'), quiet, 'win32');
    expect(quiet.lines).toEqual([]);
  });

  it('asks before closing the window with an identification under way, and keeps it open on "continue"', async () => {
    const [window] = FakeBrowserWindow.created;
    const close = () => {
      let prevented = false;
      window!.emit('close', { preventDefault: () => (prevented = true) });
      return prevented;
    };
    // Nothing under way: closes without a question.
    expect(close()).toBe(false);
    expect(dialog.asked).toHaveLength(0);

    const reference = await startTestCentral({ seed: 5, seedValue: 1 });
    const request = (await reference.store.allRequests())[0]!;
    await reference.close();
    await state.handlers.get('op:session.signIn')!(ourFrame, {
      officeCode: 'ZZIS00100A',
      username: 'segreteria',
      password: 'prova-segreteria',
    });
    expect(await state.handlers.get('op:drafts.save')!(ourFrame, draftFor(request))).toEqual({ ok: true, value: null });
    dialog.answer = 0;
    expect(close()).toBe(true);
    expect(dialog.asked.at(-1)).toMatchObject({ buttons: ['Continua l’identificazione', 'Chiudi comunque'], cancelId: 0 });
    dialog.answer = 1;
    expect(close()).toBe(false);
    expect(dialog.asked).toHaveLength(2);
  });

  it('locks the session when the operating system locks the screen or suspends', async () => {
    expect(await state.handlers.get('op:session.current')!(ourFrame, {})).toMatchObject({ ok: true, value: { locked: false } });
    powerMonitor.emit('lock-screen');
    expect(await state.handlers.get('op:session.current')!(ourFrame, {})).toMatchObject({ ok: true, value: { locked: true } });
    const [window] = FakeBrowserWindow.created;
    expect(window!.webContents.sent).toContainEqual([ipcEventChannel, { name: 'session.lock', payload: { locked: true } }]);
  });
});
