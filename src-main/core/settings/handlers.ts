import type { HandlersOf } from '../rpc/dispatcher';
import type { SessionManager } from '../session/session-manager';
import type { InstallationSettings } from './installation-settings';

export function settingsHandlers(settings: InstallationSettings, session: SessionManager): HandlersOf<'settings.get' | 'settings.update'> {
  return {
    'settings.get': () => settings.view(session.current()),
    'settings.update': (change) => {
      settings.update(change, session.operatorId());
      return settings.view(session.current());
    },
  };
}
