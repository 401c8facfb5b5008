import { operationNames, type OperationName } from '../../../shared/contract';
import type { UnavailableCore } from '../core-options';
import type { Logger } from '../log';
import { createDispatcher, type OperationHandlers } from '../rpc/dispatcher';
import type { ServiceFailure } from '../rpc/failures';
import { applicationHandlers, type ApplicationParts } from './handlers';

/**
 * The core when IT's configuration is invalid or the store cannot be opened: what the
 * app says about itself answers (the screen shows the reason), nobody is signed in,
 * and every other operation answers the reason.
 */
export function createUnavailableCore(
  parts: Omit<ApplicationParts, 'identificationInProgress'>,
  reason: ServiceFailure,
  logger: Logger,
): UnavailableCore {
  const refuse = () => {
    throw reason;
  };
  const handlers = {
    ...(Object.fromEntries(operationNames.map((name) => [name, refuse])) as Record<OperationName, typeof refuse>),
    ...applicationHandlers({ ...parts, identificationInProgress: () => false }),
    'session.current': () => null,
    'session.touch': () => null,
  } as OperationHandlers;
  const dispatch = createDispatcher(handlers, logger);
  return {
    status: 'unavailable',
    dispatch,
    call: (operation, input) => dispatch(operation, input) as never,
    events: parts.events,
    identificationInProgress: () => false,
    lockSession: () => undefined,
    close: async () => undefined,
  };
}
