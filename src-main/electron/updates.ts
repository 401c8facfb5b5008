import { basename } from 'node:path';
import type { UpdateMode } from '../../shared/contract';
import type { MachineConfig } from '../../shared/contract/machine-config';
import type { Logger } from '../core/log';
import type { InstallKind } from './install-kind';
import { sha512OfFile, signatureMatches, updateStatement } from './update-signature';

/**
 * Updates with electron-updater, on IT's terms and by how the copy was installed
 * (docs/it-admin.md, "Aggiornamenti"):
 * - it updates itself only where the person can replace it without elevation: NSIS
 *   installed for one user, a macOS app in a folder the user writes; an MSI, an NSIS
 *   install for all users, an app in a protected folder are updated by IT (GPO, SCCM,
 *   Intune, Jamf…), a deb by apt;
 * - an AppImage only with a detached signature checked against the key pinned in the
 *   app (update-signature.ts): without a pinned key it does not update itself;
 * - https only: a feed that is not https is refused, the built-in one as IT's mirror;
 * - a generic feed: the one built into the app (electron-builder.yml `publish`), or IT's
 *   mirror from the machine-wide configuration (`updates.feedUrl`, laid out as
 *   `<feed>/<os>/<arch>/latest.yml` like the release);
 * - disabled by policy (`updates.enabled: false`), and never in a development run;
 * - checked 30 s after start and every 12 hours; downloaded in the background;
 * - never a restart during an identification: the renderer is told an update is ready and
 *   the person chooses "restart now" (refused while a wizard has a draft), or it installs
 *   when the app is closed;
 * - signatures: electron-updater refuses a Windows update not signed by the publisher in
 *   app-update.yml (`verifyUpdateCodeSignature`), and Squirrel.Mac one not signed by the
 *   same Developer ID; staged rollouts follow `stagingPercentage` in the feed's latest.yml.
 */

/** What electron-updater says about a downloaded update (the fields this module reads). */
export interface DownloadedUpdate {
  version: string;
  /** Where it was saved (electron-updater's cache). */
  downloadedFile?: string;
  /** The feed's files, relative to it (latest-linux.yml `files[].url`). */
  files?: Array<{ url: string }>;
}

/** The part of electron-updater's AppUpdater this module uses (a fake in tests). */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  logger: { info(message?: unknown): void; warn(message?: unknown): void; error(message?: unknown): void } | null;
  setFeedURL(options: { provider: 'generic'; url: string; channel?: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  /** Installs what was downloaded (BaseUpdater, as the AppImage updater is: its quit handler calls it; so does ours). */
  install?(isSilent?: boolean, isForceRunAfter?: boolean): boolean;
  /** The file electron-updater would install now (BaseUpdater's getter). */
  readonly installerPath?: string | null;
  on(event: 'update-downloaded', listener: (info: DownloadedUpdate) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export const updateCheckIntervalMs = 12 * 60 * 60 * 1000;
export const firstCheckDelayMs = 30_000;

export type UpdatePolicy =
  | { enabled: false; mode: Exclude<UpdateMode, 'self' | 'self-verified'> }
  | {
      enabled: true;
      mode: 'self' | 'self-verified';
      /** IT's mirror for this os/arch; null: the feed built into the app. */
      feedUrl: string | null;
      /** Where the files of the feed in use are (for an AppImage's signature). */
      feedBase: string;
      /** The pinned public key an AppImage's signature is checked with. */
      signingKey: string | null;
    };

/** electron-builder's `${os}` for this platform. */
function feedOs(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'win' : platform === 'darwin' ? 'mac' : 'linux';
}

function isHttps(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The feed built into the app: `url` in app-update.yml (electron-builder writes it from `publish`). */
export function builtInFeedUrl(appUpdateYml: string | null): string | null {
  const match = appUpdateYml ? /^url:\s*['"]?([^'"\s]+)['"]?\s*$/m.exec(appUpdateYml) : null;
  return match ? match[1]! : null;
}

export interface UpdateFacts {
  config: MachineConfig | null;
  install: InstallKind;
  platform: NodeJS.Platform;
  arch: string;
  /** builtInFeedUrl(app-update.yml), null when the app has none. */
  builtInFeed: string | null;
  /** resources/update-signing-key.pem, null when the build pinned none. */
  signingKey: string | null;
}

export function updatePolicy(facts: UpdateFacts): UpdatePolicy {
  const { config, install } = facts;
  if (install === 'not-packaged') return { enabled: false, mode: 'not-installed' };
  if (config?.updates?.enabled === false) return { enabled: false, mode: 'disabled-by-it' };
  if (install === 'msi' || install === 'nsis-per-machine' || install === 'mac-protected' || install === 'appimage-protected')
    return { enabled: false, mode: 'by-it' };
  if (install === 'deb') return { enabled: false, mode: 'package-manager' };
  if (install === 'appimage' && !facts.signingKey) return { enabled: false, mode: 'not-verifiable' };
  const mirror = config?.updates?.feedUrl ? `${config.updates.feedUrl.replace(/\/+$/, '')}/${feedOs(facts.platform)}/${facts.arch}` : null;
  const feedBase = mirror ?? facts.builtInFeed;
  if (!feedBase || !isHttps(feedBase)) return { enabled: false, mode: 'insecure-feed' };
  return install === 'appimage'
    ? { enabled: true, mode: 'self-verified', feedUrl: mirror, feedBase, signingKey: facts.signingKey }
    : { enabled: true, mode: 'self', feedUrl: mirror, feedBase, signingKey: null };
}

export interface UpdatesOptions {
  /** Called only when updates are enabled (electron-updater builds its updater on first access). */
  updater: () => Updater;
  policy: UpdatePolicy;
  logger: Logger;
  /** Tells the renderer an update is ready (it decides when to restart). */
  onReady: (version: string) => void;
  /** Fetches an AppImage's signature (Electron's net: the system's proxy and certificates). */
  fetch?: typeof fetch;
  /** Registers a listener for the app's quit (Electron: `app.on('quit')`), with its exit code. */
  onQuit?: (listener: (exitCode: number) => void) => void;
  setInterval?: (callback: () => void, ms: number) => { unref?(): void };
  setTimeout?: (callback: () => void, ms: number) => { unref?(): void };
}

export interface Updates {
  /** The downloaded version, if any (for an AppImage: once its signature checked out). */
  ready(): string | null;
  /** Restarts into the downloaded update now (the caller checked nothing is in progress). */
  install(): boolean;
  /** How this copy is updated (the About screen says it). */
  mode(): UpdateMode;
}

/** At most this much of a `.sig` is read (a base64 Ed25519 signature is 88 characters). */
const signatureLimit = 1024;

async function readLimited(response: Response): Promise<string | null> {
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > signatureLimit || !response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > signatureLimit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The feed's entry for the file downloaded (latest-linux.yml also lists the deb). */
function feedEntryOf(info: DownloadedUpdate): string | null {
  const downloaded = info.downloadedFile ? basename(info.downloadedFile) : null;
  const names = (info.files ?? []).map((file) => file.url).filter((url) => !/^[a-z]+:/i.test(url) && !url.includes('/'));
  return names.find((name) => name === downloaded) ?? names.find((name) => name.endsWith('.AppImage')) ?? null;
}

/** The AppImage downloaded is the one the team signed for this version: its `.sig` beside it in the feed, checked with the pinned key. */
async function signedByTheTeam(
  info: DownloadedUpdate,
  policy: UpdatePolicy & { enabled: true },
  fetchSignature: typeof fetch,
): Promise<boolean> {
  const file = info.downloadedFile;
  const name = feedEntryOf(info);
  if (!file || !name || !policy.signingKey) return false;
  const response = await fetchSignature(new URL(`${encodeURIComponent(name)}.sig`, `${policy.feedBase.replace(/\/+$/, '')}/`), {
    redirect: 'error',
  });
  const signature = response.ok ? await readLimited(response) : null;
  if (!signature) return false;
  const statement = updateStatement({ version: info.version, fileName: name, sha512: await sha512OfFile(file) });
  return signatureMatches(statement, signature, policy.signingKey);
}

export function startUpdates(options: UpdatesOptions): Updates {
  const { policy, logger } = options;
  let downloaded: string | null = null;
  if (!policy.enabled) {
    logger.info('updates.disabled', { reason: policy.mode });
    return { ready: () => null, install: () => false, mode: () => policy.mode };
  }
  const updater = options.updater();
  const verified = policy.mode === 'self-verified';
  updater.autoDownload = true;
  // An AppImage is never installed by electron-updater's own quit handler (it would install
  // whatever it downloaded last): only the file whose signature checked out, by this module.
  updater.autoInstallOnAppQuit = !verified;
  updater.allowDowngrade = false;
  // electron-updater's own messages may carry URLs and paths, never personal data; keep them short in our log.
  updater.logger = {
    info: () => {},
    warn: (message) => logger.warn('updates.warning', { message: String(message).slice(0, 200) }),
    error: (message) => logger.error('updates.error', { message: String(message).slice(0, 200) }),
  };
  if (policy.feedUrl) updater.setFeedURL({ provider: 'generic', url: policy.feedUrl, channel: 'latest' });
  const announce = (version: string) => {
    downloaded = version;
    logger.info('updates.downloaded', { version });
    options.onReady(version);
  };
  /** The AppImage whose signature checked out; installable while it is still what electron-updater would install. */
  let verifiedFile: string | null = null;
  const installable = () => !verified || (verifiedFile !== null && updater.installerPath === verifiedFile);
  updater.on('update-downloaded', (info) => {
    if (!verified) return announce(info.version);
    // A new download replaces the earlier one: nothing is installable until it checks out.
    downloaded = null;
    verifiedFile = null;
    signedByTheTeam(info, policy, options.fetch ?? fetch)
      .catch(() => false)
      .then((signed) => {
        if (!signed || !info.downloadedFile || updater.installerPath !== info.downloadedFile)
          return logger.error('updates.signature-refused', { version: info.version });
        verifiedFile = info.downloadedFile;
        announce(info.version);
      });
  });
  updater.on('error', (error) => logger.error('updates.failed', { error: error.name }));
  // The verified AppImage installs when the app closes normally, as the others do.
  if (verified)
    options.onQuit?.((exitCode) => {
      if (exitCode !== 0 || !downloaded || !installable()) return;
      logger.info('updates.installing', { version: downloaded });
      updater.install?.(true, false);
    });

  const check = () => {
    updater
      .checkForUpdates()
      .catch((error: unknown) => logger.error('updates.check-failed', { error: error instanceof Error ? error.name : typeof error }));
  };
  (options.setTimeout ?? setTimeout)(check, firstCheckDelayMs).unref?.();
  (options.setInterval ?? setInterval)(check, updateCheckIntervalMs).unref?.();
  return {
    ready: () => downloaded,
    install: () => {
      if (!downloaded || !installable()) return false;
      logger.info('updates.installing', { version: downloaded });
      updater.quitAndInstall(false, true);
      return true;
    },
    mode: () => policy.mode,
  };
}
