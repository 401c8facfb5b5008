import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3-multiple-ciphers';
import type {
  ConflictCode,
  EnablementRequest,
  IdentificationAnswer,
  IdentificationSubmission,
  Office,
  Operator,
} from '../shared/contract/central-api';
import { enablementRequestSchema } from '../shared/contract/central-api';
import { parseFiscalCode } from '../shared/domain/fiscal-code';

/**
 * The reference central service's own store (plain SQLite: it stands in for the
 * Ministry's system and holds only synthetic data). Every change to a request takes a
 * new sequence number; the changes feed is "requests with seq > cursor".
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

export interface StoredSession {
  operator: Operator;
  office: Office;
  expiresAt: string;
}

const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requests (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL UNIQUE,
  fiscal_code TEXT NOT NULL,
  status TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_fiscal_code ON requests (fiscal_code);
CREATE INDEX IF NOT EXISTS requests_expiry ON requests (expires_at) WHERE status IN ('awaiting-code-confirmation', 'awaiting-identification');
CREATE TABLE IF NOT EXISTS idempotency (
  key TEXT PRIMARY KEY,
  body_hash TEXT NOT NULL,
  response TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS effects (
  key TEXT PRIMARY KEY,
  request_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  code TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS emails (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS offices (code TEXT PRIMARY KEY, name TEXT NOT NULL, comune TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS operators (
  id TEXT PRIMARY KEY,
  office_code TEXT NOT NULL REFERENCES offices(code),
  username TEXT NOT NULL,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  UNIQUE (office_code, username)
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  operator_id TEXT NOT NULL REFERENCES operators(id),
  expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS training_cards (request_id TEXT PRIMARY KEY, body TEXT NOT NULL);
`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function hashPassword(password: string, salt = randomBytes(16).toString('hex')): string {
  return `scrypt:${salt}:${scryptSync(password, salt, 32).toString('hex')}`;
}

function verifyPassword(password: string, stored: string): boolean {
  const [, salt = '', hash = ''] = stored.split(':');
  const candidate = scryptSync(password, salt, 32);
  const expected = Buffer.from(hash, 'hex');
  return expected.length === candidate.length && timingSafeEqual(candidate, expected);
}

export class CentralStore {
  readonly db: Db;
  private readonly statements = new Map<string, Database.Statement<unknown[]>>();

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
    this.db.exec(schema);
    if (this.meta('epoch') === null) {
      this.setMeta('epoch', randomBytes(6).toString('hex'));
      this.setMeta('next_seq', '1');
      this.setMeta('generation', '0');
    }
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
  putRequest(request: EnablementRequest): void {
    const canonical = parseFiscalCode(request.applicant.fiscalCode, { on: request.createdAt.slice(0, 10) });
    const fiscalCode = canonical.ok ? canonical.value.canonical : request.applicant.fiscalCode;
    this.sql(
      `INSERT INTO requests (id, seq, fiscal_code, status, expires_at, body) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, fiscal_code = excluded.fiscal_code, status = excluded.status, expires_at = excluded.expires_at, body = excluded.body`,
    ).run(request.id, this.nextSeq(), fiscalCode, request.status, request.expiresAt, JSON.stringify(request));
  }

  getRequest(id: string): EnablementRequest | null {
    const row = this.sql('SELECT body FROM requests WHERE id = ?').get(id) as { body: string } | undefined;
    return row ? enablementRequestSchema.parse(JSON.parse(row.body)) : null;
  }

  findByFiscalCode(canonicalFiscalCode: string): EnablementRequest[] {
    const rows = this.sql('SELECT body FROM requests WHERE fiscal_code = ? ORDER BY seq').all(canonicalFiscalCode) as { body: string }[];
    return rows.map((row) => JSON.parse(row.body) as EnablementRequest);
  }

  /** Requests changed after `afterSeq`, in server order, as their stored JSON text. */
  changesAfter(afterSeq: number, limit: number): { bodies: string[]; lastSeq: number; hasMore: boolean } {
    const rows = this.sql('SELECT seq, body FROM requests WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit + 1) as {
      seq: number;
      body: string;
    }[];
    const page = rows.slice(0, limit);
    return {
      bodies: page.map((row) => row.body),
      lastSeq: page.length > 0 ? page[page.length - 1]!.seq : afterSeq,
      hasMore: rows.length > limit,
    };
  }

  requestCount(): number {
    return (this.sql('SELECT count(*) AS n FROM requests').get() as { n: number }).n;
  }

  allRequestIds(): string[] {
    return (this.sql('SELECT id FROM requests ORDER BY seq').all() as { id: string }[]).map((row) => row.id);
  }

  /** Moves every request past its expiry to `expired` (the server's clock decides). */
  expireDue(nowIso: string): number {
    const due = this.sql(
      `SELECT body FROM requests WHERE status IN ('awaiting-code-confirmation', 'awaiting-identification') AND expires_at < ?`,
    ).all(nowIso) as { body: string }[];
    const update = this.db.transaction(() => {
      for (const row of due) {
        const request = JSON.parse(row.body) as EnablementRequest;
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
   * Applies one identification exactly once per key, in one transaction: the stored
   * answer for a known key (or `reused` when the body differs), else the business
   * outcome, its effect, the confirmation email and the stored answer.
   */
  applyIdentification(
    key: string,
    rawBody: string,
    submission: IdentificationSubmission,
    nowIso: string,
  ): { kind: 'answer'; answer: IdentificationAnswer; replayed: boolean } | { kind: 'reused' } | { kind: 'not-found' } {
    const bodyHash = sha256(rawBody);
    const run = this.db.transaction(() => {
      const existing = this.sql('SELECT body_hash, response FROM idempotency WHERE key = ?').get(key) as
        { body_hash: string; response: string } | undefined;
      if (existing) {
        if (existing.body_hash !== bodyHash) return { kind: 'reused' as const };
        return { kind: 'answer' as const, answer: JSON.parse(existing.response) as IdentificationAnswer, replayed: true };
      }
      const request = this.getRequest(submission.requestId);
      if (!request) return { kind: 'not-found' as const };
      let answer: IdentificationAnswer;
      const conflict = conflictFor(request, submission, nowIso);
      if (conflict) {
        answer = { status: 'conflict', code: conflict, request };
      } else if (submission.outcome === 'confirmed') {
        const enabled: EnablementRequest = {
          ...request,
          status: 'enabled',
          version: request.version + 1,
          updatedAt: nowIso,
          enabledAt: nowIso,
        };
        this.putRequest(enabled);
        this.sql('INSERT INTO emails (request_id, recipient, subject, created_at) VALUES (?, ?, ?, ?)').run(
          request.id,
          request.applicant.email,
          'Istanze OnLine: abilitazione confermata',
          nowIso,
        );
        answer = { status: 'accepted', code: 'identified', request: enabled };
      } else {
        answer = { status: 'accepted', code: 'refusal-recorded', request };
      }
      this.sql('INSERT INTO effects (key, request_id, outcome, code, created_at) VALUES (?, ?, ?, ?, ?)').run(
        key,
        request.id,
        submission.outcome,
        answer.code,
        nowIso,
      );
      this.sql('INSERT INTO idempotency (key, body_hash, response, created_at) VALUES (?, ?, ?, ?)').run(
        key,
        bodyHash,
        JSON.stringify(answer),
        nowIso,
      );
      return { kind: 'answer' as const, answer, replayed: false };
    });
    return run.immediate();
  }

  effects(): Array<{ key: string; requestId: string; outcome: string; code: string }> {
    return this.sql('SELECT key, request_id AS requestId, outcome, code FROM effects ORDER BY rowid').all() as Array<{
      key: string;
      requestId: string;
      outcome: string;
      code: string;
    }>;
  }

  emails(): Array<{ requestId: string; recipient: string; subject: string; createdAt: string }> {
    return this.sql('SELECT request_id AS requestId, recipient, subject, created_at AS createdAt FROM emails ORDER BY id').all() as Array<{
      requestId: string;
      recipient: string;
      subject: string;
      createdAt: string;
    }>;
  }

  // --- offices, operators, sessions ------------------------------------------------

  putOffice(office: Office): void {
    this.sql('INSERT OR REPLACE INTO offices (code, name, comune) VALUES (?, ?, ?)').run(office.code, office.name, office.comune);
  }

  putOperator(officeCode: string, username: string, password: string, operator: Operator): void {
    this.sql(
      'INSERT OR REPLACE INTO operators (id, office_code, username, display_name, role, password_hash) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(operator.id, officeCode, username.toLowerCase(), operator.displayName, operator.role, hashPassword(password));
  }

  /** Checks credentials; on success stores a new session and returns its token. */
  signIn(officeCode: string, username: string, password: string, expiresAt: string): { token: string; session: StoredSession } | null {
    const row = this.sql(
      `SELECT o.id, o.display_name, o.role, o.password_hash, f.code, f.name, f.comune
         FROM operators o JOIN offices f ON f.code = o.office_code WHERE o.office_code = ? AND o.username = ?`,
    ).get(officeCode, username.toLowerCase()) as
      | { id: string; display_name: string; role: Operator['role']; password_hash: string; code: string; name: string; comune: string }
      | undefined;
    // Same work whether or not the user exists.
    const ok = verifyPassword(password, row?.password_hash ?? hashPassword('x', '00'));
    if (!row || !ok) return null;
    const token = randomBytes(32).toString('base64url');
    this.sql('INSERT INTO sessions (token_hash, operator_id, expires_at) VALUES (?, ?, ?)').run(sha256(token), row.id, expiresAt);
    return {
      token,
      session: {
        operator: { id: row.id, displayName: row.display_name, role: row.role },
        office: { code: row.code, name: row.name, comune: row.comune },
        expiresAt,
      },
    };
  }

  session(token: string, nowIso: string): StoredSession | null {
    const row = this.sql(
      `SELECT s.expires_at, o.id, o.display_name, o.role, f.code, f.name, f.comune FROM sessions s
         JOIN operators o ON o.id = s.operator_id JOIN offices f ON f.code = o.office_code WHERE s.token_hash = ?`,
    ).get(sha256(token)) as
      | { expires_at: string; id: string; display_name: string; role: Operator['role']; code: string; name: string; comune: string }
      | undefined;
    if (!row || row.expires_at <= nowIso) return null;
    return {
      operator: { id: row.id, displayName: row.display_name, role: row.role },
      office: { code: row.code, name: row.name, comune: row.comune },
      expiresAt: row.expires_at,
    };
  }

  revokeAllSessions(): void {
    this.sql('DELETE FROM sessions').run();
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
