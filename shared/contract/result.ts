import { z } from 'zod';
import type { Message } from '../i18n/messages';

/**
 * What happened, without words (shared/i18n/messages.ts): a catalogue key and its values,
 * worded by the renderer in the person's language. Bounded: it is only ever shown.
 */
export const messageSchema = z.object({
  key: z.string().min(1).max(100),
  params: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Errors cross the process boundary as data, never as exceptions. `code` is stable, meant
 * for logic; `text` is what happened, for the renderer to word in the person's language;
 * `message` is its Italian words (logs, HTTP clients, and where `text` cannot be worded).
 */
export const appErrorSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  text: messageSchema.optional(),
  /** For `validation`: the input paths that failed, e.g. `locale` or `applicant.name`. */
  paths: z.array(z.string()).optional(),
});
export type AppError = z.infer<typeof appErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const resultSchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), value }), z.object({ ok: z.literal(false), error: appErrorSchema })]);

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
