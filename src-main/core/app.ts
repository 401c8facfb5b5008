import { mkdirSync } from 'node:fs';
import type { AppInfo, AppMode } from '../../shared/contract';
import { createDispatcher, type Dispatch, type OperationHandlers } from './dispatcher';
import { createEventHub, type EventHub } from './events';
import type { Logger } from './log';
import { openPreferences } from './preferences';

export const productName = 'Sportello Identificazione';

export interface CoreOptions {
  /** Where this installation keeps its data (Electron: userData; browser host: --data-dir). */
  dataDirectory: string;
  version: string;
  mode: AppMode;
  logger: Logger;
}

/** The application without any host: what Electron and the browser host both wrap. */
export interface Core {
  dispatch: Dispatch;
  events: EventHub;
  close(): Promise<void>;
}

export function createCore(options: CoreOptions): Core {
  mkdirSync(options.dataDirectory, { recursive: true, mode: 0o700 });
  const events = createEventHub();
  const preferences = openPreferences(options.dataDirectory, options.logger);

  const info = (): AppInfo => ({
    productName,
    version: options.version,
    mode: options.mode,
    dataDirectory: options.dataDirectory,
    locale: preferences.get().locale,
  });

  const handlers: OperationHandlers = {
    'app.info': () => info(),
    'app.setLocale': ({ locale }) => {
      const before = preferences.get().locale;
      preferences.update({ locale });
      if (before !== locale) events.publish({ name: 'app.localeChanged', payload: { locale } });
      return info();
    },
  };

  return {
    dispatch: createDispatcher(handlers, options.logger),
    events,
    close: async () => {},
  };
}
