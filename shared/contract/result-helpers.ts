import type { Message } from '../i18n/messages';
import type { AppError } from './result';

/*
 * A result's values without zod (its schemas are in ./result, which re-exports these):
 * the renderer's first screen builds results without loading the contract.
 */

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: string, message: string, paths?: string[]): Result<never> {
  return { ok: false, error: paths ? { code, message, paths } : { code, message } };
}

/** A failure with its message: `text`, and its Italian words. */
export function failWith(code: string, said: { message: string; text: Message }, paths?: string[]): Result<never> {
  return { ok: false, error: paths ? { code, ...said, paths } : { code, ...said } };
}

/** Error codes the transport itself produces; services add their own. */
export const transportErrorCodes = {
  validation: 'validation',
  internal: 'internal',
  unknownOperation: 'unknown-operation',
  unauthorized: 'unauthorized',
  forbiddenOrigin: 'forbidden-origin',
  payloadTooLarge: 'payload-too-large',
  unsupportedMediaType: 'unsupported-media-type',
  unreachable: 'unreachable',
  tooManyStreams: 'too-many-streams',
} as const;
