import type { MachineConfig } from '../../shared/contract/machine-config';
import type { Logger } from '../core/log';

/**
 * Updates with electron-updater, on IT's terms:
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

/** The part of electron-updater's AppUpdater this module uses (a fake in tests). */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  logger: { info(message?: unknown): void; warn(message?: unknown): void; error(message?: unknown): void } | null;
  setFeedURL(options: { provider: 'generic'; url: string; channel?: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export const updateCheckIntervalMs = 12 * 60 * 60 * 1000;
export const firstCheckDelayMs = 30_000;

export type UpdatePolicy = { enabled: false; reason: 'policy' | 'development' } | { enabled: true; feedUrl: string | null };

/** electron-builder's `${os}` for this platform. */
function feedOs(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'win' : platform === 'darwin' ? 'mac' : 'linux';
}

export function updatePolicy(config: MachineConfig | null, packaged: boolean, platform: NodeJS.Platform, arch: string): UpdatePolicy {
  if (!packaged) return { enabled: false, reason: 'development' };
  if (config?.updates?.enabled === false) return { enabled: false, reason: 'policy' };
  const feed = config?.updates?.feedUrl;
  return { enabled: true, feedUrl: feed ? `${feed.replace(/\/+$/, '')}/${feedOs(platform)}/${arch}` : null };
}

export interface UpdatesOptions {
  /** Called only when updates are enabled (electron-updater builds its updater on first access). */
  updater: () => Updater;
  policy: UpdatePolicy;
  logger: Logger;
  /** Tells the renderer an update is ready (it decides when to restart). */
  onReady: (version: string) => void;
  setInterval?: (callback: () => void, ms: number) => { unref?(): void };
  setTimeout?: (callback: () => void, ms: number) => { unref?(): void };
}

export interface Updates {
  /** The downloaded version, if any. */
  ready(): string | null;
  /** Restarts into the downloaded update now (the caller checked nothing is in progress). */
  install(): boolean;
}

export function startUpdates(options: UpdatesOptions): Updates {
  const { policy, logger } = options;
  let downloaded: string | null = null;
  if (!policy.enabled) {
    logger.info('updates.disabled', { reason: policy.reason });
    return { ready: () => null, install: () => false };
  }
  const updater = options.updater();
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  updater.allowDowngrade = false;
  // electron-updater's own messages may carry URLs and paths, never personal data; keep them short in our log.
  updater.logger = {
    info: () => {},
    warn: (message) => logger.warn('updates.warning', { message: String(message).slice(0, 200) }),
    error: (message) => logger.error('updates.error', { message: String(message).slice(0, 200) }),
  };
  if (policy.feedUrl) updater.setFeedURL({ provider: 'generic', url: policy.feedUrl, channel: 'latest' });
  updater.on('update-downloaded', (info) => {
    downloaded = info.version;
    logger.info('updates.downloaded', { version: info.version });
    options.onReady(info.version);
  });
  updater.on('error', (error) => logger.error('updates.failed', { error: error.name }));

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
      if (!downloaded) return false;
      logger.info('updates.installing', { version: downloaded });
      updater.quitAndInstall(false, true);
      return true;
    },
  };
}
