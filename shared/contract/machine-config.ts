import { z } from 'zod';
import { officeCodeSchema } from './central-api';
import { settingsLimits } from './settings-limits';

/**
 * The machine-wide configuration IT staff deploy once per PC (docs/it-admin.md):
 *   Windows  %ProgramData%\SportelloIdentificazione\config.json
 *   macOS    /Library/Application Support/SportelloIdentificazione/config.json
 *   Linux    /etc/sportello-identificazione/config.json
 * Every field is optional; what is there wins over the user's settings and is shown
 * read-only. Unknown fields are refused (a typo must not be silently ignored).
 */
const httpUrl = z.url({ protocol: /^https?$/ }).max(500);
/** Updates only over https: an installer is code. */
const httpsUrl = z.url({ protocol: /^https$/, error: 'serve un indirizzo https://' }).max(500);

export const machineConfigSchema = z.strictObject({
  /** Central service; absent: the user's setting (or training mode). */
  centralUrl: httpUrl.optional(),
  /** The office this PC belongs to: sign-in for any other office is refused. */
  office: z.strictObject({ code: officeCodeSchema, name: z.string().trim().min(1).max(200) }).optional(),
  updates: z
    .strictObject({
      /** false: never check for updates (IT deploys new versions itself). */
      enabled: z.boolean().default(true),
      /** A generic electron-updater feed (IT's own mirror); absent: the one built into the app. */
      feedUrl: httpsUrl.optional(),
    })
    .optional(),
  /** Outbound connections: the system's proxy (default), none, or fixed rules (Chromium syntax). */
  proxy: z
    .discriminatedUnion('mode', [
      z.strictObject({ mode: z.literal('system') }),
      z.strictObject({ mode: z.literal('direct') }),
      z.strictObject({
        mode: z.literal('fixed'),
        /** e.g. "http=proxy.scuola.local:3128;https=proxy.scuola.local:3128" */
        rules: z.string().trim().min(1).max(500),
        /** e.g. "<local>;*.scuola.local" */
        bypass: z.string().trim().max(500).optional(),
      }),
    ])
    .optional(),
  retentionDays: z.number().int().min(settingsLimits.retentionDays.min).max(settingsLimits.retentionDays.max).optional(),
});
export type MachineConfig = z.infer<typeof machineConfigSchema>;

/** Which settings the machine-wide configuration fixes (shown read-only). */
export const managedSettingsSchema = z.object({
  path: z.string(),
  centralUrl: z.boolean(),
  retentionDays: z.boolean(),
  officeCode: z.string().nullable(),
  updates: z.enum(['default', 'custom-feed', 'disabled']),
  proxy: z.enum(['system', 'direct', 'fixed']),
});
export type ManagedSettings = z.infer<typeof managedSettingsSchema>;
