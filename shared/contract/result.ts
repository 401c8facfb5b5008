import { z } from 'zod';

/**
 * Errors cross the process boundary as data, never as exceptions. `message` is Italian,
 * meant for the person at the desk; `code` is stable, meant for logic.
 */
export const appErrorSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
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
