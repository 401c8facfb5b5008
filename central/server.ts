import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  auditHeadSchema,
  centralErrorCodes,
  centralPaths,
  changePasswordRequestSchema,
  changesQuerySchema,
  createOperatorRequestSchema,
  idempotencyKeyHeader,
  identificationBatchRequestSchema,
  identificationSubmissionSchema,
  lookupQuerySchema,
  signInRequestSchema,
  updateOperatorRequestSchema,
  type IdentificationBatchAnswer,
  type IdentificationBatchItem,
  type IdentificationSubmission,
  type SignInResponse,
} from '../shared/contract/central-api';
import { parseFiscalCode } from '../shared/domain/fiscal-code';
import { createRandom } from '../shared/domain/synthetic-people';
import { isProvince, isRegion, scopeTag } from './scope';
import { trainingExercises } from './exercises';
import { seedCentral, trainingOffice } from './seed';
import type { DatabaseLocation } from './db/database';
import { FeedTails, type FeedTailOptions } from './feed-tail';
import { OutcomesFirst, type DeferFeedAt } from './outcomes-first';
import { acceptsGzip, deflatePrefix, gzipWithSuffix, type DeflatedPrefix } from './gzip-prefix';
import { CentralStore, type FeedPosition, type StoredSession } from './store';

/**
 * The reference central service: the contract in shared/contract/central-api.ts served
 * over HTTP, with fault injection for tests, training and benchmarks. Loopback only.
 */

export const faultsSchema = z.object({
  /** Share of /v2 calls answered 500 before doing anything. */
  errorRate: z.number().min(0).max(1).default(0),
  /** Added latency per /v1 call. */
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  /** Share of identification posts whose connection is dropped after the commit, before the answer. */
  dropAfterCommitRate: z.number().min(0).max(1).default(0),
  /** Share of answers whose body is cut in half. */
  truncateRate: z.number().min(0).max(1).default(0),
  /** Share of /v2 calls answered 429 with Retry-After. */
  rateLimitRate: z.number().min(0).max(1).default(0),
  retryAfterSeconds: z.number().int().min(0).max(3600).default(1),
  /** Refuse connections altogether. */
  down: z.boolean().default(false),
  /** Seed of the fault dice, so a failing run replays. */
  seed: z.number().int().default(1),
});
export type Faults = z.infer<typeof faultsSchema>;

export interface CentralOptions {
  port?: number;
  host?: string;
  /** A PostgreSQL server (`{ url }`), or PGlite in a folder or in memory (`{ pglite }`, the default: memory). */
  database?: DatabaseLocation;
  /** Synthetic requests to seed (only into an empty store). */
  seed?: number;
  seedValue?: number;
  faults?: Partial<Faults>;
  /** Expose /admin endpoints (loopback only, and only when asked). */
  admin?: boolean;
  /** A training service: seeds its practice cases and serves them (never a production service). */
  training?: boolean;
  /** Port of the admin listener (0: any free port). */
  adminPort?: number;
  /** Server clock; shifted by admin to simulate time passing. */
  now?: () => Date;
  /**
   * Called once outcomes are committed, before their answer is sent (awaited): the kill
   * test stops the desk there, so the service has acted and the desk never hears.
   */
  afterCommit?: (keys: readonly string[]) => void | Promise<void>;
  /** Session lifetime in minutes. */
  sessionMinutes?: number;
  /**
   * Behind a reverse proxy: the proxies to trust for the client address (Fastify's
   * `trustProxy`), so per-client throttling counts clients, not the proxy.
   */
  trustProxy?: boolean | string | string[];
  version?: string;
  /** The feed's tails in memory (`maxRowsPerScope: 0`: every poll reads the database). */
  feedTails?: FeedTailOptions;
  /**
   * Outcomes first (see `OutcomesFirst`): while this many outcomes are in flight in this
   * process (a batch counts its items), or while they arrive at `outcomesPerSecond`, a feed
   * poll is answered 503 with Retry-After (Infinity: never); a poll let in waits for the
   * outcomes being applied before it reads. At 30 in flight, about three desks' queues of
   * ten (or one long one); at 100 a second per process, twice the whole country's
   * identifications on a peak day: a day's single identifications never get there.
   */
  deferFeedAt?: DeferFeedAt;
  /**
   * Outcomes wait in this process for their write (the store writes them together, one
   * transaction at a time): over this many in flight, an identification call is answered
   * 503 with Retry-After, so a stalled database does not gather every desk's queue (and
   * every resend of it) in memory. A call finding none in flight always goes in.
   */
  refuseOutcomesAt?: { outcomesInFlight: number; retryAfterSeconds: number };
}

export interface CentralService {
  url: string;
  port: number;
  /** Base URL of the admin endpoints, when enabled. */
  adminUrl: string | null;
  store: CentralStore;
  faults(): Faults;
  setFaults(change: Partial<Faults>): Promise<Faults>;
  /** Shifts the server clock by this many milliseconds (added to the current shift). */
  advanceClock(ms: number): void;
  now(): Date;
  close(): Promise<void>;
}

const loopback = (host: string) => host === '127.0.0.1' || host === '::1' || host.startsWith('127.');

/**
 * Cursors name the store (epoch), the history generation (bumped by compaction), the
 * office's scope (a cursor of another scope is refused) and a sequence.
 */
export function encodeCursor(epoch: string, generation: string, scope: string, position: FeedPosition): string {
  return Buffer.from(`${epoch}.${generation}.${scope}:${position.xid}:${position.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { epoch: string; generation: string; scope: string; position: FeedPosition } | null {
  const text = Buffer.from(cursor, 'base64url').toString();
  // The id is last and may hold any character the contract allows for a request id.
  const match = /^([0-9a-f]{12})\.(\d+)\.([A-Z0-9]{1,4}):(\d{1,18}):(.{0,64})$/su.exec(text);
  return match ? { epoch: match[1]!, generation: match[2]!, scope: match[3]!, position: { xid: BigInt(match[4]!), id: match[5]! } } : null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startCentral(options: CentralOptions = {}): Promise<CentralService> {
  const host = options.host ?? '127.0.0.1';
  if (!loopback(host)) throw new Error(`central service: loopback only, not ${host}`);
  const store = await CentralStore.open(options.database ?? { pglite: null });
  try {
    return await serve(store, host, options);
  } catch (error) {
    // A PostgreSQL pool is kept for the life of the process: closed here, or never.
    await store.close();
    throw error;
  }
}

/** The service on an open store: seeded when asked, its routes, listening. */
async function serve(store: CentralStore, host: string, options: CentralOptions): Promise<CentralService> {
  const feed = new FeedTails((scope, after, limit, upTo) => store.feedRead(scope, after, limit, upTo), options.feedTails);
  const deferFeedAt = options.deferFeedAt ?? { outcomesInFlight: 30, outcomesPerSecond: 100, retryAfterSeconds: 10 };
  // The process's monotonic clock (a test that sets the service's clock steers this one too).
  const outcomes = new OutcomesFirst(deferFeedAt, options.now ? () => now().getTime() : () => performance.now() + clockShift);
  const deferFeed = (reply: FastifyReply) => busy(reply, deferFeedAt.retryAfterSeconds, 'outcomes first: pull again later');
  const refuseOutcomesAt = options.refuseOutcomesAt ?? { outcomesInFlight: 2000, retryAfterSeconds: 5 };
  /** 503 with Retry-After: busy for now, nothing lost; call again after the given seconds. */
  const busy = (reply: FastifyReply, retryAfterSeconds: number, message: string) =>
    reply.code(503).header('retry-after', String(retryAfterSeconds)).send({ code: centralErrorCodes.unavailable, message });
  /**
   * Counts outcomes while the store applies them and their answer goes out: only those of
   * an identifying session that passed validation (nobody holds the feed with junk).
   */
  const inFlight = async <T>(count: number, reply: FastifyReply, work: (signal: AbortSignal) => Promise<T>): Promise<T | FastifyReply> => {
    if (count > 0 && outcomes.outcomesInFlight > 0 && outcomes.outcomesInFlight + count > refuseOutcomesAt.outcomesInFlight)
      return busy(reply, refuseOutcomesAt.retryAfterSeconds, 'too many outcomes waiting: send again later');
    // A caller gone before its answer (the connection closed): its outcomes leave the queue if still waiting.
    const gone = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) gone.abort();
    });
    outcomes.begin(count);
    try {
      return await work(gone.signal);
    } finally {
      outcomes.end(count);
    }
  };
  /** Shared pages, compressed: kept as long as the page is. */
  const compressedPages = new WeakMap<object, { head: string; prefix: DeflatedPrefix }>();
  let clockShift = 0;
  const baseNow = options.now ?? (() => new Date());
  const now = () => new Date(baseNow().getTime() + clockShift);
  const nowIso = () => now().toISOString();
  // Seeds once: the offices and their operators, then the synthetic requests.
  if (options.seed !== undefined && (await store.officeScope(trainingOffice.code)) === null)
    await seedCentral(store, { count: options.seed, seed: options.seedValue ?? 1, now: now() });

  /**
   * Expiry is the server clock's: requests past it are marked expired before the feed or
   * a lookup answers, at most once a second of server time per process (not at every poll).
   */
  let expiredUpTo = 0;
  const expireDue = async () => {
    if (now().getTime() - expiredUpTo < 1000) return;
    expiredUpTo = now().getTime();
    await store.expireDue(nowIso());
  };

  let faults = faultsSchema.parse(options.faults ?? {});
  let dice = createRandom(faults.seed);
  const roll = (rate: number) => rate > 0 && dice() < rate;

  const app: FastifyInstance = Fastify({
    logger: false,
    bodyLimit: 256 * 1024,
    trustProxy: options.trustProxy ?? false,
    // The raw body is hashed for idempotency: parse JSON ourselves and keep the text.
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    (request as FastifyRequest & { rawText?: string }).rawText = body as string;
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('invalid JSON'), { statusCode: 400 }), undefined);
    }
  });

  const error = (reply: FastifyReply, status: number, code: string, message?: string) =>
    reply.code(status).send(message ? { code, message } : { code });

  app.setErrorHandler((err: { statusCode?: number }, _request, reply) => {
    const status = err.statusCode ?? 500;
    if (status === 413) return error(reply, 413, centralErrorCodes.validation, 'body too large');
    if (status >= 400 && status < 500) return error(reply, 400, centralErrorCodes.validation, 'unreadable request');
    return error(reply, 500, centralErrorCodes.unavailable);
  });

  // Faults apply to the API, never to the health check's errors (it answers while up).
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v2/') || request.url.startsWith(centralPaths.health)) return;
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (roll(faults.rateLimitRate)) {
      return reply.code(429).header('retry-after', String(faults.retryAfterSeconds)).send({ code: centralErrorCodes.rateLimited });
    }
    if (roll(faults.errorRate)) return error(reply, 500, centralErrorCodes.unavailable, 'injected fault');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith('/v2/') || typeof payload !== 'string' || reply.statusCode >= 300) return payload;
    if (roll(faults.truncateRate)) return payload.slice(0, Math.floor(payload.length / 2));
    return payload;
  });

  /**
   * The session of the bearer token, or null (the reply is sent). Unless `passwordChange`
   * is allowed, a session on a temporary password may do nothing else.
   */
  const authenticate = async (
    request: FastifyRequest,
    reply: FastifyReply,
    allow: { passwordChange?: boolean } = {},
  ): Promise<StoredSession | null> => {
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
    const session = match ? await store.session(match[1]!, nowIso()) : null;
    if (!session) {
      void error(reply, 401, centralErrorCodes.unauthorized, 'sign in again');
      return null;
    }
    if (session.passwordChangeRequired && !allow.passwordChange) {
      void error(reply, 403, centralErrorCodes.passwordChangeRequired, 'change the temporary password first');
      return null;
    }
    return session;
  };

  const officeAdmin = async (request: FastifyRequest, reply: FastifyReply): Promise<StoredSession | null> => {
    const session = await authenticate(request, reply);
    if (session && session.operator.role !== 'office-admin') {
      void error(reply, 403, centralErrorCodes.forbidden, 'office administrators only');
      return null;
    }
    return session;
  };

  const issues = (error: z.ZodError) => error.issues.map((i) => i.path.join('.')).join(', ');

  app.get(centralPaths.health, async () => ({ status: 'ok', serverTime: nowIso(), version: options.version ?? '2' }));

  app.get(centralPaths.keys, async () => ({ keys: await store.publicKeys() }));

  app.post(centralPaths.sessions, async (request, reply) => {
    const parsed = signInRequestSchema.safeParse(request.body);
    if (!parsed.success) return error(reply, 400, centralErrorCodes.validation, issues(parsed.error));
    const expiresAt = new Date(now().getTime() + (options.sessionMinutes ?? 12 * 60) * 60_000).toISOString();
    const result = await store.signIn({ ...parsed.data, client: request.ip }, expiresAt, now().getTime());
    if (result.kind === 'throttled') {
      return reply
        .code(429)
        .header('retry-after', String(Math.ceil(result.retryAfterMs / 1000)))
        .send({ code: centralErrorCodes.tooManyAttempts, message: 'too many failed sign-ins: wait and try again' });
    }
    if (result.kind === 'invalid') return error(reply, 401, centralErrorCodes.invalidCredentials, 'wrong office, username or password');
    if (result.kind === 'not-permitted') return error(reply, 403, centralErrorCodes.notPermitted, 'this account may not identify');
    if (result.kind === 'bad-device-proof') return error(reply, 400, centralErrorCodes.validation, 'device proof does not verify');
    if (result.kind === 'device-mismatch')
      return error(reply, 403, centralErrorCodes.deviceMismatch, 'this device id belongs to another device key or office');
    const { session } = result;
    const answer: SignInResponse = {
      token: result.token,
      expiresAt,
      operator: session.operator,
      office: session.office,
      scope: session.scope,
      canIdentify: session.canIdentify,
      passwordChangeRequired: session.passwordChangeRequired,
    };
    return answer;
  });

  app.delete(centralPaths.currentSession, async (request, reply) => {
    const session = await authenticate(request, reply, { passwordChange: true });
    if (!session) return reply;
    await store.revokeSession(session);
    return reply.code(204).send();
  });

  app.post(centralPaths.currentPassword, async (request, reply) => {
    const session = await authenticate(request, reply, { passwordChange: true });
    if (!session) return reply;
    const parsed = changePasswordRequestSchema.safeParse(request.body);
    if (!parsed.success) return error(reply, 400, centralErrorCodes.validation, issues(parsed.error));
    if (parsed.data.newPassword === parsed.data.currentPassword)
      return error(reply, 400, centralErrorCodes.validation, 'the new password must differ from the current one');
    const result = await store.changePassword(session, parsed.data.currentPassword, parsed.data.newPassword, now().getTime());
    if (result === 'invalid') return error(reply, 401, centralErrorCodes.invalidCredentials, 'wrong current password');
    if (typeof result === 'object')
      return reply
        .code(429)
        .header('retry-after', String(Math.ceil(result.throttled / 1000)))
        .send({ code: centralErrorCodes.tooManyAttempts });
    return { passwordChangeRequired: false };
  });

  app.get(centralPaths.changes, async (request, reply) => {
    // Deferred before any work (not even the session's lookup): a busy process sheds the
    // polls, which come back at the Retry-After and are then checked as always.
    if (outcomes.feedDeferred()) return deferFeed(reply);
    const session = await authenticate(request, reply);
    if (!session) return reply;
    const parsed = changesQuerySchema.safeParse(request.query);
    if (!parsed.success) return error(reply, 400, centralErrorCodes.validation);
    // Let in: it reads once a desk's queue being applied is (or is deferred, if a herd shows
    // meanwhile; after its session's lookup, this once); nothing read for a caller gone meanwhile.
    if ((await outcomes.beforeFeedRead()) === 'defer') return deferFeed(reply);
    if (request.raw.socket?.destroyed) return reply;
    await expireDue();
    const epoch = store.epoch();
    const scope = scopeTag(session.scope.kind, session.scope.area);
    const cursor = parsed.data.cursor ? decodeCursor(parsed.data.cursor) : null;
    const expired = () => error(reply, 410, centralErrorCodes.refetch, 'unknown or expired cursor: fetch everything again');
    if (parsed.data.cursor && (!cursor || cursor.epoch !== epoch || cursor.scope !== scope)) return expired();
    // The history's generation comes with the page (one round trip): a cursor of another is refused.
    const page = await feed.page(session.scope, cursor?.position ?? null, parsed.data.limit);
    if (page.kind === 'refetch')
      return error(reply, 410, centralErrorCodes.refetch, 'cursor from before a restore: fetch everything again');
    if (cursor && cursor.generation !== page.generation) return expired();
    // The stored JSON goes out as is: no parse and re-serialise of every request. The
    // server's time last, so that a page many desks ask for is the same up to there.
    const head = `{"nextCursor":${JSON.stringify(encodeCursor(epoch, page.generation, scope, page.next))},"hasMore":${page.hasMore},"items":[`;
    const serverTime = `${JSON.stringify(nowIso())}}`;
    reply.type('application/json; charset=utf-8');
    // A page every desk of the scope asks for: compressed once, for the clients that take gzip.
    reply.header('vary', 'accept-encoding');
    if (!page.shared || !acceptsGzip(request.headers['accept-encoding']))
      return reply.send(Buffer.concat([Buffer.from(head), page.items, Buffer.from(`],"serverTime":${serverTime}`)]));
    let compressed = compressedPages.get(page.shared);
    if (compressed?.head !== head) {
      compressed = { head, prefix: deflatePrefix(Buffer.concat([Buffer.from(head), page.items, Buffer.from('],"serverTime":')])) };
      compressedPages.set(page.shared, compressed);
    }
    return reply.header('content-encoding', 'gzip').send(gzipWithSuffix(compressed.prefix, Buffer.from(serverTime)));
  });

  app.get(centralPaths.requests, async (request, reply) => {
    if (!(await authenticate(request, reply))) return reply;
    const parsed = lookupQuerySchema.safeParse(request.query);
    if (!parsed.success) return error(reply, 400, centralErrorCodes.validation);
    const code = parseFiscalCode(parsed.data.fiscalCode, { on: nowIso().slice(0, 10) });
    await expireDue();
    const found = code.ok ? await store.findByFiscalCode(code.value.canonical) : [];
    // The stored JSON goes out as is.
    return reply.type('application/json; charset=utf-8').send(`{"items":[${found.join(',')}],"serverTime":${JSON.stringify(nowIso())}}`);
  });

  /** The session of an account that may identify, or null (the reply is sent). */
  const identifying = async (request: FastifyRequest, reply: FastifyReply): Promise<StoredSession | null> => {
    const session = await authenticate(request, reply);
    if (!session) return null;
    if (session.canIdentify) return session;
    void error(reply, 403, centralErrorCodes.notPermitted, 'this account may not identify');
    return null;
  };
  // Who acted comes from the token: a body naming anyone else is refused, whatever its key.
  const namesSession = (body: IdentificationSubmission, session: StoredSession) =>
    body.operator.id === session.operator.id && body.officeCode === session.office.code && body.device.id === session.deviceId;
  /** The injected fault: committed, but the client never hears (it must retry with the same keys). */
  const droppedAfterCommit = (reply: FastifyReply): boolean => {
    if (!roll(faults.dropAfterCommitRate)) return false;
    reply.hijack();
    reply.raw.socket?.destroy();
    return true;
  };

  app.post(centralPaths.identifications, async (request, reply) => {
    const session = await identifying(request, reply);
    if (!session) return reply;
    const key = request.headers[idempotencyKeyHeader];
    if (typeof key !== 'string' || !z.uuid().safeParse(key).success)
      return error(reply, 400, centralErrorCodes.idempotencyKeyMissing, 'Idempotency-Key must be a UUID');
    const parsed = identificationSubmissionSchema.safeParse(request.body);
    if (!parsed.success) return error(reply, 400, centralErrorCodes.validation, issues(parsed.error));
    const body = parsed.data;
    if (!namesSession(body, session))
      return error(reply, 403, centralErrorCodes.identityMismatch, 'the body names another operator, office or device than the session');
    const raw = (request as FastifyRequest & { rawText?: string }).rawText ?? '';
    return inFlight(1, reply, async (signal) => {
      const result = await store.applyIdentification(session, key, raw, body, nowIso(), signal);
      if (result.kind === 'reused')
        return error(reply, 422, centralErrorCodes.idempotencyKeyReused, 'this key was used with a different body');
      if (result.kind === 'not-found') return error(reply, 404, centralErrorCodes.notFound, 'unknown request');
      await options.afterCommit?.([key]);
      if (droppedAfterCommit(reply)) return;
      return result.answer;
    });
  });

  // Several outcomes in one call: each item answered as the single endpoint would answer it.
  app.post(centralPaths.identificationBatches, { bodyLimit: 1024 * 1024 }, async (request, reply) => {
    const session = await identifying(request, reply);
    if (!session) return reply;
    const parsed = identificationBatchRequestSchema.safeParse(request.body);
    if (!parsed.success) return error(reply, 400, centralErrorCodes.validation, issues(parsed.error));
    const answers: Array<IdentificationBatchItem | null> = [];
    const valid: Array<{ index: number; key: string; rawBody: string; submission: IdentificationSubmission }> = [];
    parsed.data.items.forEach((item, index) => {
      const failed = (status: number, code: string) => answers.push({ key: item.key, ok: false, status, code });
      let json: unknown;
      try {
        json = JSON.parse(item.body);
      } catch {
        return failed(400, centralErrorCodes.validation);
      }
      const submission = identificationSubmissionSchema.safeParse(json);
      if (!submission.success) return failed(400, centralErrorCodes.validation);
      if (!namesSession(submission.data, session)) return failed(403, centralErrorCodes.identityMismatch);
      answers.push(null);
      valid.push({ index, key: item.key, rawBody: item.body, submission: submission.data });
    });
    return inFlight(valid.length, reply, async (signal) => {
      const results = valid.length > 0 ? await store.applyIdentifications(session, valid, nowIso(), signal) : [];
      valid.forEach((item, position) => {
        const result = results[position]!;
        answers[item.index] =
          result.kind === 'answer'
            ? { key: item.key, ok: true, answer: result.answer }
            : result.kind === 'reused'
              ? { key: item.key, ok: false, status: 422, code: centralErrorCodes.idempotencyKeyReused }
              : { key: item.key, ok: false, status: 404, code: centralErrorCodes.notFound };
      });
      const committed = valid.filter((_, position) => results[position]!.kind === 'answer').map((item) => item.key);
      if (committed.length > 0) await options.afterCommit?.(committed);
      if (droppedAfterCommit(reply)) return;
      // Every item has its answer now (an invalid one at once, the others from the store).
      return { items: answers as IdentificationBatchItem[] } satisfies IdentificationBatchAnswer;
    });
  });

  app.post(centralPaths.auditAnchors, async (request, reply) => {
    const session = await authenticate(request, reply);
    if (!session) return reply;
    const parsed = auditHeadSchema.safeParse(request.body);
    if (!parsed.success) return error(reply, 400, centralErrorCodes.validation, issues(parsed.error));
    const result = await store.anchorAuditHead(session, parsed.data, nowIso());
    if (result.kind === 'conflict')
      return error(reply, 409, centralErrorCodes.anchorConflict, 'this device anchored another head at or after that sequence');
    return result.receipt;
  });

  app.get(centralPaths.latestAuditAnchor, async (request, reply) => {
    const session = await authenticate(request, reply);
    if (!session) return reply;
    return { receipt: await store.latestAnchor(session) };
  });

  // --- training: the practice cases (a training service only) -------------------------
  if (options.training) {
    /** The cases as new (again awaiting identification, a version up: the desks' feeds bring them). */
    const resetExercises = () => store.resetTrainingExercises(trainingExercises(now()));
    // New at every start: a case done, or expired while the service slept, is ready again.
    await resetExercises();
    /** The cases are the first training office's (its province holds them); another office has none. */
    const exercisesFor = async (session: StoredSession) => (session.office.code === trainingOffice.code ? store.trainingExercises() : []);
    app.get(centralPaths.trainingExercises, async (request, reply) => {
      const session = await authenticate(request, reply);
      if (!session) return reply;
      return { items: await exercisesFor(session) };
    });
    app.post(`${centralPaths.trainingExercises}/reset`, async (request, reply) => {
      const session = await authenticate(request, reply);
      if (!session) return reply;
      if (session.office.code === trainingOffice.code) await resetExercises();
      return { items: await exercisesFor(session) };
    });
  }

  app.get(centralPaths.operators, async (request, reply) => {
    const session = await officeAdmin(request, reply);
    if (!session) return reply;
    return { items: await store.operatorsOf(session.office.code) };
  });

  app.post(centralPaths.operators, async (request, reply) => {
    const session = await officeAdmin(request, reply);
    if (!session) return reply;
    const parsed = createOperatorRequestSchema.safeParse(request.body);
    if (!parsed.success) return error(reply, 400, centralErrorCodes.validation, issues(parsed.error));
    const created = await store.createOperator(session, parsed.data, nowIso());
    if (!created) return error(reply, 409, centralErrorCodes.usernameTaken, 'this username exists in the office');
    return reply.code(201).send(created);
  });

  app.patch<{ Params: { id: string } }>(`${centralPaths.operators}/:id`, async (request, reply) => {
    const session = await officeAdmin(request, reply);
    if (!session) return reply;
    const parsed = updateOperatorRequestSchema.safeParse(request.body);
    if (!parsed.success) return error(reply, 400, centralErrorCodes.validation, issues(parsed.error));
    // Nobody revokes or disables themselves: an office never locks out its last administrator by mistake.
    if (request.params.id === session.operator.id) return error(reply, 403, centralErrorCodes.forbidden, 'not on your own account');
    const updated = await store.updateOperator(session, request.params.id, parsed.data, nowIso());
    return updated ?? error(reply, 404, centralErrorCodes.notFound, 'no such operator in this office');
  });

  // "Down" closes the listener and every open connection: clients see ECONNREFUSED.
  await app.ready();
  const server: Server = app.server;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const port = await listen(options.port ?? 0);
  let listening = true;

  async function applyDown(down: boolean) {
    if (down && listening) {
      listening = false;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    } else if (!down && !listening) {
      await listen(port);
      listening = true;
    }
  }
  if (faults.down) await applyDown(true);

  // --- admin: its own listener (loopback), so it answers while the API is "down" ----
  let adminApp: FastifyInstance | null = null;
  if (options.admin) {
    adminApp = Fastify({ logger: false, bodyLimit: 64 * 1024 });
    const admin = adminApp;
    admin.get('/admin/faults', async () => faults);
    admin.post('/admin/faults', async (request, reply) => {
      const parsed = faultsSchema.partial().safeParse(request.body ?? {});
      if (!parsed.success) return error(reply, 400, centralErrorCodes.validation);
      return service.setFaults(parsed.data);
    });
    admin.post('/admin/clock', async (request, reply) => {
      const parsed = z.object({ advanceMs: z.number().int() }).safeParse(request.body);
      if (!parsed.success) return error(reply, 400, centralErrorCodes.validation);
      clockShift += parsed.data.advanceMs;
      return { serverTime: nowIso() };
    });
    admin.post<{ Params: { id: string; action: string } }>('/admin/requests/:id/:action', async (request, reply) => {
      const current = await store.getRequest(request.params.id);
      if (!current) return error(reply, 404, centralErrorCodes.notFound);
      const statuses: Record<string, typeof current.status> = {
        annul: 'annulled',
        expire: 'expired',
        'confirm-code': 'awaiting-identification',
        enable: 'enabled',
      };
      const status = statuses[request.params.action];
      if (!status) return error(reply, 404, centralErrorCodes.notFound);
      const updated = {
        ...current,
        status,
        version: current.version + 1,
        updatedAt: nowIso(),
        enabledAt: status === 'enabled' ? nowIso() : current.enabledAt,
      };
      await store.putRequest(updated);
      return updated;
    });
    admin.post<{ Params: { code: string } }>('/admin/offices/:code/scope', async (request, reply) => {
      const parsed = z
        .object({ kind: z.enum(['province', 'region', 'national']), area: z.string().toUpperCase().nullable().default(null) })
        .refine((s) => (s.kind === 'national' ? true : s.kind === 'region' ? isRegion(s.area ?? '') : isProvince(s.area ?? '')))
        .safeParse(request.body);
      if (!parsed.success) return error(reply, 400, centralErrorCodes.validation);
      if (!(await store.setOfficeScope(request.params.code, parsed.data.kind, parsed.data.area)))
        return error(reply, 404, centralErrorCodes.notFound);
      return store.officeScope(request.params.code);
    });
    admin.get('/admin/effects', async () => store.effects());
    admin.get('/admin/audit-anchors', async () => store.allAnchors());
    admin.get('/admin/emails', async () => store.emails());
    admin.post('/admin/compact', async () => (await store.compact(), { ok: true }));
    admin.post('/admin/revoke-sessions', async () => (await store.revokeAllSessions(), { ok: true }));
    admin.get<{ Params: { id: string } }>(
      '/admin/training-cards/:id',
      async (request, reply) => (await store.trainingCard(request.params.id)) ?? error(reply, 404, centralErrorCodes.notFound),
    );
    admin.get('/admin/requests', async (request, reply) => {
      const parsed = z
        .object({ status: z.string().optional(), limit: z.coerce.number().int().min(1).max(1_000_000).default(1000) })
        .safeParse(request.query);
      if (!parsed.success) return error(reply, 400, centralErrorCodes.validation);
      const all = await store.allRequests();
      return all.filter((r) => !parsed.data.status || r.status === parsed.data.status).slice(0, parsed.data.limit);
    });
    await admin.listen({ host, port: options.adminPort ?? 0 });
  }

  const service: CentralService = {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    adminUrl: adminApp ? `http://${host.includes(':') ? `[${host}]` : host}:${(adminApp.server.address() as AddressInfo).port}` : null,
    store,
    faults: () => faults,
    async setFaults(change) {
      const seedChanged = change.seed !== undefined && change.seed !== faults.seed;
      faults = faultsSchema.parse({ ...faults, ...change });
      if (seedChanged) dice = createRandom(faults.seed);
      await applyDown(faults.down);
      return faults;
    },
    advanceClock(ms) {
      clockShift += ms;
    },
    now,
    async close() {
      for (const socket of sockets) socket.destroy();
      if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      listening = false;
      await app.close().catch(() => {});
      await adminApp?.close();
      await store.close();
    },
  };
  return service;
}
