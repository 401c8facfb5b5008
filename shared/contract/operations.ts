import { z } from 'zod';

/**
 * The renderer↔main API: one table, operation name → input schema → output schema.
 * Both hosts (Electron IPC, browser-host HTTP) expose exactly these operations; the
 * main side validates every input against `input` before the service sees it.
 */

export const locales = ['it', 'en'] as const;
export const localeSchema = z.enum(locales);
export type Locale = z.infer<typeof localeSchema>;

/** `training`: the embedded reference central service with synthetic applicants. */
export const appModeSchema = z.enum(['training', 'production']);
export type AppMode = z.infer<typeof appModeSchema>;

export const appInfoSchema = z.object({
  productName: z.string(),
  version: z.string(),
  mode: appModeSchema,
  dataDirectory: z.string(),
  locale: localeSchema,
});
export type AppInfo = z.infer<typeof appInfoSchema>;

const noInput = z.strictObject({});

export interface OperationSpec {
  input: z.ZodType;
  output: z.ZodType;
}

export const operations = {
  'app.info': { input: noInput, output: appInfoSchema },
  'app.setLocale': { input: z.strictObject({ locale: localeSchema }), output: appInfoSchema },
} as const satisfies Record<string, OperationSpec>;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export type OperationInput<N extends OperationName> = z.input<Operations[N]['input']>;
export type OperationOutput<N extends OperationName> = z.output<Operations[N]['output']>;

export const operationNames = Object.keys(operations) as OperationName[];

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}
