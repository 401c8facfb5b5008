import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  centralErrorCodes,
  changesQuerySchema,
  idempotencyKeyHeader,
  identificationSubmissionSchema,
  lookupQuerySchema,
  signInRequestSchema,
  type ChangesResponse,
} from '../shared/contract/central-api';
import { parseFiscalCode } from '../shared/domain/fiscal-code';
import { createRandom } from '../shared/domain/synthetic-people';
import { seedCentral } from './seed';
import { CentralStore } from './store';

/**
 * The reference central service: the contract in shared/contract/central-api.ts served
 * over HTTP, with fault injection for tests, training and benchmarks. Loopback only.
 */

export const faultsSchema = z.object({
  /** Share of /v1 calls answered 500 before doing anything. */
  errorRate: z.number().min(0).max(1).default(0),
  /** Added latency per /v1 call. */
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  /** Share of identification posts whose connection is dropped after the commit, before the answer. */
  dropAfterCommitRate: z.number().min(0).max(1).default(0),
  /** Share of answers whose body is cut in half. */
  truncateRate: z.number().min(0).max(1).default(0),
  /** Share of /v1 calls answered 429 with Retry-After. */
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
  /** SQLite file, or in memory. */
  databasePath?: string;
  /** Synthetic requests to seed (only into an empty store). */
  seed?: number;
  seedValue?: number;
  faults?: Partial<Faults>;
  /** Expose /admin endpoints (loopback only, and only when asked). */
  admin?: boolean;
  /** Port of the admin listener (0: any free port). */
  adminPort?: number;
  /** Server clock; shifted by admin to simulate time passing. */
  now?: () => Date;
  /** Session lifetime in minutes. */
  sessionMinutes?: number;
  version?: string;
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

/** Cursors name the store (epoch), the history generation (bumped by compaction) and a sequence. */
function encodeCursor(epoch: string, generation: string, seq: number): string {
  return Buffer.from(`${epoch}.${generation}:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): { epoch: string; generation: string; seq: number } | null {
  const text = Buffer.from(cursor, 'base64url').toString();
  const match = /^([0-9a-f]{12})\.(\d+):(\d+)$/.exec(text);
  return match ? { epoch: match[1]!, generation: match[2]!, seq: Number(match[3]) } : null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startCentral(options: CentralOptions = {}): Promise<CentralService> {
  const host = options.host ?? '127.0.0.1';
  if (!loopback(host)) throw new Error(`central service: loopback only, not ${host}`);
  const store = new CentralStore(options.databasePath ?? ':memory:');
  let clockShift = 0;
  const baseNow = options.now ?? (() => new Date());
  const now = () => new Date(baseNow().getTime() + clockShift);
  const nowIso = () => now().toISOString();
  if (options.seed && store.requestCount() === 0) seedCentral(store, { count: options.seed, seed: options.seedValue ?? 1, now: now() });

  let faults = faultsSchema.parse(options.faults ?? {});
  let dice = createRandom(faults.seed);
  const roll = (rate: number) => rate > 0 && dice() < rate;

  const app: FastifyInstance = Fastify({
    logger: false,
    bodyLimit: 256 * 1024,
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
    if (!request.url.startsWith('/v1/') || request.url.startsWith('/v1/health')) return;
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (roll(faults.rateLimitRate)) {
      return reply.code(429).header('retry-after', String(faults.retryAfterSeconds)).send({ code: centralErrorCodes.rateLimited });
    }
    if (roll(faults.errorRate)) return error(reply, 500, centralErrorCodes.unavailable, 'injected fault');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith('/v1/') || typeof payload !== 'string' || reply.statusCode >= 300) return payload;
    if (roll(faults.truncateRate)) return payload.slice(0, Math.floor(payload.length / 2));
    return payload;
  });

  const authenticate = (request: FastifyRequest, reply: FastifyReply) => {
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
    const session = match ? store.session(match[1]!, nowIso()) : null;
    if (!session) {
      void error(reply, 401, centralErrorCodes.unauthorized, 'sign in again');
      return null;
    }
    return session;
  };

  app.get('/v1/health', async () => ({ status: 'ok', serverTime: nowIso(), version: options.version ?? '1' }));

  app.post('/v1/sessions', async (request, reply) => {
    const parsed = signInRequestSchema.safeParse(request.body);
    if (!parsed.success)
      return error(reply, 400, centralErrorCodes.validation, parsed.error.issues.map((i) => i.path.join('.')).join(', '));
    const expiresAt = new Date(now().getTime() + (options.sessionMinutes ?? 12 * 60) * 60_000).toISOString();
    const signedIn = store.signIn(parsed.data.officeCode, parsed.data.username, parsed.data.password, expiresAt);
    if (!signedIn) return error(reply, 401, centralErrorCodes.invalidCredentials, 'wrong office, username or password');
    return { token: signedIn.token, expiresAt, operator: signedIn.session.operator, office: signedIn.session.office };
  });

  app.get('/v1/enablement-requests/changes', async (request, reply) => {
    if (!authenticate(request, reply)) return reply;
    const parsed = changesQuerySchema.safeParse(request.query);
    if (!parsed.success) return error(reply, 400, centralErrorCodes.validation);
    store.expireDue(nowIso());
    const epoch = store.meta('epoch')!;
    const generation = store.meta('generation') ?? '0';
    let afterSeq = 0;
    if (parsed.data.cursor) {
      const cursor = decodeCursor(parsed.data.cursor);
      if (!cursor || cursor.epoch !== epoch || cursor.generation !== generation) {
        return error(reply, 410, centralErrorCodes.refetch, 'unknown or expired cursor: fetch everything again');
      }
      afterSeq = cursor.seq;
    }
    const page = store.changesAfter(afterSeq, parsed.data.limit);
    // The stored JSON goes out as is: no parse and re-serialise of every request.
    const tail: Omit<ChangesResponse, 'items'> = {
      nextCursor: encodeCursor(epoch, generation, page.lastSeq),
      hasMore: page.hasMore,
      serverTime: nowIso(),
    };
    return reply.type('application/json; charset=utf-8').send(`{"items":[${page.bodies.join(',')}],${JSON.stringify(tail).slice(1)}`);
  });

  app.get('/v1/enablement-requests', async (request, reply) => {
    if (!authenticate(request, reply)) return reply;
    const parsed = lookupQuerySchema.safeParse(request.query);
    if (!parsed.success) return error(reply, 400, centralErrorCodes.validation);
    const code = parseFiscalCode(parsed.data.fiscalCode, { on: nowIso().slice(0, 10) });
    store.expireDue(nowIso());
    return { items: code.ok ? store.findByFiscalCode(code.value.canonical) : [], serverTime: nowIso() };
  });

  app.post('/v1/identifications', async (request, reply) => {
    if (!authenticate(request, reply)) return reply;
    const key = request.headers[idempotencyKeyHeader];
    if (typeof key !== 'string' || !z.uuid().safeParse(key).success)
      return error(reply, 400, centralErrorCodes.idempotencyKeyMissing, 'Idempotency-Key must be a UUID');
    const parsed = identificationSubmissionSchema.safeParse(request.body);
    if (!parsed.success)
      return error(reply, 400, centralErrorCodes.validation, parsed.error.issues.map((i) => i.path.join('.')).join(', '));
    const raw = (request as FastifyRequest & { rawText?: string }).rawText ?? '';
    const result = store.applyIdentification(key, raw, parsed.data, nowIso());
    if (result.kind === 'reused')
      return error(reply, 422, centralErrorCodes.idempotencyKeyReused, 'this key was used with a different body');
    if (result.kind === 'not-found') return error(reply, 404, centralErrorCodes.notFound, 'unknown request');
    if (roll(faults.dropAfterCommitRate)) {
      // Committed, but the client never hears: it must retry with the same key.
      reply.hijack();
      reply.raw.socket?.destroy();
      return;
    }
    return result.answer;
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
      const current = store.getRequest(request.params.id);
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
      store.putRequest(updated);
      return updated;
    });
    admin.get('/admin/effects', async () => store.effects());
    admin.get('/admin/emails', async () => store.emails());
    admin.post('/admin/compact', async () => (store.compact(), { ok: true }));
    admin.post('/admin/revoke-sessions', async () => (store.revokeAllSessions(), { ok: true }));
    admin.get<{ Params: { id: string } }>(
      '/admin/training-cards/:id',
      async (request, reply) => store.trainingCard(request.params.id) ?? error(reply, 404, centralErrorCodes.notFound),
    );
    admin.get('/admin/requests', async (request, reply) => {
      const parsed = z
        .object({ status: z.string().optional(), limit: z.coerce.number().int().min(1).max(1_000_000).default(1000) })
        .safeParse(request.query);
      if (!parsed.success) return error(reply, 400, centralErrorCodes.validation);
      const all = store.allRequestIds().map((id) => store.getRequest(id)!);
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
      store.close();
    },
  };
  return service;
}
