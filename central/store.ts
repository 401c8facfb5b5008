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
import Database from 'better-sqlite3-multiple-ciphers';
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
} from '../shared/contract/central-api';
import { auditAnchorSigningText, deviceProofText, enablementRequestSchema, type SignInRequest } from '../shared/contract/central-api';
import { parseFiscalCode } from '../shared/domain/fiscal-code';
import { describeScope, regionOf, type ScopeKind } from './scope';

/**
 * The reference central service's own store (plain SQLite: it stands in for the
 * Ministry's system and holds only synthetic data). Every change to a request takes a
 * new sequence number; the changes feed is "requests of the office's scope with seq >
 * cursor". Sessions are bound to an operator, an office and a device; idempotency keys
 * are the office's own.
 */
type Db = InstanceType<typeof Database>;

export interface TrainingCard {
  requestId: string;
  /** What the synthetic applicant actually shows at the desk (may differ from the declared one). */
  presentedDocument: EnablementRequest['declaredDocument'];
  healthCardNumber: string;
  healthCardExpiry: string;
  mrz: string[] | null;
}

/** The service's full record of a request: the wire shape plus what it never sends (minimisation). */
export type StoredRequest = EnablementRequest & { applicant: EnablementRequest['applicant'] & { homePhone?: string | null } };

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

/** Bumped when the tables change: a store of another version (training data only) is rebuilt. */
const schemaVersion = '3';

const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requests (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL UNIQUE,
  fiscal_code TEXT NOT NULL,
  status TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  province TEXT NOT NULL,
  region TEXT NOT NULL,
  body TEXT NOT NULL,
  wire TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_fiscal_code ON requests (fiscal_code);
CREATE INDEX IF NOT EXISTS requests_province_seq ON requests (province, seq);
CREATE INDEX IF NOT EXISTS requests_region_seq ON requests (region, seq);
CREATE INDEX IF NOT EXISTS requests_expiry ON requests (expires_at) WHERE status IN ('awaiting-code-confirmation', 'awaiting-identification');
CREATE TABLE IF NOT EXISTS idempotency (
  office_code TEXT NOT NULL,
  key TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  response TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (office_code, key)
);
CREATE TABLE IF NOT EXISTS effects (
  office_code TEXT NOT NULL,
  key TEXT NOT NULL,
  request_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  code TEXT NOT NULL,
  operator_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (office_code, key)
);
CREATE TABLE IF NOT EXISTS emails (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS offices (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  comune TEXT NOT NULL,
  province TEXT NOT NULL,
  scope_kind TEXT NOT NULL DEFAULT 'province',
  scope_area TEXT
);
CREATE TABLE IF NOT EXISTS operators (
  id TEXT PRIMARY KEY,
  office_code TEXT NOT NULL REFERENCES offices(code),
  username TEXT NOT NULL,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  can_identify INTEGER NOT NULL DEFAULT 1,
  disabled INTEGER NOT NULL DEFAULT 0,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  UNIQUE (office_code, username)
);
CREATE TABLE IF NOT EXISTS operator_changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  office_code TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  operator_id TEXT NOT NULL,
  change TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  operator_id TEXT NOT NULL REFERENCES operators(id),
  device_id TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_operator ON sessions (operator_id);
CREATE TABLE IF NOT EXISTS sign_in_failures (
  subject TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_at TEXT NOT NULL,
  blocked_until TEXT
);
CREATE TABLE IF NOT EXISTS devices (
  device_id TEXT PRIMARY KEY,
  office_code TEXT NOT NULL REFERENCES offices(code),
  public_key TEXT NOT NULL,
  registered_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_anchors (
  office_code TEXT NOT NULL,
  device_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  hash TEXT NOT NULL,
  anchored_at TEXT NOT NULL,
  receipt TEXT NOT NULL,
  PRIMARY KEY (office_code, device_id, sequence)
);
CREATE TABLE IF NOT EXISTS training_cards (request_id TEXT PRIMARY KEY, body TEXT NOT NULL);
`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const scryptParameters = { N: 2 ** 14, r: 8, p: 1 } as const;

/** Synchronous: for seeding only. Sign-in checks passwords with the asynchronous `verifyPassword`. */
export function hashPassword(password: string, salt = randomBytes(16).toString('hex')): string {
  return `scrypt:${salt}:${scryptSync(password, salt, 32, scryptParameters).toString('hex')}`;
}

async function hashPasswordAsync(password: string): Promise<string> {
  const salt = randomBytes(16).toString('hex');
  return `scrypt:${salt}:${(await scryptAsync(password, salt)).toString('hex')}`;
}

function scryptAsync(password: string, salt: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, 32, scryptParameters, (error, key) => (error ? reject(error) : resolve(key))),
  );
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

/** Sign-in throttling: per account and per client, counted in the store. */
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

interface OperatorRow {
  id: string;
  office_code: string;
  username: string;
  display_name: string;
  role: Operator['role'];
  password_hash: string;
  can_identify: number;
  disabled: number;
  must_change_password: number;
}

const managed = (row: OperatorRow): ManagedOperator => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  role: row.role,
  canIdentify: row.can_identify === 1,
  disabled: row.disabled === 1,
  passwordChangeRequired: row.must_change_password === 1,
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

export class CentralStore {
  readonly db: Db;
  private readonly statements = new Map<string, Database.Statement<unknown[]>>();
  private signingKey: { keyId: string; privateKey: ReturnType<typeof createPrivateKey>; publicKeyDer: string } | null = null;

  /** Each SQL text prepared once. */
  private sql(text: string): Database.Statement<unknown[]> {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text) as Database.Statement<unknown[]>;
      this.statements.set(text, statement);
    }
    return statement;
  }

  constructor(path = ':memory:') {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.rebuildIfOlder();
    this.db.exec(schema);
    if (this.meta('epoch') === null) {
      this.setMeta('schema_version', schemaVersion);
      this.setMeta('epoch', randomBytes(6).toString('hex'));
      this.setMeta('next_seq', '1');
      this.setMeta('generation', '0');
    }
  }

  /** The reference store holds synthetic data only: one of an older layout starts again empty. */
  private rebuildIfOlder(): void {
    const tables = (this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    if (!tables.includes('meta')) return;
    const version = this.db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string } | undefined;
    if (version?.value === schemaVersion) return;
    this.db.pragma('foreign_keys = OFF');
    for (const table of tables.filter((name) => !name.startsWith('sqlite_'))) this.db.exec(`DROP TABLE "${table}"`);
    this.db.pragma('foreign_keys = ON');
  }

  close(): void {
    this.db.close();
  }

  meta(key: string): string | null {
    const row = this.sql('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.sql('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  private nextSeq(): number {
    const seq = Number(this.meta('next_seq'));
    this.setMeta('next_seq', String(seq + 1));
    return seq;
  }

  // --- requests -------------------------------------------------------------------

  /** Inserts or replaces a request, giving it the next sequence number. */
  putRequest(request: StoredRequest): void {
    const canonical = parseFiscalCode(request.applicant.fiscalCode, { on: request.createdAt.slice(0, 10) });
    const fiscalCode = canonical.ok ? canonical.value.canonical : request.applicant.fiscalCode;
    const province = request.applicant.domicile.province.toUpperCase();
    const wire = JSON.stringify(toWire(request));
    this.sql(
      `INSERT INTO requests (id, seq, fiscal_code, status, expires_at, province, region, body, wire) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, fiscal_code = excluded.fiscal_code, status = excluded.status,
           expires_at = excluded.expires_at, province = excluded.province, region = excluded.region, body = excluded.body, wire = excluded.wire`,
    ).run(
      request.id,
      this.nextSeq(),
      fiscalCode,
      request.status,
      request.expiresAt,
      province,
      regionOf(province) ?? '',
      JSON.stringify(request),
      wire,
    );
  }

  /** The service's full record. */
  getRequest(id: string): StoredRequest | null {
    const row = this.sql('SELECT body FROM requests WHERE id = ?').get(id) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as StoredRequest) : null;
  }

  /** What a desk receives (minimised). */
  getWireRequest(id: string): EnablementRequest | null {
    const row = this.sql('SELECT wire FROM requests WHERE id = ?').get(id) as { wire: string } | undefined;
    return row ? enablementRequestSchema.parse(JSON.parse(row.wire)) : null;
  }

  findByFiscalCode(canonicalFiscalCode: string): EnablementRequest[] {
    const rows = this.sql('SELECT wire FROM requests WHERE fiscal_code = ? ORDER BY seq').all(canonicalFiscalCode) as { wire: string }[];
    return rows.map((row) => JSON.parse(row.wire) as EnablementRequest);
  }

  /** Requests of a scope changed after `afterSeq`, in server order, as their minimised JSON text. */
  changesAfter(scope: OfficeScope, afterSeq: number, limit: number): { bodies: string[]; lastSeq: number; hasMore: boolean } {
    const where = scope.kind === 'national' ? '' : scope.kind === 'region' ? 'region = ? AND' : 'province = ? AND';
    const parameters = scope.kind === 'national' ? [afterSeq, limit + 1] : [scope.area, afterSeq, limit + 1];
    const rows = this.sql(`SELECT seq, wire FROM requests WHERE ${where} seq > ? ORDER BY seq LIMIT ?`).all(...parameters) as {
      seq: number;
      wire: string;
    }[];
    const page = rows.slice(0, limit);
    return {
      bodies: page.map((row) => row.wire),
      lastSeq: page.length > 0 ? page[page.length - 1]!.seq : afterSeq,
      hasMore: rows.length > limit,
    };
  }

  requestCount(scope?: OfficeScope): number {
    if (!scope || scope.kind === 'national') return (this.sql('SELECT count(*) AS n FROM requests').get() as { n: number }).n;
    const column = scope.kind === 'region' ? 'region' : 'province';
    return (this.sql(`SELECT count(*) AS n FROM requests WHERE ${column} = ?`).get(scope.area) as { n: number }).n;
  }

  allRequestIds(): string[] {
    return (this.sql('SELECT id FROM requests ORDER BY seq').all() as { id: string }[]).map((row) => row.id);
  }

  /** Ids of the requests in a scope (tests and admin). */
  requestIdsIn(scope: OfficeScope): string[] {
    if (scope.kind === 'national') return this.allRequestIds();
    const column = scope.kind === 'region' ? 'region' : 'province';
    return (this.sql(`SELECT id FROM requests WHERE ${column} = ? ORDER BY seq`).all(scope.area) as { id: string }[]).map((row) => row.id);
  }

  /** Ids of the requests in an office's scope: what its desks hold a copy of. */
  officeRequestIds(officeCode: string): string[] {
    const scope = this.officeScope(officeCode);
    return scope ? this.requestIdsIn(scope) : [];
  }

  /** Moves every request past its expiry to `expired` (the server's clock decides). */
  expireDue(nowIso: string): number {
    const due = this.sql(
      `SELECT body FROM requests WHERE status IN ('awaiting-code-confirmation', 'awaiting-identification') AND expires_at < ?`,
    ).all(nowIso) as { body: string }[];
    const update = this.db.transaction(() => {
      for (const row of due) {
        const request = JSON.parse(row.body) as StoredRequest;
        this.putRequest({ ...request, status: 'expired', version: request.version + 1, updatedAt: nowIso });
      }
    });
    update();
    return due.length;
  }

  /** Forgets change history: every cursor issued so far gets 410 refetch. */
  compact(): void {
    this.setMeta('generation', String(Number(this.meta('generation') ?? '0') + 1));
  }

  // --- identifications -----------------------------------------------------------

  /**
   * Applies one identification exactly once per office and key, in one transaction: the
   * stored answer for a known key (or `reused` when the body differs), else the business
   * outcome, its effect, the confirmation email and the stored answer. The caller has
   * checked that the body names the session's operator, office and device.
   */
  applyIdentification(
    session: StoredSession,
    key: string,
    rawBody: string,
    submission: IdentificationSubmission,
    nowIso: string,
  ): { kind: 'answer'; answer: IdentificationAnswer; replayed: boolean } | { kind: 'reused' } | { kind: 'not-found' } {
    const bodyHash = sha256(rawBody);
    const office = session.office.code;
    const run = this.db.transaction(() => {
      const existing = this.sql('SELECT body_hash, response FROM idempotency WHERE office_code = ? AND key = ?').get(office, key) as
        { body_hash: string; response: string } | undefined;
      if (existing) {
        if (existing.body_hash !== bodyHash) return { kind: 'reused' as const };
        return { kind: 'answer' as const, answer: JSON.parse(existing.response) as IdentificationAnswer, replayed: true };
      }
      const stored = this.getRequest(submission.requestId);
      if (!stored) return { kind: 'not-found' as const };
      const request = toWire(stored);
      let answer: IdentificationAnswer;
      const conflict = conflictFor(request, submission, nowIso);
      if (conflict) {
        answer = { status: 'conflict', code: conflict, request };
      } else if (submission.outcome === 'confirmed') {
        const change = { status: 'enabled' as const, version: request.version + 1, updatedAt: nowIso, enabledAt: nowIso };
        this.putRequest({ ...stored, ...change });
        this.sql('INSERT INTO emails (request_id, recipient, subject, created_at) VALUES (?, ?, ?, ?)').run(
          request.id,
          request.applicant.email,
          'Istanze OnLine: abilitazione confermata',
          nowIso,
        );
        answer = { status: 'accepted', code: 'identified', request: { ...request, ...change } };
      } else {
        answer = { status: 'accepted', code: 'refusal-recorded', request };
      }
      this.sql(
        'INSERT INTO effects (office_code, key, request_id, outcome, code, operator_id, device_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(office, key, request.id, submission.outcome, answer.code, session.operator.id, session.deviceId, nowIso);
      this.sql('INSERT INTO idempotency (office_code, key, body_hash, response, created_at) VALUES (?, ?, ?, ?, ?)').run(
        office,
        key,
        bodyHash,
        JSON.stringify(answer),
        nowIso,
      );
      return { kind: 'answer' as const, answer, replayed: false };
    });
    return run.immediate();
  }

  effects(): Array<{ officeCode: string; key: string; requestId: string; outcome: string; code: string; operatorId: string }> {
    return this.sql(
      'SELECT office_code AS officeCode, key, request_id AS requestId, outcome, code, operator_id AS operatorId FROM effects ORDER BY rowid',
    ).all() as Array<{ officeCode: string; key: string; requestId: string; outcome: string; code: string; operatorId: string }>;
  }

  emails(): Array<{ requestId: string; recipient: string; subject: string; createdAt: string }> {
    return this.sql('SELECT request_id AS requestId, recipient, subject, created_at AS createdAt FROM emails ORDER BY id').all() as Array<{
      requestId: string;
      recipient: string;
      subject: string;
      createdAt: string;
    }>;
  }

  // --- offices ----------------------------------------------------------------------

  /** An office and its province; its scope starts as that province. */
  putOffice(office: Office & { province: string }): void {
    this.sql(
      `INSERT INTO offices (code, name, comune, province, scope_area) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(code) DO UPDATE SET name = excluded.name, comune = excluded.comune, province = excluded.province`,
    ).run(office.code, office.name, office.comune, office.province.toUpperCase(), office.province.toUpperCase());
  }

  /** The service's administrator widens or narrows an office's scope. */
  setOfficeScope(officeCode: string, kind: ScopeKind, area: string | null): boolean {
    return (
      this.sql('UPDATE offices SET scope_kind = ?, scope_area = ? WHERE code = ?').run(kind, kind === 'national' ? null : area, officeCode)
        .changes === 1
    );
  }

  officeScope(officeCode: string): OfficeScope | null {
    const row = this.sql('SELECT scope_kind, scope_area FROM offices WHERE code = ?').get(officeCode) as
      { scope_kind: ScopeKind; scope_area: string | null } | undefined;
    return row ? describeScope(row.scope_kind, row.scope_area) : null;
  }

  // --- operators ----------------------------------------------------------------------

  putOperator(
    officeCode: string,
    username: string,
    password: string,
    operator: Operator,
    flags: { canIdentify?: boolean; disabled?: boolean; mustChangePassword?: boolean } = {},
  ): void {
    this.sql(
      `INSERT OR REPLACE INTO operators (id, office_code, username, display_name, role, password_hash, can_identify, disabled, must_change_password)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      operator.id,
      officeCode,
      username.toLowerCase(),
      operator.displayName,
      operator.role,
      hashPassword(password),
      flags.canIdentify === false ? 0 : 1,
      flags.disabled ? 1 : 0,
      flags.mustChangePassword ? 1 : 0,
    );
  }

  operatorsOf(officeCode: string): ManagedOperator[] {
    return (this.sql('SELECT * FROM operators WHERE office_code = ? ORDER BY display_name, username').all(officeCode) as OperatorRow[]).map(
      managed,
    );
  }

  private operatorRow(officeCode: string, id: string): OperatorRow | null {
    return (this.sql('SELECT * FROM operators WHERE office_code = ? AND id = ?').get(officeCode, id) as OperatorRow | undefined) ?? null;
  }

  /** A new operator of the office with a temporary password (changed at the first sign-in). */
  async createOperator(
    actor: StoredSession,
    input: { username: string; displayName: string; role: Operator['role']; canIdentify: boolean },
    nowIso: string,
  ): Promise<{ operator: ManagedOperator; temporaryPassword: string } | null> {
    const password = temporaryPassword();
    const hash = await hashPasswordAsync(password);
    const id = `op-${randomBytes(8).toString('hex')}`;
    const office = actor.office.code;
    const created = this.db.transaction(() => {
      const taken = this.sql('SELECT 1 FROM operators WHERE office_code = ? AND username = ?').get(office, input.username);
      if (taken) return false;
      this.sql(
        `INSERT INTO operators (id, office_code, username, display_name, role, password_hash, can_identify, disabled, must_change_password)
           VALUES (?, ?, ?, ?, ?, ?, ?, 0, 1)`,
      ).run(id, office, input.username, input.displayName, input.role, hash, input.canIdentify ? 1 : 0);
      this.recordOperatorChange(actor, id, { created: { role: input.role, canIdentify: input.canIdentify } }, nowIso);
      return true;
    })();
    return created ? { operator: managed(this.operatorRow(office, id)!), temporaryPassword: password } : null;
  }

  /** Grants or revokes the identification permission, disables or enables; a revoked or disabled account loses its sessions. */
  updateOperator(
    actor: StoredSession,
    operatorId: string,
    change: { canIdentify?: boolean; disabled?: boolean },
    nowIso: string,
  ): ManagedOperator | null {
    const office = actor.office.code;
    return this.db.transaction(() => {
      const row = this.operatorRow(office, operatorId);
      if (!row) return null;
      if (change.canIdentify !== undefined)
        this.sql('UPDATE operators SET can_identify = ? WHERE id = ?').run(change.canIdentify ? 1 : 0, operatorId);
      if (change.disabled !== undefined)
        this.sql('UPDATE operators SET disabled = ? WHERE id = ?').run(change.disabled ? 1 : 0, operatorId);
      if (change.canIdentify === false || change.disabled === true) this.sql('DELETE FROM sessions WHERE operator_id = ?').run(operatorId);
      this.recordOperatorChange(actor, operatorId, change, nowIso);
      return managed(this.operatorRow(office, operatorId)!);
    })();
  }

  private recordOperatorChange(actor: StoredSession, operatorId: string, change: object, nowIso: string): void {
    this.sql('INSERT INTO operator_changes (office_code, actor_id, operator_id, change, created_at) VALUES (?, ?, ?, ?, ?)').run(
      actor.office.code,
      actor.operator.id,
      operatorId,
      JSON.stringify(change),
      nowIso,
    );
  }

  operatorChanges(officeCode: string): Array<{ actorId: string; operatorId: string; change: string; createdAt: string }> {
    return this.sql(
      'SELECT actor_id AS actorId, operator_id AS operatorId, change, created_at AS createdAt FROM operator_changes WHERE office_code = ? ORDER BY id',
    ).all(officeCode) as Array<{ actorId: string; operatorId: string; change: string; createdAt: string }>;
  }

  // --- sign-in, throttling, sessions --------------------------------------------------

  /** How long the subject must still wait (ms), 0 when free. */
  private blockedFor(subject: string, nowMs: number): number {
    const row = this.sql('SELECT blocked_until FROM sign_in_failures WHERE subject = ?').get(subject) as
      { blocked_until: string | null } | undefined;
    return row?.blocked_until ? Math.max(0, Date.parse(row.blocked_until) - nowMs) : 0;
  }

  /**
   * Counts an attempt as a failure before its password is checked (so a burst sent at
   * once meets the block the earlier ones earned: the check and the count are one
   * synchronous step, the scrypt comes after). Past the free ones, each failure blocks for
   * twice as long as the last (capped). The count forgets only after a whole window with
   * no failure and no block.
   */
  private countFailure(subject: string, freeFailures: number, nowMs: number): void {
    const row = this.sql('SELECT failures, last_at, blocked_until FROM sign_in_failures WHERE subject = ?').get(subject) as
      { failures: number; last_at: string; blocked_until: string | null } | undefined;
    const quietSince = row ? Math.max(Date.parse(row.last_at), row.blocked_until ? Date.parse(row.blocked_until) : 0) : 0;
    const fresh = !row || nowMs - quietSince > throttlePolicy.windowMs;
    const failures = fresh ? 1 : row.failures + 1;
    const over = failures - freeFailures;
    const blockedUntil =
      over >= 0 ? new Date(nowMs + Math.min(throttlePolicy.maxBlockMs, throttlePolicy.firstBlockMs * 2 ** over)).toISOString() : null;
    this.sql(
      `INSERT INTO sign_in_failures (subject, failures, last_at, blocked_until) VALUES (?, ?, ?, ?)
         ON CONFLICT(subject) DO UPDATE SET failures = excluded.failures, last_at = excluded.last_at, blocked_until = excluded.blocked_until`,
    ).run(subject, failures, new Date(nowMs).toISOString(), blockedUntil);
  }

  /** The attempt counted in advance turned out right: it is taken back (the account's count starts again). */
  private refund(account: string, client: string | null, freeClientFailures: number): void {
    this.sql('DELETE FROM sign_in_failures WHERE subject = ?').run(account);
    if (!client) return;
    this.sql(
      `UPDATE sign_in_failures SET failures = failures - 1,
         blocked_until = CASE WHEN failures - 1 < ? THEN NULL ELSE blocked_until END WHERE subject = ? AND failures > 0`,
    ).run(freeClientFailures, client);
  }

  /**
   * Checks credentials (scrypt off the event loop), throttled per account and per
   * client: a blocked subject is answered before any password check. On success stores
   * a session bound to the operator, the office and the device.
   */
  async signIn(input: SignInRequest & { client: string }, expiresAt: string, nowMs: number): Promise<SignInResult> {
    if (!deviceProofHolds(input)) return { kind: 'bad-device-proof' };
    const account = `account:${input.officeCode}/${input.username.toLowerCase()}`;
    const client = `client:${input.client}`;
    const wait = Math.max(this.blockedFor(account, nowMs), this.blockedFor(client, nowMs));
    if (wait > 0) return { kind: 'throttled', retryAfterMs: wait };
    this.countFailure(account, throttlePolicy.accountFreeFailures, nowMs);
    this.countFailure(client, throttlePolicy.clientFreeFailures, nowMs);
    const row = this.sql('SELECT * FROM operators WHERE office_code = ? AND username = ?').get(
      input.officeCode,
      input.username.toLowerCase(),
    ) as OperatorRow | undefined;
    // Same work whether or not the user exists.
    const ok = await verifyPassword(input.password, row?.password_hash ?? decoyHash);
    if (!row || !ok) return { kind: 'invalid' };
    this.refund(account, client, throttlePolicy.clientFreeFailures);
    if (row.disabled === 1 || (row.can_identify === 0 && row.role !== 'office-admin')) return { kind: 'not-permitted' };
    if (!this.deviceMatches(input.deviceId, input.officeCode, input.device.publicKey, new Date(nowMs).toISOString()))
      return { kind: 'device-mismatch' };
    const token = randomBytes(32).toString('base64url');
    this.sql('INSERT INTO sessions (token_hash, operator_id, device_id, expires_at) VALUES (?, ?, ?, ?)').run(
      sha256(token),
      row.id,
      input.deviceId,
      expiresAt,
    );
    return { kind: 'signed-in', token, session: this.session(token, new Date(nowMs).toISOString())! };
  }

  /** A device id known with this key and office, or registered now (its first sign-in); false for another key or office. */
  private deviceMatches(deviceId: string, officeCode: string, publicKey: string, nowIso: string): boolean {
    const known = this.sql('SELECT office_code, public_key FROM devices WHERE device_id = ?').get(deviceId) as
      { office_code: string; public_key: string } | undefined;
    if (known) return known.office_code === officeCode && known.public_key === publicKey;
    this.sql('INSERT INTO devices (device_id, office_code, public_key, registered_at) VALUES (?, ?, ?, ?)').run(
      deviceId,
      officeCode,
      publicKey,
      nowIso,
    );
    return true;
  }

  /** The live session of a token: expired, revoked or disabled accounts have none. */
  session(token: string, nowIso: string): StoredSession | null {
    const row = this.sql(
      `SELECT s.token_hash, s.expires_at, s.device_id, o.id, o.display_name, o.role, o.can_identify, o.disabled, o.must_change_password,
              f.code, f.name, f.comune, f.scope_kind, f.scope_area
         FROM sessions s JOIN operators o ON o.id = s.operator_id JOIN offices f ON f.code = o.office_code WHERE s.token_hash = ?`,
    ).get(sha256(token)) as
      | {
          token_hash: string;
          expires_at: string;
          device_id: string;
          id: string;
          display_name: string;
          role: Operator['role'];
          can_identify: number;
          disabled: number;
          must_change_password: number;
          code: string;
          name: string;
          comune: string;
          scope_kind: ScopeKind;
          scope_area: string | null;
        }
      | undefined;
    if (!row || row.expires_at <= nowIso || row.disabled === 1) return null;
    return {
      id: row.token_hash,
      operator: { id: row.id, displayName: row.display_name, role: row.role },
      office: { code: row.code, name: row.name, comune: row.comune },
      scope: describeScope(row.scope_kind, row.scope_area),
      deviceId: row.device_id,
      canIdentify: row.can_identify === 1,
      passwordChangeRequired: row.must_change_password === 1,
      expiresAt: row.expires_at,
    };
  }

  /** Changes the password of the session's operator (the current one checked, throttled as a sign-in). */
  async changePassword(
    session: StoredSession,
    currentPassword: string,
    newPassword: string,
    nowMs: number,
  ): Promise<'changed' | 'invalid' | { throttled: number }> {
    const row = this.operatorRow(session.office.code, session.operator.id);
    if (!row) return 'invalid';
    const account = `account:${session.office.code}/${row.username}`;
    const wait = this.blockedFor(account, nowMs);
    if (wait > 0) return { throttled: wait };
    this.countFailure(account, throttlePolicy.accountFreeFailures, nowMs);
    if (!(await verifyPassword(currentPassword, row.password_hash))) return 'invalid';
    this.refund(account, null, 0);
    const hash = await hashPasswordAsync(newPassword);
    this.db.transaction(() => {
      this.sql('UPDATE operators SET password_hash = ?, must_change_password = 0 WHERE id = ?').run(hash, row.id);
      // Other sessions of the account end: only this one knows the new password.
      this.sql('DELETE FROM sessions WHERE operator_id = ? AND token_hash <> ?').run(row.id, session.id);
    })();
    return 'changed';
  }

  revokeSession(session: StoredSession): void {
    this.sql('DELETE FROM sessions WHERE token_hash = ?').run(session.id);
  }

  revokeAllSessions(): void {
    this.sql('DELETE FROM sessions').run();
  }

  // --- audit anchors --------------------------------------------------------------------

  private key(): { keyId: string; privateKey: ReturnType<typeof createPrivateKey>; publicKeyDer: string } {
    if (this.signingKey) return this.signingKey;
    let pkcs8 = this.meta('signing_key');
    if (!pkcs8) {
      pkcs8 = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
      this.setMeta('signing_key', pkcs8);
    }
    const privateKey = createPrivateKey({ key: Buffer.from(pkcs8, 'base64'), format: 'der', type: 'pkcs8' });
    const publicKeyDer = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
    this.signingKey = { keyId: sha256(publicKeyDer).slice(0, 16), privateKey, publicKeyDer };
    return this.signingKey;
  }

  publicKeys(): Array<{ keyId: string; algorithm: 'Ed25519'; publicKey: string }> {
    const { keyId, publicKeyDer } = this.key();
    return [{ keyId, algorithm: 'Ed25519', publicKey: publicKeyDer }];
  }

  /**
   * Anchors a desk's audit head and signs the receipt. An anchor never replaces an
   * earlier one: a head at or below the device's last anchored sequence is accepted
   * only as the same head again (its receipt replayed).
   */
  anchorAuditHead(
    session: StoredSession,
    head: AuditHead,
    nowIso: string,
  ): { kind: 'receipt'; receipt: AuditReceipt } | { kind: 'conflict' } {
    return this.db.transaction(() => {
      const latest = this.latestAnchor(session);
      if (latest && head.sequence <= latest.anchor.sequence) {
        const same = this.sql(
          'SELECT receipt FROM audit_anchors WHERE office_code = ? AND device_id = ? AND sequence = ? AND hash = ?',
        ).get(session.office.code, session.deviceId, head.sequence, head.hash) as { receipt: string } | undefined;
        return same ? { kind: 'receipt' as const, receipt: JSON.parse(same.receipt) as AuditReceipt } : { kind: 'conflict' as const };
      }
      const anchor: AuditAnchor = { ...head, officeCode: session.office.code, deviceId: session.deviceId, anchoredAt: nowIso };
      const { keyId, privateKey } = this.key();
      const receipt: AuditReceipt = {
        anchor,
        keyId,
        signature: sign(null, Buffer.from(auditAnchorSigningText(anchor)), privateKey).toString('base64'),
      };
      this.sql('INSERT INTO audit_anchors (office_code, device_id, sequence, hash, anchored_at, receipt) VALUES (?, ?, ?, ?, ?, ?)').run(
        anchor.officeCode,
        anchor.deviceId,
        anchor.sequence,
        anchor.hash,
        anchor.anchoredAt,
        JSON.stringify(receipt),
      );
      return { kind: 'receipt' as const, receipt };
    })();
  }

  latestAnchor(session: StoredSession): AuditReceipt | null {
    const row = this.sql('SELECT receipt FROM audit_anchors WHERE office_code = ? AND device_id = ? ORDER BY sequence DESC LIMIT 1').get(
      session.office.code,
      session.deviceId,
    ) as { receipt: string } | undefined;
    return row ? (JSON.parse(row.receipt) as AuditReceipt) : null;
  }

  /** Every receipt signed (admin and tests). */
  allAnchors(): AuditReceipt[] {
    return (this.sql('SELECT receipt FROM audit_anchors ORDER BY office_code, device_id, sequence').all() as { receipt: string }[]).map(
      (row) => JSON.parse(row.receipt) as AuditReceipt,
    );
  }

  // --- training cards -------------------------------------------------------------

  putTrainingCard(card: TrainingCard): void {
    this.sql('INSERT OR REPLACE INTO training_cards (request_id, body) VALUES (?, ?)').run(card.requestId, JSON.stringify(card));
  }

  trainingCard(requestId: string): TrainingCard | null {
    const row = this.sql('SELECT body FROM training_cards WHERE request_id = ?').get(requestId) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as TrainingCard) : null;
  }
}

/** What a desk receives of a stored request: the contract's fields only (minimisation). */
function toWire(stored: StoredRequest): EnablementRequest {
  const { homePhone: _notSent, ...applicant } = stored.applicant;
  return { ...stored, applicant };
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
