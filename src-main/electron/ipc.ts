import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { ipcOperationChannel, operationNames } from '../../shared/contract';
import { failWith, transportErrorCodes } from '../../shared/contract/result';
import { worded } from '../../shared/i18n/messages';
import type { Dispatch } from '../core/rpc/dispatcher';
import type { Logger } from '../core/log';

/**
 * One `ipcMain.handle` per contract operation. A call is answered only when it comes
 * from our own page (senderFrame on the app origin); its input goes to the dispatcher,
 * which validates it. Nothing is thrown back across the boundary.
 */
export function registerOperationHandlers(
  ipcMain: IpcMain,
  dispatch: Dispatch,
  isTrustedUrl: (url: string) => boolean,
  logger: Logger,
): void {
  for (const operation of operationNames) {
    ipcMain.handle(ipcOperationChannel(operation), async (event: IpcMainInvokeEvent, input: unknown) => {
      const frameUrl = event.senderFrame?.url ?? '';
      if (!isTrustedUrl(frameUrl)) {
        logger.warn('ipc.refused', { operation });
        return failWith(transportErrorCodes.forbiddenOrigin, worded({ key: 'transport.not-from-app' }));
      }
      return dispatch(operation, input);
    });
  }
}
