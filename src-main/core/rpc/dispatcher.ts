import type { z } from 'zod';
import {
  failWith,
  isOperationName,
  operations,
  transportErrorCodes,
  type OperationName,
  type OperationOutput,
  type Result,
} from '../../../shared/contract';
import { worded } from '../../../shared/i18n/messages';
import type { Logger } from '../log';
import { ServiceFailure } from './failures';
import { storeFailureWhileWorking } from '../store/database';

export type OperationHandler<N extends OperationName> = (
  input: z.output<(typeof operations)[N]['input']>,
) => Promise<OperationOutput<N>> | OperationOutput<N>;

/** The handlers of some operations: what a feature installs (typed against the contract's table). */
export type HandlersOf<N extends OperationName> = { [K in N]: OperationHandler<K> };

/** Every operation's handler: `app.ts` joins the features' slices, and a missing one fails the type-check. */
export type OperationHandlers = HandlersOf<OperationName>;

export type Dispatch = (operation: string, input: unknown) => Promise<Result<unknown>>;

/** Human-readable path of a zod issue: `applicant.name`, `items[2].code`, or `(radice)`. */
export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(radice)';
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, '');
}

/**
 * The single entry point both hosts call. It validates input against the contract,
 * calls the handler, and never lets an exception cross the process boundary.
 */
export function createDispatcher(handlers: OperationHandlers, logger: Logger): Dispatch {
  return async (operation, input) => {
    if (typeof operation !== 'string' || !isOperationName(operation)) {
      return failWith(transportErrorCodes.unknownOperation, worded({ key: 'transport.unknown-operation' }));
    }
    const spec = operations[operation];
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) {
      const paths = [...new Set(parsed.error.issues.map((issue) => issuePath(issue.path)))];
      return failWith(transportErrorCodes.validation, worded({ key: 'transport.validation', params: { paths } }), paths);
    }
    try {
      const handler = handlers[operation] as (value: unknown) => unknown;
      const value = await handler(parsed.data);
      return { ok: true, value };
    } catch (error) {
      if (error instanceof ServiceFailure) return failWith(error.code, { message: error.message, text: error.text });
      // The disk, the file or another process (full, read-only, locked): the transaction
      // was rolled back; the person is told why, in words they can act on.
      const stored = storeFailureWhileWorking(error);
      if (stored) {
        logger.error('operation.store-failed', { operation, error: stored.detail });
        return failWith(stored.code, { message: stored.message, text: stored.text });
      }
      // The message may quote data (a constraint, a value): log only the kind and where.
      logger.error('operation.failed', {
        operation,
        error: error instanceof Error ? error.name : typeof error,
        at: error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 4).join(' | ').trim() : undefined,
      });
      return failWith(transportErrorCodes.internal, worded({ key: 'transport.internal' }));
    }
  };
}
