import { contextBridge, ipcRenderer } from 'electron';
import { bridgeGlobalName, ipcEventChannel, ipcOperationChannel, type DeskBridge } from '../../shared/contract/bridge';
import type { AppEvent } from '../../shared/contract/events';

/**
 * The one narrow object exposed to the page: invoke a contract operation, subscribe to
 * pushed events. No ipcRenderer, no generic channel. (Kept free of zod: the main side
 * validates everything.)
 */
const bridge: DeskBridge = {
  async invoke(operation, input) {
    if (typeof operation !== 'string') {
      return { ok: false, error: { code: 'unknown-operation', message: 'Operazione sconosciuta.' } };
    }
    try {
      return await ipcRenderer.invoke(ipcOperationChannel(operation), input);
    } catch {
      return { ok: false, error: { code: 'unknown-operation', message: 'Operazione sconosciuta.' } };
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
