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

/**
 * Browser host: the calls of the first screen (read-only, no input) a page may ask with
 * its token exchange (launch or refresh). Their answers come with the token, computed
 * after the calls were asked, so the first screen waits on one round trip, not two (#20).
 */
export const firstScreenOperations = ['app.info', 'session.current', 'sync.status'] as const satisfies readonly OperationName[];
export type FirstScreenOperation = (typeof firstScreenOperations)[number];

/** IPC channel names (Electron): one per operation, one for pushed events. */
export const ipcOperationChannel = (operation: OperationName): string => `op:${operation}`;
export const ipcEventChannel = 'event';
