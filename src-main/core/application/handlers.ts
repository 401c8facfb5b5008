import type { AppInfo, AppMode } from '../../../shared/contract';
import type { EventHub } from '../events';
import type { HandlersOf } from '../rpc/dispatcher';
import { failures } from '../rpc/failures';
import type { PreferencesStore } from '../settings/preferences';

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
  updates?: { ready(): string | null; install(): boolean };
  /** Whether a wizard holds an identification not yet confirmed or refused. */
  identificationInProgress: () => boolean;
}

/** What the app says about itself, its language, and restarting into an update. */
export function applicationHandlers(parts: ApplicationParts): HandlersOf<'app.info' | 'app.setLocale' | 'app.installUpdate'> {
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
  });
  return {
    'app.info': () => info(),
    'app.setLocale': ({ locale }) => {
      const before = parts.preferences.get().locale;
      parts.preferences.update({ locale });
      if (before !== locale) parts.events.publish({ name: 'app.localeChanged', payload: { locale } });
      return info();
    },
    'app.installUpdate': () => {
      if (parts.identificationInProgress()) throw failures.identificationInProgress();
      if (!parts.updates?.install()) throw failures.noUpdate();
      return null;
    },
  };
}
