import { operations, type OperationName } from '../../../shared/contract';
import type { SessionInfo } from '../../../shared/contract/sync';
import { failures } from './failures';
import type { OperationHandlers } from './dispatcher';

/** Throws the person's reason when `session` may not call `operation` (the contract says who may). */
export function checkAccess(operation: OperationName, session: SessionInfo | null): void {
  const access = operations[operation].access;
  if (access === 'public') return;
  if (!session) throw failures.notSignedIn();
  if (session.locked) throw failures.sessionLocked();
  if (access === 'office-admin' && session.operator.role !== 'office-admin') throw failures.forbidden();
}

/** The same handlers, each behind the access policy (signed in, unlocked, role) before it runs. */
export function guardHandlers(handlers: OperationHandlers, session: () => SessionInfo | null): OperationHandlers {
  const guarded: Record<string, (input: unknown) => unknown> = {};
  for (const [name, handler] of Object.entries(handlers) as Array<[OperationName, (input: unknown) => unknown]>) {
    guarded[name] = (input) => {
      checkAccess(name, session());
      return handler(input);
    };
  }
  return guarded as OperationHandlers;
}
