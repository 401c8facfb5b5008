import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The central service's store, one PostgreSQL dialect everywhere: a server in production
 * (node-postgres), PGlite embedded (training mode, the quick tests). Changes go through
 * drizzle-kit migrations only (`npm run central:db:generate`); never edit a shipped one.
 * Times are ISO 8601 UTC text (`toISOString()`), which sorts as it compares.
 *
 * Nothing a request handler needs lives in process memory: sessions, throttling,
 * idempotency, devices and feed positions are rows here, so any number of service
 * processes can share one database.
 */

/** Key/value: the store's epoch, the history generation, the receipt-signing key. */
export const meta = pgTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Enablement requests. `changedXid` is the id of the transaction that last changed the
 * row: the changes feed delivers rows below the oldest transaction still running, so a
 * change committed late is never skipped by a cursor that moved on (a sequence number
 * taken before commit can be seen out of order).
 */
export const requests = pgTable(
  'requests',
  {
    id: text('id').primaryKey(),
    changedXid: bigint('changed_xid', { mode: 'bigint' })
      .notNull()
      .default(sql`(pg_current_xact_id()::text::bigint)`),
    fiscalCode: text('fiscal_code').notNull(),
    status: text('status').notNull(),
    expiresAt: text('expires_at').notNull(),
    province: text('province').notNull(),
    region: text('region').notNull(),
    /** The service's full record (JSON). */
    body: jsonb('body').notNull(),
    /** What desks receive: the contract's fields only (minimisation), as JSON text served as is. */
    wire: text('wire').notNull(),
  },
  (table) => [
    index('requests_fiscal_code').on(table.fiscalCode),
    index('requests_province_change').on(table.province, table.changedXid, table.id),
    index('requests_region_change').on(table.region, table.changedXid, table.id),
    index('requests_change').on(table.changedXid, table.id),
    index('requests_due')
      .on(table.expiresAt)
      .where(sql`status IN ('awaiting-code-confirmation', 'awaiting-identification')`),
  ],
);

/** One row per office and key: claimed before the effect, answered in the same transaction. */
export const idempotency = pgTable(
  'idempotency',
  {
    officeCode: text('office_code').notNull(),
    key: text('key').notNull(),
    bodyHash: text('body_hash').notNull(),
    response: text('response').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.officeCode, table.key] })],
);

export const effects = pgTable(
  'effects',
  {
    id: serial('id').primaryKey(),
    officeCode: text('office_code').notNull(),
    key: text('key').notNull(),
    requestId: text('request_id').notNull(),
    outcome: text('outcome').notNull(),
    code: text('code').notNull(),
    operatorId: text('operator_id').notNull(),
    deviceId: text('device_id').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (table) => [index('effects_office_key').on(table.officeCode, table.key)],
);

export const emails = pgTable('emails', {
  id: serial('id').primaryKey(),
  requestId: text('request_id').notNull(),
  recipient: text('recipient').notNull(),
  subject: text('subject').notNull(),
  createdAt: text('created_at').notNull(),
});

export const offices = pgTable('offices', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  comune: text('comune').notNull(),
  province: text('province').notNull(),
  scopeKind: text('scope_kind', { enum: ['province', 'region', 'national'] })
    .notNull()
    .default('province'),
  scopeArea: text('scope_area'),
});

export const operators = pgTable(
  'operators',
  {
    id: text('id').primaryKey(),
    officeCode: text('office_code')
      .notNull()
      .references(() => offices.code),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ['office-admin', 'operator'] }).notNull(),
    passwordHash: text('password_hash').notNull(),
    canIdentify: boolean('can_identify').notNull().default(true),
    disabled: boolean('disabled').notNull().default(false),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
  },
  (table) => [uniqueIndex('operators_office_username').on(table.officeCode, table.username)],
);

export const operatorChanges = pgTable('operator_changes', {
  id: serial('id').primaryKey(),
  officeCode: text('office_code').notNull(),
  actorId: text('actor_id').notNull(),
  operatorId: text('operator_id').notNull(),
  change: jsonb('change').notNull(),
  createdAt: text('created_at').notNull(),
});

export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    operatorId: text('operator_id')
      .notNull()
      .references(() => operators.id),
    deviceId: text('device_id').notNull(),
    expiresAt: text('expires_at').notNull(),
  },
  (table) => [index('sessions_operator').on(table.operatorId)],
);

/** Sign-in failures per subject (`account:OFFICE/username`, `client:address`). */
export const signInFailures = pgTable('sign_in_failures', {
  subject: text('subject').primaryKey(),
  failures: integer('failures').notNull(),
  lastAt: text('last_at').notNull(),
  blockedUntil: text('blocked_until'),
});

export const devices = pgTable('devices', {
  deviceId: text('device_id').primaryKey(),
  officeCode: text('office_code')
    .notNull()
    .references(() => offices.code),
  publicKey: text('public_key').notNull(),
  registeredAt: text('registered_at').notNull(),
});

export const auditAnchors = pgTable(
  'audit_anchors',
  {
    officeCode: text('office_code').notNull(),
    deviceId: text('device_id').notNull(),
    sequence: bigint('sequence', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
    anchoredAt: text('anchored_at').notNull(),
    receipt: jsonb('receipt').notNull(),
  },
  (table) => [primaryKey({ columns: [table.officeCode, table.deviceId, table.sequence] })],
);

export const trainingCards = pgTable('training_cards', {
  requestId: text('request_id').primaryKey(),
  body: jsonb('body').notNull(),
});
