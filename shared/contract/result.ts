import { z } from 'zod';

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

export const resultSchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), value }), z.object({ ok: z.literal(false), error: appErrorSchema })]);

export { fail, failWith, ok, transportErrorCodes, type Result } from './result-helpers';
