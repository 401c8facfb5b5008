import { contextBridge, ipcRenderer } from 'electron';
import { bridgeGlobalName, ipcEventChannel, ipcOperationChannel, type DeskBridge } from '../../shared/contract/bridge';
import type { AppEvent } from '../../shared/contract/events';

/**
 * The one narrow object exposed to the page: invoke a contract operation, subscribe to
 * pushed events. No ipcRenderer, no generic channel. (Kept free of zod: the main side
 * validates everything.)
 */
/** Words and key as the dispatcher gives them (shared/i18n's `transport.unknown-operation`; the preload stays small). */
const unknownOperation = {
  ok: false,
  error: { code: 'unknown-operation', message: 'Operazione sconosciuta.', text: { key: 'transport.unknown-operation' } },
} as const;

const bridge: DeskBridge = {
  async invoke(operation, input) {
    if (typeof operation !== 'string') {
      return unknownOperation;
    }
    try {
      return await ipcRenderer.invoke(ipcOperationChannel(operation), input);
    } catch {
      return unknownOperation;
    }
  },
  subscribe(listener) {
    const handler = (_event: unknown, appEvent: AppEvent) => listener(appEvent);
    ipcRenderer.on(ipcEventChannel, handler);
    return () => {
      ipcRenderer.removeListener(ipcEventChannel, handler);
    };
  },
};

contextBridge.exposeInMainWorld(bridgeGlobalName, bridge);
