import type { AppEvent } from './events';
import type { OperationName } from './operations';
import type { Result } from './result';

/**
 * The one narrow object the Electron preload exposes on `window[bridgeGlobalName]`.
 * The browser host offers the same two capabilities over HTTP and Server-Sent Events.
 */
export interface DeskBridge {
  invoke(operation: OperationName, input: unknown): Promise<Result<unknown>>;
  /** Returns a function that removes the listener. */
  subscribe(listener: (event: AppEvent) => void): () => void;
}

export const bridgeGlobalName = 'sportello';

/** IPC channel names (Electron): one per operation, one for pushed events. */
export const ipcOperationChannel = (operation: OperationName): string => `op:${operation}`;
export const ipcEventChannel = 'event';
