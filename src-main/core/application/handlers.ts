import type { AppInfo, AppMode, UpdateMode } from '../../../shared/contract';
import type { CoreOptions } from '../core-options';
import { createEventHub, type EventHub } from '../events';
import type { Logger } from '../log';
import type { HandlersOf } from '../rpc/dispatcher';
import { failures } from '../rpc/failures';
import type { MachineConfigState } from '../settings/machine-config';
import { openPreferences, type PreferencesStore } from '../settings/preferences';
import { diagnosticsText, type LiveDiagnostics } from './diagnostics';

export const productName = 'Sportello Identificazione';

export interface ApplicationParts {
  version: string;
  mode: AppMode;
  dataDirectory: string;
  preferences: PreferencesStore;
  events: EventHub;
  /** Why the core could not start (shown instead of the desk), or null. */
  storeError: AppInfo['storeError'];
  configError: AppInfo['configError'];
  machineOffice: AppInfo['machineOffice'];
  /** Electron: the updater (absent in the browser host and in development). */
  /** The host's updates: what is downloaded, installing it, and how this copy is updated (absent: not an installed copy). */
  updates?: { ready(): string | null; install(): boolean; mode(): UpdateMode };
  /** Whether a wizard holds an identification not yet confirmed or refused. */
  identificationInProgress: () => boolean;
  /** The log file whose last lines go into the diagnostics. */
  logFile?: string;
  /** The host puts text on the system clipboard (Electron); absent: the page copies it. */
  copyText?: (text: string) => void;
  /** A working desk's settings and queue, for the diagnostics. */
  live?: () => LiveDiagnostics;
}

/** The parts every core has (a working one, or one that could not start). */
export function commonParts(options: CoreOptions, machine: MachineConfigState, logger: Logger) {
  return {
    version: options.version,
    mode: options.mode,
    dataDirectory: options.dataDirectory,
    preferences: openPreferences(options.preferencesDirectory ?? options.dataDirectory, logger),
    events: createEventHub(),
    machineOffice: machine.status === 'valid' ? (machine.config.office ?? null) : null,
    updates: options.updates,
    logFile: options.logFile,
    copyText: options.copyText,
  };
}

/** What the app says about itself, its language, and restarting into an update. */
export function applicationHandlers(
  parts: ApplicationParts,
): HandlersOf<'app.info' | 'app.setLocale' | 'app.installUpdate' | 'app.diagnostics'> {
  const info = (): AppInfo => ({
    productName,
    version: parts.version,
    mode: parts.mode,
    dataDirectory: parts.dataDirectory,
    locale: parts.preferences.get().locale,
    storeError: parts.storeError,
    configError: parts.configError,
    machineOffice: parts.machineOffice,
    updateReady: parts.updates?.ready() ?? null,
    updateMode: parts.updates?.mode() ?? 'not-installed',
  });
  return {
    'app.info': () => info(),
    'app.setLocale': ({ locale }) => {
      const before = parts.preferences.get().locale;
      parts.preferences.update({ locale });
      if (before !== locale) parts.events.publish({ name: 'app.localeChanged', payload: { locale } });
      return info();
    },
    // On the clipboard by the host when it can (Electron), else by the page with the text.
    'app.diagnostics': () => {
      const text = diagnosticsText(parts, new Date());
      parts.copyText?.(text);
      return { text, copied: parts.copyText !== undefined };
    },
    'app.installUpdate': () => {
      if (parts.identificationInProgress()) throw failures.identificationInProgress();
      if (!parts.updates?.install()) throw failures.noUpdate();
      return null;
    },
  };
}
