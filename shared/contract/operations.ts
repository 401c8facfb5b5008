import { z } from 'zod';
import { locales } from './locales';
import { managedSettingsSchema } from './machine-config';
import { settingsLimits } from './settings-limits';
import { refusalReasonCodes } from '../domain/refusal-reasons';
import { messageSchema } from './result';
import {
  createOperatorRequestSchema,
  createOperatorResponseSchema,
  enablementRequestSchema,
  managedOperatorSchema,
  officeCodeSchema,
  passwordRulesMinLength,
  trainingExerciseSchema,
} from './central-api';
import { documentRequestSchema, printResultSchema, renderedDocumentSchema } from './documents';
import { archiveEntrySchema, csvExportSchema, identificationDraftSchema, identificationResultSchema } from './identification';
import { archiveFiltersSchema, archiveRangeSchema, archiveStatisticsSchema } from './archive';
import { lookupResultSchema, sessionSchema, syncProblemSchema, syncStatusSchema } from './sync';

/**
 * The renderer↔main API: one table, operation name → input schema → output schema.
 * Both hosts (Electron IPC, browser-host HTTP) expose exactly these operations; the
 * main side validates every input against `input` before the service sees it.
 */

export { locales, type Locale } from './locales';
export const localeSchema = z.enum(locales);

/** `training`: the embedded reference central service with synthetic applicants. */
export const appModeSchema = z.enum(['training', 'production']);
export type AppMode = z.infer<typeof appModeSchema>;

/**
 * How a copy gets new versions: it updates itself (`self`; an AppImage only after checking
 * the signature against the pinned key: `self-verified`), IT installs them (`by-it`: MSI,
 * NSIS for all users, an app in a folder only administrators write), the package manager
 * does (`package-manager`: deb), or it does not update itself (`disabled-by-it` by the
 * configuration, `not-verifiable`: no key to check an AppImage with, `insecure-feed`: a feed
 * that is not https, `not-installed`: a development run or the browser host).
 */
export const updateModeSchema = z.enum([
  'self',
  'self-verified',
  'by-it',
  'package-manager',
  'disabled-by-it',
  'not-verifiable',
  'insecure-feed',
  'not-installed',
]);
export type UpdateMode = z.infer<typeof updateModeSchema>;

export const appInfoSchema = z.object({
  productName: z.string(),
  version: z.string(),
  mode: appModeSchema,
  dataDirectory: z.string(),
  locale: localeSchema,
  /** The local store could not be opened: what the person must know (Italian). */
  storeError: z.object({ code: z.string(), message: z.string(), text: messageSchema.optional() }).nullable(),
  /** The machine-wide configuration file is invalid: the app does not start (Italian problems, field by field). */
  configError: z.object({ path: z.string(), problems: z.array(z.string()) }).nullable(),
  /** The office this PC is configured for by IT (sign-in is limited to it). */
  machineOffice: z.object({ code: z.string(), name: z.string() }).nullable(),
  /** A downloaded update waiting for a restart (its version), or null. */
  updateReady: z.string().nullable(),
  /** How this copy gets new versions (src-main/electron/updates.ts), for the About screen. */
  updateMode: updateModeSchema,
});
export type AppInfo = z.infer<typeof appInfoSchema>;

const noInput = z.strictObject({});
const trainingExercisesStateSchema = z.object({ items: z.array(trainingExerciseSchema), outage: z.boolean() });

/** What a retention purge removed. */
export const purgeReportSchema = z.object({
  at: z.string(),
  retentionDays: z.number().int(),
  identifications: z.number().int().nonnegative(),
  requests: z.number().int().nonnegative(),
  auditEntries: z.number().int().nonnegative(),
});
export type PurgeReport = z.infer<typeof purgeReportSchema>;

/** What erasing one applicant's local data removed. */
export const erasureReportSchema = z.object({
  fiscalCode: z.string(),
  identifications: z.number().int().nonnegative(),
  requests: z.number().int().nonnegative(),
});
export type ErasureReport = z.infer<typeof erasureReportSchema>;

const limited = (limits: { min: number; max: number }) => z.number().int().min(limits.min).max(limits.max);

export const settingsSchema = z.object({
  /** Chosen central service; null: training mode. Takes effect at the next start. */
  centralUrl: z.string().nullable(),
  /** The central service in use now. */
  activeCentralUrl: z.string(),
  restartNeeded: z.boolean(),
  /** Days after which acknowledged identifications, cached requests and the audit trail are purged. */
  retentionDays: z.number().int(),
  /** Minutes without activity before the session locks. */
  idleLockMinutes: z.number().int(),
  /** Days after the last online sign-in on this PC during which an offline sign-in is accepted. */
  offlineSignInDays: z.number().int(),
  /** The school's and the DPO's contacts printed on the informativa ('' when not given). */
  privacyContacts: z.string(),
  /** The last retention purge (null: none yet). */
  lastPurge: purgeReportSchema.nullable(),
  office: z.object({ code: z.string(), name: z.string(), comune: z.string() }).nullable(),
  canEdit: z.boolean(),
  /** Settings fixed by the machine-wide configuration (read-only here), or null. */
  managed: managedSettingsSchema.nullable(),
});
export type Settings = z.infer<typeof settingsSchema>;

/**
 * Who may call an operation. `public`: anyone, also signed out or locked (what the
 * sign-in and lock screens need, and nothing personal). `operator`: a signed-in,
 * unlocked operator of the office. `office-admin`: the head teacher or the DSGA.
 */
export type Access = 'public' | 'operator' | 'office-admin';

export interface OperationSpec {
  access: Access;
  input: z.ZodType;
  output: z.ZodType;
}

/** The audit trail's check: intact (and up to which signed head), or where it breaks and why. */
export const auditVerificationSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    entries: z.number().int(),
    /** The highest head the central service signed and the chain still matches; null: none yet. */
    anchoredSeq: z.number().int().nullable(),
    /** Whether the service's own latest receipt was asked (online) or only the receipts kept here. */
    anchorSource: z.enum(['central', 'local', 'none']),
  }),
  z.object({
    ok: z.literal(false),
    entries: z.number().int(),
    firstBrokenSeq: z.number().int(),
    /** `anchor`: the chain no longer matches a head the service signed: rewritten after anchor `anchoredSeq`. */
    reason: z.enum(['hash', 'link', 'sequence', 'checkpoint', 'anchor']),
    anchoredSeq: z.number().int().nullable(),
  }),
]);
export type AuditVerificationResult = z.infer<typeof auditVerificationSchema>;

export const operations = {
  'app.info': { access: 'public', input: noInput, output: appInfoSchema },
  /** "Copia diagnostica" for IT: version, system, settings, queue counts, the last log lines; no personal data. */
  'app.diagnostics': { access: 'public', input: noInput, output: z.object({ text: z.string(), copied: z.boolean() }) },
  'app.setLocale': { access: 'public', input: z.strictObject({ locale: localeSchema }), output: appInfoSchema },
  /** Restarts into the downloaded update now; refused while an identification is in progress. */
  'app.installUpdate': { access: 'public', input: noInput, output: z.null() },

  'session.signIn': {
    access: 'public',
    input: z.strictObject({
      officeCode: officeCodeSchema,
      username: z.string().trim().min(1).max(100),
      password: z.string().min(1).max(200),
      /** First sign-in on a temporary password: the new one (the service changes it, then signs in with it). */
      newPassword: z.string().min(passwordRulesMinLength).max(200).optional(),
    }),
    output: sessionSchema,
  },
  'session.current': { access: 'public', input: noInput, output: sessionSchema.nullable() },
  'session.signOut': { access: 'public', input: noInput, output: z.null() },
  /** Locks the session now (the operator leaves the desk); the screen keeps its state. */
  'session.lock': { access: 'operator', input: noInput, output: sessionSchema.nullable() },
  /** The password of the signed-in operator unlocks (wrong passwords count towards the delay). */
  'session.unlock': { access: 'public', input: z.strictObject({ password: z.string().min(1).max(200) }), output: sessionSchema },
  /** An offline session signs in online in place (same operator; the desk keeps its state). */
  'session.goOnline': { access: 'operator', input: z.strictObject({ password: z.string().min(1).max(200) }), output: sessionSchema },
  /** The operator is active (keys, clicks): postpones the idle lock. */
  'session.touch': { access: 'public', input: noInput, output: z.null() },

  /** Online first when reachable, else the local cache; says which. */
  'requests.lookup': { access: 'operator', input: z.strictObject({ fiscalCode: z.string().max(64) }), output: lookupResultSchema },
  /** One request from the local cache (after a lookup), or null. */
  'requests.get': {
    access: 'operator',
    input: z.strictObject({ id: z.string().min(1).max(64) }),
    output: enablementRequestSchema.nullable(),
  },

  'sync.status': { access: 'public', input: noInput, output: syncStatusSchema },
  'sync.retryNow': { access: 'operator', input: z.strictObject({ opId: z.uuid().optional() }), output: syncStatusSchema },
  'sync.problems': { access: 'operator', input: noInput, output: z.array(syncProblemSchema) },
  /** The wizard's state, kept in the main process's memory (never on disk, never in the page) so a reload loses nothing. */
  'drafts.get': {
    access: 'operator',
    input: z.strictObject({ requestId: z.string().min(1).max(64) }),
    output: identificationDraftSchema.nullable(),
  },
  'drafts.save': { access: 'operator', input: identificationDraftSchema, output: z.null() },

  /** Confirms the enablement: the core re-runs every check, asks for the operator's password, records and sends. */
  'identifications.confirm': {
    access: 'operator',
    input: z.strictObject({
      draft: identificationDraftSchema,
      acknowledgedWarnings: z.array(z.string().max(80)).max(50),
      password: z.string().min(1).max(200),
    }),
    output: identificationResultSchema,
  },
  /**
   * Records a refusal (never sent as a confirmation). `reasons` come from the catalogue
   * (shared/domain/refusal-reasons.ts; `other`: the note says what); the core words them
   * on the receipt, with what its own assessment saw behind each.
   */
  'identifications.refuse': {
    access: 'operator',
    input: z.strictObject({
      draft: identificationDraftSchema,
      reasons: z.array(z.enum(refusalReasonCodes)).min(1).max(refusalReasonCodes.length),
      note: z.string().max(1000),
    }),
    output: identificationResultSchema,
  },

  /** The identifications recorded over a range of days (Italian calendar, at most a year), oldest first. */
  'identifications.list': { access: 'operator', input: archiveRangeSchema, output: z.array(archiveEntrySchema) },
  /** What this computer already recorded for one request (shown when the applicant is looked up again). */
  'identifications.ofRequest': {
    access: 'operator',
    input: z.strictObject({ requestId: z.string().min(1).max(64) }),
    output: z.array(archiveEntrySchema),
  },
  /** The range's register as CSV, narrowed as on the screen (office administrators only). */
  'identifications.exportCsv': {
    access: 'office-admin',
    input: archiveRangeSchema.extend({ filters: archiveFiltersSchema }),
    output: csvExportSchema,
  },
  /** The range's outcomes per day and operator, the refusals' reasons, the queue's age (office administrators only). */
  'identifications.statistics': { access: 'office-admin', input: archiveRangeSchema, output: archiveStatisticsSchema },

  /** Settings of this installation (office administrators change them). */
  'settings.get': { access: 'operator', input: noInput, output: settingsSchema },
  'settings.update': {
    access: 'office-admin',
    input: z.strictObject({
      centralUrl: z
        .url({ protocol: /^https?$/ })
        .max(500)
        .nullable(),
      retentionDays: limited(settingsLimits.retentionDays),
      idleLockMinutes: limited(settingsLimits.idleLockMinutes),
      offlineSignInDays: limited(settingsLimits.offlineSignInDays),
      /** Left out: unchanged. */
      privacyContacts: z.string().trim().max(300).optional(),
    }),
    output: settingsSchema,
  },

  /** Runs the retention purge now (it also runs at start and daily; office administrators). */
  'data.purge': { access: 'office-admin', input: noInput, output: purgeReportSchema },
  /** What a purge now would remove, removing nothing (asked before the purge, to confirm it). */
  'data.purgePreview': { access: 'office-admin', input: noInput, output: purgeReportSchema },
  /** What erasing this code would remove, removing nothing; the code and what still waits are checked first. */
  'data.erasePreview': { access: 'office-admin', input: z.strictObject({ fiscalCode: z.string().max(64) }), output: erasureReportSchema },
  /** Erases one applicant's local data by fiscal code (office administrators; audited). */
  'data.erase': { access: 'office-admin', input: z.strictObject({ fiscalCode: z.string().max(64) }), output: erasureReportSchema },

  /**
   * Walks the hash-chained audit trail, checks it against the heads the central service
   * signed (its own latest when reachable, the receipts kept here otherwise) and reports
   * the first broken link (office administrators).
   */
  'audit.verify': { access: 'office-admin', input: noInput, output: auditVerificationSchema },

  /** Training mode only: the training service's practice cases, and whether the outage is simulated (#17). */
  'training.exercises': { access: 'operator', input: noInput, output: trainingExercisesStateSchema },
  /** Training mode only: every practice case as new again. */
  'training.reset': { access: 'operator', input: noInput, output: trainingExercisesStateSchema },
  /** Training mode only: the central service "down" on purpose, or back. */
  'training.outage': { access: 'operator', input: z.strictObject({ on: z.boolean() }), output: trainingExercisesStateSchema },
  /** The office's operators as the central service has them (office administrators; online only). */
  'operators.list': { access: 'office-admin', input: noInput, output: z.array(managedOperatorSchema) },
  /** A new operator with a temporary password, shown once (audited). */
  'operators.create': { access: 'office-admin', input: createOperatorRequestSchema.strict(), output: createOperatorResponseSchema },
  /** Grants or revokes the identification permission, disables or enables an account (audited). */
  'operators.update': {
    access: 'office-admin',
    input: z
      .strictObject({ operatorId: z.string().min(1).max(200), canIdentify: z.boolean().optional(), disabled: z.boolean().optional() })
      .refine((change) => change.canIdentify !== undefined || change.disabled !== undefined, 'Nessuna modifica indicata.'),
    output: managedOperatorSchema,
  },

  /** A document as PDF (preview in the renderer, or save). */
  'documents.render': { access: 'operator', input: documentRequestSchema, output: renderedDocumentSchema },
  /** Electron: a print preview with the system print dialog. Browser host: the PDF to open in a tab. */
  'documents.print': { access: 'operator', input: documentRequestSchema, output: printResultSchema },

  'sync.markHandled': {
    access: 'operator',
    input: z.strictObject({ opId: z.uuid(), note: z.string().trim().min(1).max(1000) }),
    output: z.array(syncProblemSchema),
  },
} as const satisfies Record<string, OperationSpec>;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export type OperationInput<N extends OperationName> = z.input<Operations[N]['input']>;
export type OperationOutput<N extends OperationName> = z.output<Operations[N]['output']>;

export const operationNames = Object.keys(operations) as OperationName[];

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}
