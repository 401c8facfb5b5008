import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The local store (encrypted SQLite). Changes go through drizzle-kit migrations only:
 * `npm run db:generate` after editing this file; never edit a shipped migration.
 */

/** Cached enablement requests: owned by the central service, safe to wipe and re-pull. */
const requestColumns = () => ({
  id: text('id').primaryKey(),
  version: integer('version').notNull(),
  /** Canonical fiscal code (omocodia resolved): the lookup key. */
  fiscalCode: text('fiscal_code').notNull(),
  status: text('status').notNull(),
  /** The whole request as the central service sent it (JSON, validated on read). */
  body: text('body').notNull(),
  /** Server time of the last change. */
  updatedAt: text('updated_at').notNull(),
});

export const enablementRequests = sqliteTable('enablement_requests', requestColumns(), (table) => [
  index('enablement_requests_fiscal_code').on(table.fiscalCode),
]);

/** Staging table for a full re-fetch (410 from the changes feed), swapped in at the end. */
export const enablementRequestsRefetch = sqliteTable('enablement_requests_refetch', requestColumns());

/**
 * Applicants just erased, while the pull or a lookup had data on its way from the service
 * (fetched before the erasure, written after it): what was fetched before an erasure is
 * not cached for the applicant it erased (`epoch`: the erasure's number since this core
 * started). Kept only until nothing fetched before it is still on its way (seconds), and
 * emptied at start; the audit log's entry of the erasure holds the same fiscal code.
 */
export const erasedApplicants = sqliteTable('erased_applicants', {
  /** Canonical fiscal code. */
  fiscalCode: text('fiscal_code').primaryKey(),
  epoch: integer('epoch').notNull(),
});

/** Outcomes created at this desk: confirmations and refusals. */
export const identifications = sqliteTable(
  'identifications',
  {
    id: text('id').primaryKey(),
    requestId: text('request_id').notNull(),
    requestVersion: integer('request_version').notNull(),
    fiscalCode: text('fiscal_code').notNull(),
    outcome: text('outcome', { enum: ['confirmed', 'refused'] }).notNull(),
    operatorId: text('operator_id').notNull(),
    /** Everything recorded (JSON): submission, summary for receipts. */
    body: text('body').notNull(),
    /** Device time, informational. */
    createdAt: text('created_at').notNull(),
  },
  (table) => [
    index('identifications_created_at').on(table.createdAt),
    index('identifications_fiscal_code').on(table.fiscalCode),
    // What this computer recorded for one request (shown when the applicant comes back).
    index('identifications_request_id').on(table.requestId),
  ],
);

/** The transactional outbox: one row per outcome to push, exactly once. */
export const outbox = sqliteTable(
  'outbox',
  {
    /** UUID, sent as Idempotency-Key. */
    opId: text('op_id').primaryKey(),
    /** Order of creation (SQLite rowid alias would be reused; keep our own). */
    seq: integer('seq').notNull().unique(),
    identificationId: text('identification_id')
      .notNull()
      .references(() => identifications.id),
    /** The exact JSON body, never changed after the first attempt. */
    payload: text('payload').notNull(),
    payloadHash: text('payload_hash').notNull(),
    state: text('state', { enum: ['pending', 'sending', 'acked', 'conflict', 'retry_wait', 'dead'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** Epoch ms (local scheduling only, never used for expiry or order). */
    nextAttemptAt: integer('next_attempt_at').notNull().default(0),
    lastError: text('last_error'),
    /** The server's answer (JSON) once acked or in conflict. */
    result: text('result'),
    /** Conflict or dead code, for the problems list. */
    problemCode: text('problem_code'),
    handledAt: text('handled_at'),
    handledNote: text('handled_note'),
    updatedAt: text('updated_at')
      .notNull()
      .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
  },
  (table) => [
    index('outbox_state_next').on(table.state, table.nextAttemptAt),
    index('outbox_state_seq').on(table.state, table.seq),
    // Retention and erasure look up an identification's outbox rows.
    index('outbox_identification').on(table.identificationId),
  ],
);

/** Key/value sync state: cursor, client id, last pull/push, server clock offset. */
export const syncState = sqliteTable('sync_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** Key/value settings of this installation. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * The audit trail: append-only (triggers refuse UPDATE and DELETE), each entry chained to
 * the previous one by a SHA-256 hash, so an edit made around the app is found.
 */
export const auditLog = sqliteTable('audit_log', {
  seq: integer('seq').primaryKey(),
  at: text('at').notNull(),
  operatorId: text('operator_id'),
  action: text('action').notNull(),
  fiscalCode: text('fiscal_code'),
  subject: text('subject'),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

/**
 * Operators who signed in online on this PC: the verifier for an offline sign-in (scrypt
 * of the password, never the password), their role and office as the central service
 * last said, and when that was (server time).
 */
export const operators = sqliteTable('operators', {
  /** `OFFICECODE/username` (upper-case office, lower-case username). */
  key: text('key').primaryKey(),
  operatorId: text('operator_id').notNull(),
  /** Operator and office as the central service sent them (JSON, validated on read). */
  body: text('body').notNull(),
  /** scrypt parameters, salt and hash (JSON). */
  verifier: text('verifier').notNull(),
  /** Server time of the last online sign-in. */
  lastOnlineAt: text('last_online_at').notNull(),
});

/** Consecutive wrong passwords per account on this PC, for the increasing delay. */
export const signInFailures = sqliteTable('sign_in_failures', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  /** Epoch ms of the last wrong password. */
  lastFailureAt: integer('last_failure_at').notNull(),
});

/**
 * Where the audit chain starts after a retention purge: entries up to `throughSeq` were
 * removed, and `hash` is the hash of the last one removed. Append-only (triggers).
 */
export const auditCheckpoints = sqliteTable('audit_checkpoints', {
  throughSeq: integer('through_seq').primaryKey(),
  hash: text('hash').notNull(),
  at: text('at').notNull(),
});

/**
 * Receipts of the audit heads the central service signed (Ed25519): the chain must still
 * match each of them. Kept with the service's public key they were checked against.
 */
export const auditAnchors = sqliteTable('audit_anchors', {
  /** The audit entry the anchored head ends at. */
  sequence: integer('sequence').primaryKey(),
  hash: text('hash').notNull(),
  /** Server time of the anchor. */
  anchoredAt: text('anchored_at').notNull(),
  /** The receipt as the service sent it (JSON: anchor, key id, signature). */
  receipt: text('receipt').notNull(),
});
