import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomInt,
  scrypt,
  scryptSync,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type {
  AuditAnchor,
  AuditHead,
  AuditReceipt,
  ConflictCode,
  EnablementRequest,
  IdentificationAnswer,
  IdentificationSubmission,
  ManagedOperator,
  Office,
  OfficeScope,
  Operator,
  TrainingExercise,
} from '../shared/contract/central-api';
import { auditAnchorSigningText, deviceProofText, type SignInRequest } from '../shared/contract/central-api';
import { parseFiscalCode } from '../shared/domain/fiscal-code';
import { openCentralDatabase, rows, type CentralDatabase, type CentralDb, type CentralTx, type DatabaseLocation } from './db/database';
import * as t from './db/schema';
import { describeScope, regionOf, type ScopeKind } from './scope';

/**
 * The reference central service's store, on PostgreSQL (a server, or PGlite in-process):
 * it stands in for the Ministry's system and holds only synthetic data. Everything a
 * request needs is a row: any number of service processes can share one database.
 * Sessions are bound to an operator, an office and a device; idempotency keys are the
 * office's own; the changes feed is "the scope's rows changed by transactions that have
 * all finished, after the cursor".
 */

export interface TrainingCard {
  requestId: string;
  /** What the synthetic applicant actually shows at the desk (may differ from the declared one). */
  presentedDocument: EnablementRequest['declaredDocument'];
  healthCardNumber: string;
  healthCardExpiry: string;
  mrz: string[] | null;
  /** A practice case of a training service: its kind and every specimen of it. */
  exercise?: TrainingExercise;
}

/** The service's full record of a request: the wire shape plus what it never sends (minimisation). */
export type StoredRequest = EnablementRequest & { applicant: EnablementRequest['applicant'] & { homePhone?: string | null } };

/**
 * A page of the feed: its requests as one JSON list's inside (the stored text, joined; or
 * its UTF-8 bytes, encoded once for every desk that asks for the page: `shared` is then the
 * same object each time, for encodings of the whole answer kept beside it), and
 * where it ends; `generation`, the history's, read in the same statement (a cursor of
 * another generation is refused).
 */
export type FeedPage =
  { kind: 'page'; items: Buffer; next: FeedPosition; hasMore: boolean; generation: string; shared?: object } | { kind: 'refetch' };

/** A change in the feed: the request's position (its transaction, its id) and its minimised JSON text. */
export interface FeedRow {
  xid: bigint;
  id: string;
  wire: string;
}

/** What one read of the feed's statement gives: rows in feed order, and where the database stands. */
export interface FeedRead {
  rows: FeedRow[];
  /** The oldest transaction still running: every change below it is delivered, none above. */
  horizon: bigint;
  /** The next transaction id the database will assign. */
  nextXid: bigint;
  generation: string;
}

/**
 * A page of at most `limit` from rows read after `position` (one more than a page, when
 * there are): a full page ends at its last row; otherwise everything below the horizon is
 * delivered. A cursor ahead of every transaction the database has begun was issued before
 * a restore or a failover that lost transactions: what it says was delivered cannot be
 * trusted (changes made since would hide below it), so the desk fetches everything again.
 */
export function feedPage(
  position: FeedPosition,
  read: Pick<FeedRead, 'horizon' | 'nextXid' | 'generation'> & { rows: readonly FeedRow[] },
  limit: number,
): FeedPage {
  if (position.xid > read.nextXid) return { kind: 'refetch' };
  const delivered = read.rows.slice(0, limit);
  const hasMore = read.rows.length > limit;
  const next = pageEnd(position, delivered, hasMore, read.horizon);
  return { kind: 'page', items: listInside(delivered), next, hasMore, generation: read.generation };
}

/**
 * The rows' texts as a JSON list's inside (comma-separated), in UTF-8, each written once.
 * Not one joined string: a single name outside Latin-1 makes that a two-byte string of the
 * whole page, slow to join and encoded again at send (#20: 11 ms a page of 1,000, not 0.4).
 */
function listInside(rows: readonly FeedRow[]): Buffer {
  let length = Math.max(0, rows.length - 1);
  for (const row of rows) length += Buffer.byteLength(row.wire);
  const bytes = Buffer.allocUnsafe(length);
  let at = 0;
  rows.forEach((row, index) => {
    if (index > 0) bytes[at++] = 0x2c; // ','
    at += bytes.write(row.wire, at);
  });
  return bytes;
}

/** Where a page leaves the desk: at its last row when more follow; else at the horizon (everything below it delivered), if past the cursor. */
export function pageEnd(position: FeedPosition, delivered: ReadonlyArray<{ xid: bigint; id: string }>, hasMore: boolean, horizon: bigint) {
  const last = delivered.at(-1);
  return hasMore && last ? { xid: last.xid, id: last.id } : horizon > position.xid ? { xid: horizon, id: '' } : position;
}

export type IdentificationResult =
  { kind: 'answer'; answer: IdentificationAnswer; replayed: boolean } | { kind: 'reused' } | { kind: 'not-found' };

export interface StoredSession {
  id: string;
  operator: Operator;
  office: Office;
  scope: OfficeScope;
  deviceId: string;
  canIdentify: boolean;
  passwordChangeRequired: boolean;
  expiresAt: string;
}

/** A position in the changes feed: every change by a transaction below `xid` (and, at `xid`, ids up to `id`) was delivered. */
export interface FeedPosition {
  xid: bigint;
  id: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const scryptParameters = { N: 2 ** 14, r: 8, p: 1 } as const;

/** Synchronous: for seeding only. Sign-in checks passwords with the asynchronous `verifyPassword`. */
export function hashPassword(password: string, salt = randomBytes(16).toString('hex')): string {
  return `scrypt:${salt}:${scryptSync(password, salt, 32, scryptParameters).toString('hex')}`;
}

function scryptAsync(password: string, salt: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, 32, scryptParameters, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

async function hashPasswordAsync(password: string): Promise<string> {
  const salt = randomBytes(16).toString('hex');
  return `scrypt:${salt}:${(await scryptAsync(password, salt)).toString('hex')}`;
}

/** Off the event loop (libuv's thread pool): sign-ins do not hold up other requests. */
async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [, salt = '', hash = ''] = stored.split(':');
  const candidate = await scryptAsync(password, salt);
  const expected = Buffer.from(hash, 'hex');
  return expected.length === candidate.length && timingSafeEqual(candidate, expected);
}

/** Checked when the account does not exist, so both cases cost the same. */
const decoyHash = hashPassword('decoy', '00');

/** Sign-in throttling: per account and per client, counted in the database. */
export const throttlePolicy = {
  windowMs: 15 * 60_000,
  accountFreeFailures: 5,
  clientFreeFailures: 20,
  firstBlockMs: 30_000,
  maxBlockMs: 15 * 60_000,
};

/** A temporary password: 16 characters without look-alikes (0/O, 1/l/I). */
export function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

type OperatorRow = typeof t.operators.$inferSelect;

const managed = (row: OperatorRow): ManagedOperator => ({
  id: row.id,
  username: row.username,
  displayName: row.displayName,
  role: row.role,
  canIdentify: row.canIdentify,
  disabled: row.disabled,
  passwordChangeRequired: row.mustChangePassword,
});

export type SignInResult =
  | { kind: 'signed-in'; token: string; session: StoredSession }
  | { kind: 'throttled'; retryAfterMs: number }
  | { kind: 'invalid' }
  | { kind: 'not-permitted' }
  | { kind: 'bad-device-proof' }
  | { kind: 'device-mismatch' };

/** Whether the proof was signed by the key it carries (possession of the device key). */
function deviceProofHolds(input: Pick<SignInRequest, 'officeCode' | 'username' | 'deviceId' | 'device'>): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(input.device.publicKey, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, Buffer.from(deviceProofText(input)), key, Buffer.from(input.device.signature, 'base64'));
  } catch {
    return false;
  }
}

/** What a desk receives of a stored request: the contract's fields only (minimisation). */
export function toWire(stored: StoredRequest): EnablementRequest {
  const { homePhone: _notSent, ...applicant } = stored.applicant;
  return { ...stored, applicant };
}

/**
 * JSON with every character outside Latin-1 (above U+00FF: `Ł`, `李`, an emoji's two
 * halves) written as its \u escape: the same value to any parser, in UTF-8 that a desk
 * decodes into a one-byte string. One such name made a page of 1,000 a two-byte string:
 * decoding it took 4-5 ms a page on the desk's thread, against about 2 ms for a page of
 * Latin-1 text (#20, pull). Latin-1 letters (`à`, `ò`) stay as they are: escaped, they
 * would decode no faster and parse slower (2.2-2.7 ms a page against 1.8), 6 bytes each.
 * Made once, when a request is written: the feed and the lookup send it as it is; rows
 * written before keep their text until they change (both parse alike). An identification's
 * answer is serialised on its own and not concerned.
 */
function latin1Json(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0100-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function requestRow(request: StoredRequest) {
  const canonical = parseFiscalCode(request.applicant.fiscalCode, { on: request.createdAt.slice(0, 10) });
  const province = request.applicant.domicile.province.toUpperCase();
  return {
    id: request.id,
    fiscalCode: canonical.ok ? canonical.value.canonical : request.applicant.fiscalCode,
    status: request.status,
    expiresAt: request.expiresAt,
    province,
    region: regionOf(province) ?? '',
    body: request,
    wire: latin1Json(toWire(request)),
  };
}

/** The transaction id of the change, for the feed (set on every insert and update). */
const currentXid = sql<bigint>`(pg_current_xact_id()::text::bigint)`;

const scopeFilter = (scope: OfficeScope) =>
  scope.kind === 'national'
    ? sql`TRUE`
    : scope.kind === 'region'
      ? sql`${t.requests.region} = ${scope.area}`
      : sql`${t.requests.province} = ${scope.area}`;

/**
 * The feed's one statement: the scope's rows changed after `position` and below the
 * horizon (the oldest running transaction), one more than a page; the horizon, the next
 * transaction id and the history's generation with them (one row even when none changed).
 */
export function feedQuery(scope: OfficeScope, position: FeedPosition, limit: number, upTo?: FeedPosition): SQL {
  const xid = sql`${position.xid.toString()}::bigint`;
  // A province's or region's desk reads its own index, keyed from the area: the country's
  // (transaction, id) index cannot serve this key, however few rows the planner guesses
  // lie past an up-to-date cursor (it would read every change in the country and drop
  // those of other areas).
  const column = scope.kind === 'region' ? t.requests.region : t.requests.province;
  const [area, order] =
    scope.kind === 'national'
      ? [sql`(changed_xid, id) > (${xid}, ${position.id})`, sql`changed_xid, id`]
      : [
          sql`${column} = ${scope.area} AND (${column}, changed_xid, id) > (${scope.area}, ${xid}, ${position.id})`,
          sql`${column}, changed_xid, id`,
        ];
  // Up to a position (included): the part of a scope's history below what a cached tail holds.
  const below = upTo
    ? scope.kind === 'national'
      ? sql` AND (changed_xid, id) <= (${upTo.xid.toString()}::bigint, ${upTo.id})`
      : sql` AND (${column}, changed_xid, id) <= (${scope.area}, ${upTo.xid.toString()}::bigint, ${upTo.id})`
    : sql``;
  return sql`WITH snapshot AS (SELECT pg_current_snapshot() AS s),
               horizon AS (SELECT pg_snapshot_xmin(s)::text::bigint AS h, pg_snapshot_xmax(s)::text::bigint AS x FROM snapshot)
          SELECT r.changed_xid::text AS changed_xid, r.id, r.wire, horizon.h::text AS horizon, horizon.x::text AS next_xid,
                 (SELECT value FROM meta WHERE key = 'generation') AS generation
            FROM horizon LEFT JOIN LATERAL (
              SELECT changed_xid, id, wire FROM requests
               WHERE ${area}${below} AND changed_xid < horizon.h
               ORDER BY ${order} LIMIT ${limit + 1}
            ) r ON TRUE`;
}

/**
 * A session's row with its operator and office, by token: asked by every call, so a named
 * statement (each connection parses and plans it once, not at every call).
 */
function sessionByToken(db: CentralDb) {
  return db
    .select({
      tokenHash: t.sessions.tokenHash,
      expiresAt: t.sessions.expiresAt,
      deviceId: t.sessions.deviceId,
      operator: t.operators,
      office: t.offices,
    })
    .from(t.sessions)
    .innerJoin(t.operators, eq(t.operators.id, t.sessions.operatorId))
    .innerJoin(t.offices, eq(t.offices.code, t.operators.officeCode))
    .where(eq(t.sessions.tokenHash, sql.placeholder('tokenHash')))
    .prepare('session_by_token');
}

export class CentralStore {
  private signingKey: { keyId: string; privateKey: ReturnType<typeof createPrivateKey>; publicKeyDer: string } | null = null;

  private readonly sessionByToken: ReturnType<typeof sessionByToken>;

  /** Identification batches waiting for a write (`applyIdentifications`), in arrival order. */
  private waitingBatches: WaitingBatch[] = [];
  private identificationWritesRunning = 0;

  /** Outcomes waiting for a group write in this process (an operator's gauge; tests wait on it). */
  get outcomesWaiting(): number {
    return this.waitingBatches.reduce((sum, batch) => sum + batch.items.length, 0);
  }

  private constructor(
    private readonly database: CentralDatabase,
    /** Epoch and generation, read at start (the generation is read again by the feed). */
    private epochValue: string,
  ) {
    this.sessionByToken = sessionByToken(database.db);
  }

  get db(): CentralDb {
    return this.database.db;
  }

  get kind(): CentralDatabase['kind'] {
    return this.database.kind;
  }

  /** Opens (and migrates) the database; a fresh one gets its epoch and signing key, once, whichever process comes first. */
  static async open(location: DatabaseLocation): Promise<CentralStore> {
    const database = await openCentralDatabase(location);
    try {
      const pkcs8 = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
      await database.db
        .insert(t.meta)
        .values([
          { key: 'epoch', value: randomBytes(6).toString('hex') },
          { key: 'generation', value: '0' },
          { key: 'signing_key', value: pkcs8 },
        ])
        .onConflictDoNothing();
      const store = new CentralStore(database, '');
      store.epochValue = (await store.meta('epoch'))!;
      return store;
    } catch (error) {
      // Its connections are kept for the life of the process: closed here, or never.
      await database.close();
      throw error;
    }
  }

  close(): Promise<void> {
    return this.database.close();
  }

  epoch(): string {
    return this.epochValue;
  }

  async meta(key: string): Promise<string | null> {
    const [row] = await this.db.select({ value: t.meta.value }).from(t.meta).where(eq(t.meta.key, key));
    return row?.value ?? null;
  }

  // --- requests -------------------------------------------------------------------

  /** Inserts or replaces requests (each change takes the writing transaction's id, for the feed). */
  async putRequests(requests: readonly StoredRequest[], db: CentralDb | CentralTx = this.db): Promise<void> {
    for (let start = 0; start < requests.length; start += 500) {
      const values = requests.slice(start, start + 500).map(requestRow);
      await db
        .insert(t.requests)
        .values(values)
        .onConflictDoUpdate({
          target: t.requests.id,
          set: {
            changedXid: currentXid,
            fiscalCode: sql`excluded.fiscal_code`,
            status: sql`excluded.status`,
            expiresAt: sql`excluded.expires_at`,
            province: sql`excluded.province`,
            region: sql`excluded.region`,
            body: sql`excluded.body`,
            wire: sql`excluded.wire`,
          },
        });
    }
  }

  putRequest(request: StoredRequest): Promise<void> {
    return this.putRequests([request]);
  }

  /** The service's full record. */
  async getRequest(id: string): Promise<StoredRequest | null> {
    const [row] = await this.db.select({ body: t.requests.body }).from(t.requests).where(eq(t.requests.id, id));
    return row ? (row.body as StoredRequest) : null;
  }

  async findByFiscalCode(canonicalFiscalCode: string): Promise<string[]> {
    const found = await this.db
      .select({ wire: t.requests.wire })
      .from(t.requests)
      .where(eq(t.requests.fiscalCode, canonicalFiscalCode))
      .orderBy(asc(t.requests.id));
    return found.map((row) => row.wire);
  }

  /**
   * The scope's requests changed after `after`, as their minimised JSON text, by
   * transactions that have all finished (below the oldest one still running): a change
   * committed late is delivered late, never skipped. Keyset pages over the (scope,
   * transaction, id) index: an up-to-date desk's poll costs its changes, not the table.
   */
  async changesAfter(scope: OfficeScope, after: FeedPosition | null, limit: number): Promise<FeedPage> {
    const position = after ?? { xid: 0n, id: '' };
    return feedPage(position, await this.feedRead(scope, position, limit + 1), limit);
  }

  /**
   * The scope's rows changed after `after` (and up to `upTo`, included, when given), below
   * the horizon, at most `limit`, in feed order; with the horizon, the next transaction id
   * and the history's generation, read in the same statement.
   */
  async feedRead(scope: OfficeScope, after: FeedPosition, limit: number, upTo?: FeedPosition): Promise<FeedRead> {
    const page = await rows<{
      changed_xid: string;
      id: string | null;
      wire: string;
      horizon: string;
      next_xid: string;
      generation: string | null;
    }>(this.db, feedQuery(scope, after, limit - 1, upTo), `feed_${scope.kind}${upTo ? '_below' : ''}`);
    return {
      rows: page.filter((row) => row.id !== null).map((row) => ({ xid: BigInt(row.changed_xid), id: row.id!, wire: row.wire })),
      horizon: BigInt(page[0]?.horizon ?? '0'),
      nextXid: BigInt(page[0]?.next_xid ?? '0'),
      generation: page[0]?.generation ?? '0',
    };
  }

  async requestCount(scope?: OfficeScope): Promise<number> {
    const [row] = await rows<{ n: string }>(
      this.db,
      sql`SELECT count(*)::text AS n FROM requests WHERE ${scope ? scopeFilter(scope) : sql`TRUE`}`,
    );
    return Number(row!.n);
  }

  /** Every request (full records), in id order: tests and admin. */
  async allRequests(scope?: OfficeScope): Promise<StoredRequest[]> {
    const found = await this.db
      .select({ body: t.requests.body })
      .from(t.requests)
      .where(scope ? scopeFilter(scope) : sql`TRUE`)
      .orderBy(asc(t.requests.id));
    return found.map((row) => row.body as StoredRequest);
  }

  /** The requests in an office's scope: what its desks hold a copy of. */
  async officeRequests(officeCode: string): Promise<StoredRequest[]> {
    const scope = await this.officeScope(officeCode);
    return scope ? this.allRequests(scope) : [];
  }

  /** Moves every request past its expiry to `expired` (the server's clock decides). */
  async expireDue(nowIso: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      const due = await tx
        .select({ body: t.requests.body })
        .from(t.requests)
        .where(sql`status IN ('awaiting-code-confirmation', 'awaiting-identification') AND expires_at < ${nowIso}`)
        .for('update', { skipLocked: true });
      const expired = due.map((row) => {
        const request = row.body as StoredRequest;
        return { ...request, status: 'expired' as const, version: request.version + 1, updatedAt: nowIso };
      });
      await this.putRequests(expired, tx);
      return expired.length;
    });
  }

  /** Forgets change history: every cursor issued so far gets 410 refetch. */
  async compact(): Promise<void> {
    await this.db.execute(sql`UPDATE meta SET value = (value::int + 1)::text WHERE key = 'generation'`);
  }

  // --- identifications -----------------------------------------------------------

  /** One identification: a batch of one (the same locks, in the same order, as a batch). */
  async applyIdentification(
    session: StoredSession,
    key: string,
    rawBody: string,
    submission: IdentificationSubmission,
    nowIso: string,
    signal?: AbortSignal,
  ): Promise<IdentificationResult> {
    const [result] = await this.applyIdentifications(session, [{ key, rawBody, submission }], nowIso, signal);
    return result!;
  }

  /**
   * Applies identifications exactly once per office and key. Batches that arrive while
   * this process is writing wait and are then written together, one transaction for all
   * of them (#16, the herd: a transaction's parsing, planning, round trips and commit
   * cost PostgreSQL more than its rows; they are paid once per group, not per batch).
   * - One such transaction at a time per process (`identificationWrites`); a batch that
   *   finds none running starts at once, alone.
   * - Groups are taken from the front of the queue, in arrival order, up to `groupItems`
   *   outcomes: a batch that does not fit (too many outcomes, or an office and key already
   *   in the group: the later waits for the earlier's commit and then finds its answer, as
   *   a second process would) starts the next group, and nothing after it jumps ahead.
   * - Each batch is worked out as if alone, in that order (see `writeGroup`), and answered
   *   on its own; its times are `nowIso`, when it arrived.
   * - A group that fails for the moment (the connection, a lock or statement timeout,
   *   a deadlock, the server's resources: `failedForTheMoment`) fails its batches: their
   *   desks send them again, and the claims make that a replay if the commit went through
   *   after all. Any other failure of a group (something in one batch's data) sends its
   *   batches back to the front of the queue, each then written alone: one batch's
   *   failure stays its own.
   * - A batch whose caller has gone (`signal` aborted) before its write leaves the queue
   *   at once, refused.
   */
  applyIdentifications(
    session: StoredSession,
    items: ReadonlyArray<{ key: string; rawBody: string; submission: IdentificationSubmission }>,
    nowIso: string,
    signal?: AbortSignal,
  ): Promise<IdentificationResult[]> {
    if (new Set(items.map((item) => item.key)).size !== items.length) return Promise.reject(new Error('a key appears twice in one batch'));
    return new Promise((resolve, reject) => {
      const gone = () => {
        const index = this.waitingBatches.indexOf(batch);
        if (index < 0) return; // being written: its answer stands
        this.waitingBatches.splice(index, 1);
        batch.reject(abandoned());
      };
      const batch: WaitingBatch = {
        session,
        nowIso,
        items: items.map((item) => ({ ...item, bodyHash: sha256(item.rawBody) })),
        alone: false,
        resolve: (results) => {
          signal?.removeEventListener('abort', gone);
          resolve(results);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', gone);
          reject(error);
        },
      };
      if (signal?.aborted) return reject(abandoned());
      signal?.addEventListener('abort', gone, { once: true });
      this.waitingBatches.push(batch);
      this.startWrites();
    });
  }

  /** Starts a group write while none runs and batches wait (see `applyIdentifications`). */
  private startWrites(): void {
    while (this.identificationWritesRunning < identificationWrites && this.waitingBatches.length > 0) {
      const group: WaitingBatch[] = [];
      const keys = new Set<string>();
      let count = 0;
      let taken = 0;
      for (const batch of this.waitingBatches) {
        const own = batch.items.map((item) => officeKey(batch.session.office.code, item.key));
        const fits =
          group.length === 0 ||
          (!batch.alone && !group[0]!.alone && count + batch.items.length <= groupItems && !own.some((key) => keys.has(key)));
        if (!fits) break;
        taken++;
        group.push(batch);
        count += batch.items.length;
        for (const key of own) keys.add(key);
      }
      this.waitingBatches.splice(0, taken);
      this.identificationWritesRunning++;
      void this.writeGroupOrRequeue(group).finally(() => {
        this.identificationWritesRunning--;
        this.startWrites();
      });
    }
  }

  private async writeGroupOrRequeue(group: readonly WaitingBatch[]): Promise<void> {
    try {
      // A connection lost under it fails with SQLSTATE 08006 (the database layer's transactions).
      const results = await this.db.transaction((tx) => writeGroup(tx, group));
      group.forEach((batch, index) => batch.resolve(results[index]!));
    } catch (error) {
      if (group.length > 1 && !failedForTheMoment(error)) {
        for (const batch of group) batch.alone = true;
        this.waitingBatches.unshift(...group);
        return;
      }
      for (const batch of group) batch.reject(error);
    }
  }

  async effects(): Promise<
    Array<{ officeCode: string; key: string; requestId: string; outcome: string; code: string; operatorId: string; deviceId: string }>
  > {
    return this.db
      .select({
        officeCode: t.effects.officeCode,
        key: t.effects.key,
        requestId: t.effects.requestId,
        outcome: t.effects.outcome,
        code: t.effects.code,
        operatorId: t.effects.operatorId,
        deviceId: t.effects.deviceId,
      })
      .from(t.effects)
      .orderBy(asc(t.effects.id));
  }

  async emails(): Promise<Array<{ requestId: string; recipient: string; subject: string; createdAt: string }>> {
    return this.db
      .select({ requestId: t.emails.requestId, recipient: t.emails.recipient, subject: t.emails.subject, createdAt: t.emails.createdAt })
      .from(t.emails)
      .orderBy(asc(t.emails.id));
  }

  // --- offices ----------------------------------------------------------------------

  /** An office and its province; its scope starts as that province. */
  async putOffice(office: Office & { province: string }): Promise<void> {
    const province = office.province.toUpperCase();
    await this.db
      .insert(t.offices)
      .values({ code: office.code, name: office.name, comune: office.comune, province, scopeArea: province })
      .onConflictDoUpdate({ target: t.offices.code, set: { name: office.name, comune: office.comune, province } });
  }

  /** The service's administrator widens or narrows an office's scope. */
  async setOfficeScope(officeCode: string, kind: ScopeKind, area: string | null): Promise<boolean> {
    const updated = await this.db
      .update(t.offices)
      .set({ scopeKind: kind, scopeArea: kind === 'national' ? null : area })
      .where(eq(t.offices.code, officeCode))
      .returning({ code: t.offices.code });
    return updated.length === 1;
  }

  async officeScope(officeCode: string): Promise<OfficeScope | null> {
    const [row] = await this.db
      .select({ kind: t.offices.scopeKind, area: t.offices.scopeArea })
      .from(t.offices)
      .where(eq(t.offices.code, officeCode));
    return row ? describeScope(row.kind, row.area) : null;
  }

  // --- operators ----------------------------------------------------------------------

  async putOperator(
    officeCode: string,
    username: string,
    password: string,
    operator: Operator,
    flags: { canIdentify?: boolean; disabled?: boolean; mustChangePassword?: boolean } = {},
  ): Promise<void> {
    const values = {
      id: operator.id,
      officeCode,
      username: username.toLowerCase(),
      displayName: operator.displayName,
      role: operator.role,
      passwordHash: hashPassword(password),
      canIdentify: flags.canIdentify !== false,
      disabled: flags.disabled === true,
      mustChangePassword: flags.mustChangePassword === true,
    };
    await this.db.insert(t.operators).values(values).onConflictDoUpdate({ target: t.operators.id, set: values });
  }

  async operatorsOf(officeCode: string): Promise<ManagedOperator[]> {
    const found = await this.db
      .select()
      .from(t.operators)
      .where(eq(t.operators.officeCode, officeCode))
      .orderBy(asc(t.operators.displayName), asc(t.operators.username));
    return found.map(managed);
  }

  /** A new operator of the office with a temporary password (changed at the first sign-in); null when the username is taken. */
  async createOperator(
    actor: StoredSession,
    input: { username: string; displayName: string; role: Operator['role']; canIdentify: boolean },
    nowIso: string,
  ): Promise<{ operator: ManagedOperator; temporaryPassword: string } | null> {
    const password = temporaryPassword();
    const hash = await hashPasswordAsync(password);
    const id = `op-${randomBytes(8).toString('hex')}`;
    return this.db.transaction(async (tx) => {
      const inserted = await tx
        .insert(t.operators)
        .values({
          id,
          officeCode: actor.office.code,
          username: input.username,
          displayName: input.displayName,
          role: input.role,
          passwordHash: hash,
          canIdentify: input.canIdentify,
          mustChangePassword: true,
        })
        .onConflictDoNothing()
        .returning();
      if (inserted.length === 0) return null;
      await this.recordOperatorChange(tx, actor, id, { created: { role: input.role, canIdentify: input.canIdentify } }, nowIso);
      return { operator: managed(inserted[0]!), temporaryPassword: password };
    });
  }

  /** Grants or revokes the identification permission, disables or enables; a revoked or disabled account loses its sessions. */
  async updateOperator(
    actor: StoredSession,
    operatorId: string,
    change: { canIdentify?: boolean; disabled?: boolean },
    nowIso: string,
  ): Promise<ManagedOperator | null> {
    return this.db.transaction(async (tx) => {
      const updated = await tx
        .update(t.operators)
        .set(change)
        .where(and(eq(t.operators.officeCode, actor.office.code), eq(t.operators.id, operatorId)))
        .returning();
      if (updated.length === 0) return null;
      if (change.canIdentify === false || change.disabled === true)
        await tx.delete(t.sessions).where(eq(t.sessions.operatorId, operatorId));
      await this.recordOperatorChange(tx, actor, operatorId, change, nowIso);
      return managed(updated[0]!);
    });
  }

  private async recordOperatorChange(
    tx: CentralTx,
    actor: StoredSession,
    operatorId: string,
    change: object,
    nowIso: string,
  ): Promise<void> {
    await tx
      .insert(t.operatorChanges)
      .values({ officeCode: actor.office.code, actorId: actor.operator.id, operatorId, change, createdAt: nowIso });
  }

  async operatorChanges(officeCode: string): Promise<Array<{ actorId: string; operatorId: string; change: unknown; createdAt: string }>> {
    return this.db
      .select({
        actorId: t.operatorChanges.actorId,
        operatorId: t.operatorChanges.operatorId,
        change: t.operatorChanges.change,
        createdAt: t.operatorChanges.createdAt,
      })
      .from(t.operatorChanges)
      .where(eq(t.operatorChanges.officeCode, officeCode))
      .orderBy(asc(t.operatorChanges.id));
  }

  // --- sign-in, throttling, sessions --------------------------------------------------

  /**
   * Checks whether the subjects are blocked and, when not, counts this attempt as a
   * failure for each, before its password is checked: one transaction with the subjects'
   * rows locked, so a burst sent at once (to any number of processes) meets the block the
   * earlier attempts earned. Past the free ones, each failure blocks for twice as long as
   * the last (capped); the count forgets only after a whole window with no failure and no
   * block. Returns the wait, or 0 when the attempt may go on.
   */
  private async checkAndCount(subjects: Array<{ subject: string; free: number }>, nowMs: number): Promise<number> {
    const nowIso = new Date(nowMs).toISOString();
    return this.db.transaction(async (tx) => {
      const states = [];
      for (const { subject, free } of subjects) {
        // An upsert that returns the row, locked (a plain insert-then-select could find it deleted in between by a refund).
        const [row] = await tx
          .insert(t.signInFailures)
          .values({ subject, failures: 0, lastAt: nowIso })
          .onConflictDoUpdate({ target: t.signInFailures.subject, set: { subject } })
          .returning();
        states.push({ subject, free, row: row! });
      }
      const wait = Math.max(0, ...states.map(({ row }) => (row.blockedUntil ? Date.parse(row.blockedUntil) - nowMs : 0)));
      if (wait > 0) return wait;
      for (const { subject, free, row } of states) {
        const quietSince = Math.max(Date.parse(row.lastAt), row.blockedUntil ? Date.parse(row.blockedUntil) : 0);
        const failures = row.failures === 0 || nowMs - quietSince > throttlePolicy.windowMs ? 1 : row.failures + 1;
        const over = failures - free;
        const blockedUntil =
          over >= 0 ? new Date(nowMs + Math.min(throttlePolicy.maxBlockMs, throttlePolicy.firstBlockMs * 2 ** over)).toISOString() : null;
        await tx.update(t.signInFailures).set({ failures, lastAt: nowIso, blockedUntil }).where(eq(t.signInFailures.subject, subject));
      }
      return 0;
    });
  }

  /** The attempt counted in advance turned out right: it is taken back (the account's count starts again). */
  private async refund(account: string, client: string | null, freeClientFailures: number): Promise<void> {
    await this.db.delete(t.signInFailures).where(eq(t.signInFailures.subject, account));
    if (!client) return;
    await this.db.execute(
      sql`UPDATE sign_in_failures SET failures = failures - 1,
            blocked_until = CASE WHEN failures - 1 < ${freeClientFailures} THEN NULL ELSE blocked_until END
          WHERE subject = ${client} AND failures > 0`,
    );
  }

  /**
   * Checks credentials (scrypt off the event loop), throttled per account and per
   * client: a blocked subject is answered before any password check. On success stores
   * a session bound to the operator, the office and the (proven) device.
   */
  async signIn(input: SignInRequest & { client: string }, expiresAt: string, nowMs: number): Promise<SignInResult> {
    if (!deviceProofHolds(input)) return { kind: 'bad-device-proof' };
    const account = `account:${input.officeCode}/${input.username.toLowerCase()}`;
    const client = `client:${input.client}`;
    const wait = await this.checkAndCount(
      [
        { subject: account, free: throttlePolicy.accountFreeFailures },
        { subject: client, free: throttlePolicy.clientFreeFailures },
      ],
      nowMs,
    );
    if (wait > 0) return { kind: 'throttled', retryAfterMs: wait };
    const [row] = await this.db
      .select()
      .from(t.operators)
      .where(and(eq(t.operators.officeCode, input.officeCode), eq(t.operators.username, input.username.toLowerCase())));
    // Same work whether or not the user exists.
    const ok = await verifyPassword(input.password, row?.passwordHash ?? decoyHash);
    if (!row || !ok) return { kind: 'invalid' };
    await this.refund(account, client, throttlePolicy.clientFreeFailures);
    if (row.disabled || (!row.canIdentify && row.role !== 'office-admin')) return { kind: 'not-permitted' };
    const nowIso = new Date(nowMs).toISOString();
    if (!(await this.deviceMatches(input.deviceId, input.officeCode, input.device.publicKey, nowIso))) return { kind: 'device-mismatch' };
    const token = randomBytes(32).toString('base64url');
    await this.db.insert(t.sessions).values({ tokenHash: sha256(token), operatorId: row.id, deviceId: input.deviceId, expiresAt });
    return { kind: 'signed-in', token, session: (await this.session(token, nowIso))! };
  }

  /** A device id known with this key and office, or registered now (its first sign-in); false for another key or office. */
  private async deviceMatches(deviceId: string, officeCode: string, publicKey: string, nowIso: string): Promise<boolean> {
    await this.db.insert(t.devices).values({ deviceId, officeCode, publicKey, registeredAt: nowIso }).onConflictDoNothing();
    const [known] = await this.db.select().from(t.devices).where(eq(t.devices.deviceId, deviceId));
    return known !== undefined && known.officeCode === officeCode && known.publicKey === publicKey;
  }

  /** The live session of a token: expired, revoked or disabled accounts have none. */
  async session(token: string, nowIso: string): Promise<StoredSession | null> {
    const [row] = await this.sessionByToken.execute({ tokenHash: sha256(token) });
    if (!row || row.expiresAt <= nowIso || row.operator.disabled) return null;
    return {
      id: row.tokenHash,
      operator: { id: row.operator.id, displayName: row.operator.displayName, role: row.operator.role },
      office: { code: row.office.code, name: row.office.name, comune: row.office.comune },
      scope: describeScope(row.office.scopeKind, row.office.scopeArea),
      deviceId: row.deviceId,
      canIdentify: row.operator.canIdentify,
      passwordChangeRequired: row.operator.mustChangePassword,
      expiresAt: row.expiresAt,
    };
  }

  /** Changes the password of the session's operator (the current one checked, throttled as a sign-in). */
  async changePassword(
    session: StoredSession,
    currentPassword: string,
    newPassword: string,
    nowMs: number,
  ): Promise<'changed' | 'invalid' | { throttled: number }> {
    const [row] = await this.db
      .select()
      .from(t.operators)
      .where(and(eq(t.operators.officeCode, session.office.code), eq(t.operators.id, session.operator.id)));
    if (!row) return 'invalid';
    const account = `account:${session.office.code}/${row.username}`;
    const wait = await this.checkAndCount([{ subject: account, free: throttlePolicy.accountFreeFailures }], nowMs);
    if (wait > 0) return { throttled: wait };
    if (!(await verifyPassword(currentPassword, row.passwordHash))) return 'invalid';
    await this.refund(account, null, 0);
    const hash = await hashPasswordAsync(newPassword);
    await this.db.transaction(async (tx) => {
      await tx.update(t.operators).set({ passwordHash: hash, mustChangePassword: false }).where(eq(t.operators.id, row.id));
      // Other sessions of the account end: only this one knows the new password.
      await tx.execute(sql`DELETE FROM sessions WHERE operator_id = ${row.id} AND token_hash <> ${session.id}`);
    });
    return 'changed';
  }

  async revokeSession(session: StoredSession): Promise<void> {
    await this.db.delete(t.sessions).where(eq(t.sessions.tokenHash, session.id));
  }

  async revokeAllSessions(): Promise<void> {
    await this.db.delete(t.sessions);
  }

  async sessionCount(): Promise<number> {
    const [row] = await rows<{ n: string }>(this.db, sql`SELECT count(*)::text AS n FROM sessions`);
    return Number(row!.n);
  }

  // --- audit anchors --------------------------------------------------------------------

  private async key(): Promise<{ keyId: string; privateKey: ReturnType<typeof createPrivateKey>; publicKeyDer: string }> {
    if (this.signingKey) return this.signingKey;
    const pkcs8 = (await this.meta('signing_key'))!;
    const privateKey = createPrivateKey({ key: Buffer.from(pkcs8, 'base64'), format: 'der', type: 'pkcs8' });
    const publicKeyDer = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
    this.signingKey = { keyId: sha256(publicKeyDer).slice(0, 16), privateKey, publicKeyDer };
    return this.signingKey;
  }

  async publicKeys(): Promise<Array<{ keyId: string; algorithm: 'Ed25519'; publicKey: string }>> {
    const { keyId, publicKeyDer } = await this.key();
    return [{ keyId, algorithm: 'Ed25519', publicKey: publicKeyDer }];
  }

  /**
   * Anchors a desk's audit head and signs the receipt. An anchor never replaces an
   * earlier one: a head at or below the device's last anchored sequence is accepted
   * only as the same head again (its receipt replayed). One device at a time (an advisory lock).
   */
  async anchorAuditHead(
    session: StoredSession,
    head: AuditHead,
    nowIso: string,
  ): Promise<{ kind: 'receipt'; receipt: AuditReceipt } | { kind: 'conflict' }> {
    const { keyId, privateKey } = await this.key();
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`${session.office.code}/${session.deviceId}`}))`);
      const [latest] = await tx
        .select({ sequence: t.auditAnchors.sequence })
        .from(t.auditAnchors)
        .where(and(eq(t.auditAnchors.officeCode, session.office.code), eq(t.auditAnchors.deviceId, session.deviceId)))
        .orderBy(sql`sequence DESC`)
        .limit(1);
      if (latest && head.sequence <= latest.sequence) {
        const [same] = await tx
          .select({ receipt: t.auditAnchors.receipt })
          .from(t.auditAnchors)
          .where(
            and(
              eq(t.auditAnchors.officeCode, session.office.code),
              eq(t.auditAnchors.deviceId, session.deviceId),
              eq(t.auditAnchors.sequence, head.sequence),
              eq(t.auditAnchors.hash, head.hash),
            ),
          );
        return same ? { kind: 'receipt' as const, receipt: same.receipt as AuditReceipt } : { kind: 'conflict' as const };
      }
      const anchor: AuditAnchor = { ...head, officeCode: session.office.code, deviceId: session.deviceId, anchoredAt: nowIso };
      const receipt: AuditReceipt = {
        anchor,
        keyId,
        signature: sign(null, Buffer.from(auditAnchorSigningText(anchor)), privateKey).toString('base64'),
      };
      await tx.insert(t.auditAnchors).values({
        officeCode: anchor.officeCode,
        deviceId: anchor.deviceId,
        sequence: anchor.sequence,
        hash: anchor.hash,
        anchoredAt: anchor.anchoredAt,
        receipt,
      });
      return { kind: 'receipt' as const, receipt };
    });
  }

  async latestAnchor(session: StoredSession): Promise<AuditReceipt | null> {
    const [row] = await this.db
      .select({ receipt: t.auditAnchors.receipt })
      .from(t.auditAnchors)
      .where(and(eq(t.auditAnchors.officeCode, session.office.code), eq(t.auditAnchors.deviceId, session.deviceId)))
      .orderBy(sql`sequence DESC`)
      .limit(1);
    return row ? (row.receipt as AuditReceipt) : null;
  }

  /** Every receipt signed (admin and tests). */
  async allAnchors(): Promise<AuditReceipt[]> {
    const found = await this.db
      .select({ receipt: t.auditAnchors.receipt })
      .from(t.auditAnchors)
      .orderBy(asc(t.auditAnchors.officeCode), asc(t.auditAnchors.deviceId), asc(t.auditAnchors.sequence));
    return found.map((row) => row.receipt as AuditReceipt);
  }

  // --- training cards -------------------------------------------------------------

  /**
   * The practice cases as new: each request a version above the one it has, written with
   * its card in one transaction. The requests are locked first, in id order (as an
   * identification locks them), so two resets at once, or a reset beside an
   * identification, never write the same version twice.
   */
  async resetTrainingExercises(practice: { requests: readonly StoredRequest[]; cards: readonly TrainingCard[] }): Promise<void> {
    await this.db.transaction(async (tx) => {
      const current = await lockRequests(
        tx,
        practice.requests.map((request) => request.id),
      );
      const requests = practice.requests.map((request) => ({ ...request, version: (current.get(request.id)?.version ?? 0) + 1 }));
      await this.putRequests(requests, tx);
      await this.putTrainingCards(practice.cards, tx);
    });
  }

  async putTrainingCards(cards: readonly TrainingCard[], db: CentralDb | CentralTx = this.db): Promise<void> {
    for (let start = 0; start < cards.length; start += 500) {
      const values = cards.slice(start, start + 500).map((card) => ({ requestId: card.requestId, body: card }));
      await db
        .insert(t.trainingCards)
        .values(values)
        .onConflictDoUpdate({ target: t.trainingCards.requestId, set: { body: sql`excluded.body` } });
    }
  }

  async trainingCard(requestId: string): Promise<TrainingCard | null> {
    const [row] = await this.db
      .select({ body: t.trainingCards.body })
      .from(t.trainingCards)
      .where(eq(t.trainingCards.requestId, requestId));
    return row ? (row.body as TrainingCard) : null;
  }

  /** The practice cases seeded into a training service, in the order they were seeded. */
  async trainingExercises(): Promise<TrainingExercise[]> {
    const found = await this.db
      .select({ body: t.trainingCards.body })
      .from(t.trainingCards)
      .where(sql`${t.trainingCards.body} ? 'exercise'`)
      .orderBy(asc(t.trainingCards.requestId));
    return found.map((row) => (row.body as TrainingCard).exercise!);
  }
}

/** An identification batch waiting for its write: its session, its items with their bodies' hashes, its caller. */
interface WaitingBatch {
  session: StoredSession;
  nowIso: string;
  items: ReadonlyArray<{ key: string; rawBody: string; bodyHash: string; submission: IdentificationSubmission }>;
  /** Written in a transaction of its own (its group failed for something in one batch). */
  alone: boolean;
  resolve: (results: IdentificationResult[]) => void;
  reject: (error: unknown) => void;
}

/** An idempotency key with its office: keys are per office. */
const officeKey = (office: string, key: string) => `${office}\n${key}`;

/** The refusal of a batch whose caller has gone before its write. */
const abandoned = () => new Error('identification batch abandoned by its caller');

/**
 * A failure of the moment, not of a batch's data: the connection (SQLSTATE class 08, or a
 * system error such as ECONNRESET), a transaction rolled back (40: a deadlock), the server's
 * resources (53), a lock or statement timeout or a shutdown (55P03, 57). Its causes are
 * followed a few levels down (drizzle wraps the driver's error).
 */
function failedForTheMoment(error: unknown): boolean {
  let cause: unknown = error;
  for (let depth = 0; cause && depth < 8; depth++, cause = (cause as { cause?: unknown }).cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (/^(08|40|53|57)[0-9A-Z]{3}$/.test(code) || code === '55P03' || /^E[A-Z]+$/.test(code)) return true;
  }
  return false;
}

/**
 * Identification transactions at a time per process: one (the rest wait and go together).
 * The herd at a tenth (`npm run central:load -- --scale 0.1`, this machine, one run per
 * figure): one at a time with groups of up to 100 outcomes, batch p99 192–557 ms over 9
 * runs (247–364 in most); two at a time 372–541 ms, three 709–880 ms; groups of up to
 * 500, 462–505 ms. Each batch its own transaction, as before: 1.2–3.1 s.
 */
const identificationWrites = 1;
/** Outcomes in one group at most (a group starts with one batch whatever its size). */
const groupItems = 100;

/**
 * Writes a group of batches in one transaction and a fixed number of round trips
 * whatever their count: the keys are claimed first, in office and key order (a second
 * claim of a key, from any process, waits for the first to commit and then finds its
 * answer), then the requests locked in id order (claims before rows, each in one order:
 * two transactions never wait on each other in a cycle), then the outcomes worked out
 * batch after batch in arrival order and item after item (a later outcome on the same
 * request sees the earlier's result), and written with their effects, confirmation emails
 * and stored answers in one statement. An item on an unknown request gives its claim
 * back. The caller has checked that each body names its session's operator, office and
 * device.
 */
async function writeGroup(tx: CentralTx, group: readonly WaitingBatch[]): Promise<IdentificationResult[][]> {
  const claims = group.flatMap((batch) =>
    batch.items.map((item) => ({ office: batch.session.office.code, key: item.key, hash: item.bodyHash, at: batch.nowIso })),
  );
  const claimed = new Set(
    (
      await rows<{ office_code: string; key: string }>(
        tx,
        sql`INSERT INTO idempotency (office_code, key, body_hash, response, created_at)
            SELECT c.office, c.key, c.hash, '', c.at FROM jsonb_to_recordset(${JSON.stringify(claims)}::jsonb) AS c(office text, key text, hash text, at text)
             ORDER BY c.office, c.key
            ON CONFLICT DO NOTHING RETURNING office_code, key`,
        'claim_keys',
      )
    ).map((row) => officeKey(row.office_code, row.key)),
  );
  const replays = claims.filter((claim) => !claimed.has(officeKey(claim.office, claim.key))).map(({ office, key }) => ({ office, key }));
  const earlier = new Map<string, { bodyHash: string; response: string }>();
  if (replays.length > 0) {
    for (const row of await rows<{ office_code: string; key: string; body_hash: string; response: string }>(
      tx,
      sql`SELECT i.office_code, i.key, i.body_hash, i.response
            FROM jsonb_to_recordset(${JSON.stringify(replays)}::jsonb) AS r(office text, key text)
            JOIN idempotency i ON i.office_code = r.office AND i.key = r.key`,
    ))
      earlier.set(officeKey(row.office_code, row.key), { bodyHash: row.body_hash, response: row.response });
  }
  const wanted = new Set<string>();
  for (const batch of group)
    for (const item of batch.items) if (claimed.has(officeKey(batch.session.office.code, item.key))) wanted.add(item.submission.requestId);
  const current = await lockRequests(tx, [...wanted]);
  const changed = new Set<string>();
  const answers: Array<{ office: string; key: string; response: string }> = [];
  const released: Array<{ office: string; key: string }> = [];
  const effects: Array<Record<string, string>> = [];
  const emails: Array<Record<string, string>> = [];
  const results = group.map(({ session, nowIso, items }) => {
    const office = session.office.code;
    return items.map((item): IdentificationResult => {
      if (!claimed.has(officeKey(office, item.key))) {
        const existing = earlier.get(officeKey(office, item.key));
        if (!existing || existing.bodyHash !== item.bodyHash) return { kind: 'reused' };
        return { kind: 'answer', answer: JSON.parse(existing.response) as IdentificationAnswer, replayed: true };
      }
      const stored = current.get(item.submission.requestId);
      if (!stored) {
        released.push({ office, key: item.key });
        return { kind: 'not-found' };
      }
      const request = toWire(stored);
      const conflict = conflictFor(request, item.submission, nowIso);
      let answer: IdentificationAnswer;
      if (conflict) {
        answer = { status: 'conflict', code: conflict, request };
      } else if (item.submission.outcome === 'confirmed') {
        const change = { status: 'enabled' as const, version: request.version + 1, updatedAt: nowIso, enabledAt: nowIso };
        current.set(request.id, { ...stored, ...change });
        changed.add(request.id);
        answer = { status: 'accepted', code: 'identified', request: { ...request, ...change } };
        emails.push({
          request_id: request.id,
          recipient: request.applicant.email,
          subject: 'Istanze OnLine: abilitazione confermata',
          at: nowIso,
        });
      } else {
        answer = { status: 'accepted', code: 'refusal-recorded', request };
      }
      effects.push({
        office,
        key: item.key,
        request_id: request.id,
        outcome: item.submission.outcome,
        code: answer.code,
        operator_id: session.operator.id,
        device_id: session.deviceId,
        at: nowIso,
      });
      answers.push({ office, key: item.key, response: JSON.stringify(answer) });
      return { kind: 'answer', answer, replayed: false };
    });
  });
  if (answers.length + released.length === 0) return results;
  const updates = [...changed].map((id) => {
    const row = requestRow(current.get(id)!);
    return { id, status: row.status, body: row.body, wire: row.wire };
  });
  // Requests, confirmation emails, effects, stored answers and given-back claims: one statement, one round trip.
  // Planned at every call, not a named statement: a connection's plan of one would be made
  // from its first calls, when the idempotency table may be small (a scan of it is cheapest
  // then), and kept while the herd grows it by thousands of keys a second (a scan of 100,000
  // keys per group; measured, `central-group-commit.test.ts`). Planned now, it finds them by key.
  await rows(
    tx,
    sql`
    WITH changed AS (
      UPDATE requests SET status = u.status, body = u.body, wire = u.wire, changed_xid = pg_current_xact_id()::text::bigint
        FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) AS u(id text, status text, body jsonb, wire text)
       WHERE requests.id = u.id
    ), email AS (
      INSERT INTO emails (request_id, recipient, subject, created_at)
      SELECT e.request_id, e.recipient, e.subject, e.at FROM jsonb_to_recordset(${JSON.stringify(emails)}::jsonb) AS e(request_id text, recipient text, subject text, at text)
    ), effect AS (
      INSERT INTO effects (office_code, key, request_id, outcome, code, operator_id, device_id, created_at)
      SELECT f.office, f.key, f.request_id, f.outcome, f.code, f.operator_id, f.device_id, f.at
        FROM jsonb_to_recordset(${JSON.stringify(effects)}::jsonb) AS f(office text, key text, request_id text, outcome text, code text, operator_id text, device_id text, at text)
    ), released AS (
      DELETE FROM idempotency USING jsonb_to_recordset(${JSON.stringify(released)}::jsonb) AS r(office text, key text)
       WHERE idempotency.office_code = r.office AND idempotency.key = r.key
    )
    UPDATE idempotency SET response = a.response
      FROM jsonb_to_recordset(${JSON.stringify(answers)}::jsonb) AS a(office text, key text, response text)
     WHERE idempotency.office_code = a.office AND idempotency.key = a.key`,
  );
  return results;
}

/**
 * Locks requests for the rest of the transaction, always in id order (identifications and
 * the training reset alike: two transactions never wait on each other in a cycle), and
 * gives them as stored. None asked, no query.
 */
async function lockRequests(tx: CentralTx, ids: readonly string[]): Promise<Map<string, StoredRequest>> {
  const locked = new Map<string, StoredRequest>();
  if (ids.length === 0) return locked;
  for (const row of await tx
    .select({ id: t.requests.id, body: t.requests.body })
    .from(t.requests)
    .where(inArray(t.requests.id, [...ids].sort()))
    .orderBy(asc(t.requests.id))
    .for('update'))
    locked.set(row.id, row.body as StoredRequest);
  return locked;
}

/** The central service's business rules for an identification outcome. */
function conflictFor(request: EnablementRequest, submission: IdentificationSubmission, nowIso: string): ConflictCode | null {
  if (request.status === 'enabled') return 'already-enabled';
  if (request.status === 'annulled') return 'request-annulled';
  if (request.status === 'expired' || request.expiresAt < nowIso) return 'request-expired';
  if (request.status === 'awaiting-code-confirmation') return 'code-not-confirmed';
  if (!request.identificationRequired) return 'identification-not-required';
  if (submission.requestVersion !== request.version) return 'stale-version';
  return null;
}
