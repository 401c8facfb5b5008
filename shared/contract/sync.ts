import { z } from 'zod';
import { enablementRequestSchema, officeSchema, operatorSchema } from './central-api';
import { messageSchema } from './result';

/** What the renderer sees of the sync engine and the signed-in session. */

export const syncStatusSchema = z.object({
  /** Whether the central service answered last time we asked. */
  online: z.boolean(),
  /** Outcomes not yet acknowledged (pending, sending, waiting to retry). */
  pending: z.number().int().nonnegative(),
  /** Conflicts and permanent failures not yet marked handled. */
  problems: z.number().int().nonnegative(),
  lastSuccessAt: z.string().nullable(),
  lastPullAt: z.string().nullable(),
  lastPushAt: z.string().nullable(),
  /** The central service wants a new sign-in before sending anything else. */
  needsSignIn: z.boolean(),
  /** Plain-language description of the last failure, if any (Italian). */
  lastError: z.string().nullable(),
  cachedRequests: z.number().int().nonnegative(),
  /**
   * Outcomes other operators recorded here that still wait to go: the central service
   * takes each only with its own operator's sign-in, so they leave when that operator
   * signs in online again.
   */
  awaitingOtherOperators: z.number().int().nonnegative(),
  /** Requests received so far by the pull in progress (a first sync can bring thousands); null when none runs. */
  pullReceived: z.number().int().nonnegative().nullable(),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

export const syncProblemSchema = z.object({
  opId: z.string(),
  identificationId: z.string(),
  requestId: z.string(),
  fiscalCode: z.string(),
  outcome: z.enum(['confirmed', 'refused']),
  state: z.enum(['conflict', 'dead']),
  code: z.string(),
  /** Plain Italian: what happened and what to do. */
  reason: z.string(),
  /** The same, as a message the renderer words in the person's language. */
  reasonText: messageSchema,
  lastError: z.string().nullable(),
  attempts: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Whether "retry" makes sense (dead rows); conflicts are final answers. */
  retryable: z.boolean(),
});
export type SyncProblem = z.infer<typeof syncProblemSchema>;

export const lookupResultSchema = z.object({
  /** `online`: asked the central service now; `cache`: from the local copy. */
  source: z.enum(['online', 'cache']),
  /** Server time of the data: now for online, the last pull for the cache. */
  asOf: z.string().nullable(),
  fiscalCode: z.string(),
  items: z.array(enablementRequestSchema),
});
export type LookupResult = z.infer<typeof lookupResultSchema>;

export const sessionSchema = z.object({
  operator: operatorSchema,
  office: officeSchema,
  expiresAt: z.string(),
  /** `online`: signed in against the central service now. */
  mode: z.enum(['online', 'offline']),
  /** Locked after idle time (or by the operator): only unlocking or signing out is possible. */
  locked: z.boolean(),
  /** May record identifications (an office administrator whose permission was revoked may still manage operators). */
  canIdentify: z.boolean(),
});
export type SessionInfo = z.infer<typeof sessionSchema>;
