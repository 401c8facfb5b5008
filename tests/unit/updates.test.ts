import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { machineConfigSchema } from '../../shared/contract/machine-config';
import { createMemoryLogger } from '../../src-main/core/log';
import { installKindOf, type InstallFacts } from '../../src-main/electron/install-kind';
import {
  builtInFeedUrl,
  firstCheckDelayMs,
  startUpdates,
  updateCheckIntervalMs,
  updatePolicy,
  type UpdateFacts,
  type UpdatePolicy,
  type Updater,
} from '../../src-main/electron/updates';
import { signatureOf } from '../../scripts/sign-update';
import { FakeUpdater } from '../fixtures/electron-mock';

const feed = 'https://aggiornamenti.example.invalid/sportello/linux/x64';
const facts = (change: Partial<UpdateFacts>): UpdateFacts => ({
  config: null,
  install: 'nsis-per-user',
  platform: 'win32',
  arch: 'x64',
  builtInFeed: 'https://aggiornamenti.example.invalid/sportello/win/x64',
  signingKey: null,
  ...change,
});

describe('how each kind of install is updated (#18, item 5)', () => {
  const windows = (executable: string, uninstaller: boolean): InstallFacts => ({
    packaged: true,
    platform: 'win32',
    executable,
    productName: 'Sportello Identificazione',
    env: { LOCALAPPDATA: 'C:\\Users\\segreteria\\AppData\\Local' },
    packageType: null,
    exists: (path) => uninstaller && path.endsWith('Uninstall Sportello Identificazione.exe'),
    writable: () => true,
  });

  it('tells the install kinds apart by where the copy is', () => {
    expect(installKindOf(windows('C:/Users/segreteria/AppData/Local/Programs/sportello/sportello.exe', true))).toBe('nsis-per-user');
    expect(
      installKindOf({
        ...windows('c:/users/segreteria/appdata/local/Programs/sportello/sportello.exe', true),
        env: { LOCALAPPDATA: 'C:/Users/segreteria/AppData/Local' },
      }),
    ).toBe('nsis-per-user');
    expect(installKindOf(windows('C:/Program Files/Sportello Identificazione/sportello.exe', true))).toBe('nsis-per-machine');
    expect(installKindOf(windows('C:/Program Files/Sportello Identificazione/sportello.exe', false))).toBe('msi');
    const mac = (writable: boolean): InstallFacts => ({
      packaged: true,
      platform: 'darwin',
      executable: '/Applications/Sportello Identificazione.app/Contents/MacOS/Sportello Identificazione',
      productName: 'Sportello Identificazione',
      env: {},
      packageType: null,
      exists: () => true,
      writable: () => writable,
    });
    expect(installKindOf(mac(true))).toBe('mac-replaceable');
    expect(installKindOf(mac(false))).toBe('mac-protected');
    const linux = { ...mac(true), platform: 'linux' as const, executable: '/opt/Sportello Identificazione/sportello-identificazione' };
    expect(installKindOf({ ...linux, env: { APPIMAGE: '/home/s/Sportello.AppImage' } })).toBe('appimage');
    expect(installKindOf({ ...linux, env: { APPIMAGE: '/opt/Sportello.AppImage' }, writable: () => false })).toBe('appimage-protected');
    // $APPIMAGE passed on by a parent process does not make the deb an AppImage.
    expect(installKindOf({ ...linux, env: { APPIMAGE: '/home/s/Sportello.AppImage' }, packageType: 'deb' })).toBe('deb');
    expect(installKindOf(linux)).toBe('deb');
    expect(installKindOf({ ...linux, packaged: false })).toBe('not-packaged');
  });

  it('updates itself only where the person may replace the copy; IT, apt or nobody otherwise', () => {
    expect(updatePolicy(facts({}))).toMatchObject({ enabled: true, mode: 'self', feedUrl: null });
    expect(updatePolicy(facts({ install: 'mac-replaceable', platform: 'darwin' }))).toMatchObject({ enabled: true, mode: 'self' });
    expect(updatePolicy(facts({ install: 'msi' }))).toEqual({ enabled: false, mode: 'by-it' });
    expect(updatePolicy(facts({ install: 'nsis-per-machine' }))).toEqual({ enabled: false, mode: 'by-it' });
    expect(updatePolicy(facts({ install: 'mac-protected', platform: 'darwin' }))).toEqual({ enabled: false, mode: 'by-it' });
    expect(updatePolicy(facts({ install: 'appimage-protected', platform: 'linux', signingKey: 'PEM' }))).toEqual({
      enabled: false,
      mode: 'by-it',
    });
    expect(updatePolicy(facts({ install: 'deb', platform: 'linux' }))).toEqual({ enabled: false, mode: 'package-manager' });
    expect(updatePolicy(facts({ install: 'not-packaged' }))).toEqual({ enabled: false, mode: 'not-installed' });
    expect(updatePolicy(facts({ config: { updates: { enabled: false } } }))).toEqual({ enabled: false, mode: 'disabled-by-it' });
  });

  it('an AppImage updates itself only with a key pinned to check its signature with', () => {
    const appImage = facts({ install: 'appimage', platform: 'linux', builtInFeed: feed });
    expect(updatePolicy(appImage)).toEqual({ enabled: false, mode: 'not-verifiable' });
    expect(updatePolicy({ ...appImage, signingKey: 'PEM' })).toEqual({
      enabled: true,
      mode: 'self-verified',
      feedUrl: null,
      feedBase: feed,
      signingKey: 'PEM',
    });
  });

  it('https only: IT’s mirror and the built-in feed alike; a mirror gets electron-builder’s os/arch layout', () => {
    expect(machineConfigSchema.safeParse({ updates: { feedUrl: 'http://m.example.invalid/s' } }).success).toBe(false);
    expect(updatePolicy(facts({ builtInFeed: 'http://aggiornamenti.example.invalid/win/x64' }))).toEqual({
      enabled: false,
      mode: 'insecure-feed',
    });
    expect(updatePolicy(facts({ builtInFeed: null }))).toEqual({ enabled: false, mode: 'insecure-feed' });
    expect(updatePolicy(facts({ config: { updates: { enabled: true, feedUrl: 'https://m.example.invalid/s//' } } }))).toMatchObject({
      enabled: true,
      feedUrl: 'https://m.example.invalid/s/win/x64',
      feedBase: 'https://m.example.invalid/s/win/x64',
    });
    expect(builtInFeedUrl('owner: x\nurl: https://a.example.invalid/s/linux/x64\nprovider: generic\n')).toBe(
      'https://a.example.invalid/s/linux/x64',
    );
    expect(builtInFeedUrl(null)).toBeNull();
  });

  it('checks 30 s after start and every 12 hours, and never builds the updater when disabled', () => {
    const timers: Array<[string, number, () => void]> = [];
    let built = 0;
    const updater = new FakeUpdater();
    const options = {
      logger: createMemoryLogger(),
      onReady: () => {},
      setTimeout: (callback: () => void, ms: number) => (timers.push(['timeout', ms, callback]), {}),
      setInterval: (callback: () => void, ms: number) => (timers.push(['interval', ms, callback]), {}),
      updater: () => (built++, updater as unknown as Updater),
    };
    const disabled = startUpdates({ ...options, policy: { enabled: false, mode: 'by-it' } });
    expect(built).toBe(0);
    expect(disabled.install()).toBe(false);
    expect(disabled.mode()).toBe('by-it');
    const self = startUpdates({ ...options, policy: updatePolicy(facts({})) });
    expect(self.mode()).toBe('self');
    expect(built).toBe(1);
    expect(updater.feed).toBeNull();
    expect(updater.autoInstallOnAppQuit).toBe(true);
    expect(timers.map(([kind, ms]) => [kind, ms])).toEqual([
      ['timeout', firstCheckDelayMs],
      ['interval', updateCheckIntervalMs],
    ]);
    expect(updateCheckIntervalMs).toBe(12 * 60 * 60 * 1000);
    timers.forEach(([, , callback]) => callback());
    expect(updater.checks).toBe(2);
  });
});

describe('an AppImage downloaded is installed only with the team’s signature (#18, item 5)', () => {
  let folder: string;
  let server: Server;
  const signatures = new Map<string, string>();
  let base: string;
  const team = generateKeyPairSync('ed25519');
  const someoneElse = generateKeyPairSync('ed25519');
  const pem = (key: typeof team.publicKey) => key.export({ type: 'spki', format: 'pem' }).toString();
  const privatePem = (key: typeof team.privateKey) => key.export({ type: 'pkcs8', format: 'pem' }).toString();

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'sportello-update-'));
    signatures.clear();
    server = createServer((request, response) => {
      const signature = signatures.get(decodeURIComponent(request.url ?? ''));
      response.writeHead(signature ? 200 : 404).end(signature ?? 'not found');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/linux/x64`;
  });
  afterEach(async () => {
    server.close();
    await once(server, 'close');
    rmSync(folder, { recursive: true, force: true });
  });

  const name = 'Sportello Identificazione-0.2.0-x86_64.AppImage';

  /** A running copy whose updates are on (an AppImage with the team's key), with its quit listener. */
  function running() {
    const updater = new FakeUpdater();
    const logger = createMemoryLogger();
    const policy: UpdatePolicy = { enabled: true, mode: 'self-verified', feedUrl: null, feedBase: base, signingKey: pem(team.publicKey) };
    let quit: (exitCode: number) => void = () => {};
    const outcomes: Array<(version: string | null) => void> = [];
    const error = logger.error.bind(logger);
    logger.error = (event, fields) => {
      error(event, fields);
      if (event === 'updates.signature-refused') outcomes.shift()?.(null);
    };
    const updates = startUpdates({
      updater: () => updater as unknown as Updater,
      policy,
      logger,
      onReady: (version) => outcomes.shift()?.(version),
      onQuit: (listener) => (quit = listener),
      setTimeout: () => ({}),
      setInterval: () => ({}),
    });
    // electron-updater's own quit handler never installs an AppImage.
    expect(updater.autoInstallOnAppQuit).toBe(false);
    /** electron-updater downloaded `file` for `version`: resolves with the version announced, or null when refused. */
    const downloaded = (file: string, version: string, files = [{ url: name }]) =>
      new Promise<string | null>((resolve) => {
        outcomes.push(resolve);
        updater.installerPath = file;
        updater.emit('update-downloaded', { version, downloadedFile: file, files });
      });
    return { updater, updates, downloaded, quit: (exitCode: number) => quit(exitCode) };
  }

  async function appImage(content: string, options: { version?: string; signWith?: typeof team.privateKey | null } = {}) {
    const file = join(folder, name);
    writeFileSync(file, content);
    const signWith = options.signWith === undefined ? team.privateKey : options.signWith;
    if (signWith) signatures.set(`/linux/x64/${name}.sig`, await signatureOf(file, options.version ?? '0.2.0', privatePem(signWith)));
    else signatures.delete(`/linux/x64/${name}.sig`);
    return file;
  }

  it('signed by the team for this version: announced, installed when the app closes normally or on "restart now"', async () => {
    const copy = running();
    const file = await appImage('the AppImage of 0.2.0');
    expect(await copy.downloaded(file, '0.2.0')).toBe('0.2.0');
    expect(copy.updates.ready()).toBe('0.2.0');
    copy.quit(1);
    expect(copy.updater.installedOnQuit).toEqual([]);
    copy.quit(0);
    expect(copy.updater.installedOnQuit).toEqual([[true, false]]);
    expect(copy.updates.install()).toBe(true);
    expect(copy.updater.installs).toEqual([[false, true]]);
  });

  it('signed by another key, not signed, changed after signing, or signed for another version: never announced, never installed', async () => {
    for (const [content, options, change] of [
      ['a', { signWith: someoneElse.privateKey }, null],
      ['b', { signWith: null }, null],
      ['c', {}, 'changed on the way'],
      // An old AppImage the team once signed, served as a new version.
      ['d', { version: '0.1.0' }, null],
    ] as const) {
      const copy = running();
      const file = await appImage(content, options);
      if (change) writeFileSync(file, change);
      expect(await copy.downloaded(file, '0.2.0'), content).toBeNull();
      expect(copy.updates.ready()).toBeNull();
      expect(copy.updates.install()).toBe(false);
      copy.quit(0);
      expect(copy.updater.installedOnQuit).toEqual([]);
    }
  });

  it('a download after a verified one is not installed until it checks out itself', async () => {
    const copy = running();
    expect(await copy.downloaded(await appImage('the AppImage of 0.2.0'), '0.2.0')).toBe('0.2.0');
    // Twelve hours later the feed serves another file, not signed.
    const other = join(folder, 'other.AppImage');
    writeFileSync(other, 'not the team’s');
    expect(await copy.downloaded(other, '0.3.0', [{ url: 'other.AppImage' }])).toBeNull();
    expect(copy.updates.install()).toBe(false);
    copy.quit(0);
    expect(copy.updater.installedOnQuit).toEqual([]);
  });

  it('finds the AppImage among the feed’s files (the deb is listed too), and reads no more than a signature', async () => {
    const copy = running();
    const file = await appImage('the AppImage of 0.2.0');
    const files = [{ url: 'sportello-identificazione_0.2.0_amd64.deb' }, { url: name }];
    expect(await copy.downloaded(file, '0.2.0', files)).toBe('0.2.0');
    const huge = running();
    signatures.set(`/linux/x64/${name}.sig`, 'A'.repeat(100_000));
    expect(await huge.downloaded(file, '0.2.0')).toBeNull();
  });
});
