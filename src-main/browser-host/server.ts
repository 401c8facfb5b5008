import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { isIP } from 'node:net';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  failWith,
  firstScreenOperations,
  transportErrorCodes,
  type AppEvent,
  type FirstScreenOperation,
  type Result,
} from '../../shared/contract';
import { worded } from '../../shared/i18n/messages';
import type { Core } from '../core/app';
import type { Logger } from '../core/log';
import { rendererContentSecurityPolicy } from '../core/content-security-policy';
import { issuePath } from '../core/rpc/dispatcher';

/**
 * The browser host: the same core as the Electron app, served to a browser on loopback
 * HTTP. How the app runs headless, in end-to-end tests, and where no Electron binary
 * exists. Every call needs a per-launch bearer token, obtained once from a one-time
 * launch code carried by the printed URL.
 */

export const maxBodyBytes = 1024 * 1024;

export interface BrowserHostOptions {
  core: Core;
  logger: Logger;
  /** Folder of the built renderer (`out/renderer`). */
  rendererDirectory: string;
  /** Loopback only: 127.0.0.0/8 or ::1. Default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** A request (headers and body) must arrive within this time (default 30 s): slow senders are cut off. */
  requestTimeoutMs?: number;
  /** A token not used for this long stops working (default 12 hours); each call restarts the time. */
  tokenIdleMs?: number;
  /** The clock of token expiry (tests). */
  now?: () => number;
}

/** Event streams one token may hold open at once (a page needs one; a reload briefly two). */
export const maxStreamsPerToken = 4;

export interface BrowserHost {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  origin: string;
  port: number;
  /** A fresh URL carrying a new one-time launch code. */
  issueLaunchUrl(): string;
  /** A session token without the browser step (tests and benchmarks). */
  issueSessionToken(): string;
  close(): Promise<void>;
}

export function isLoopbackAddress(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const randomToken = () => randomBytes(32).toString('base64url');

/** The first screen's calls a token exchange may ask, each once, answered with the token (#20). */
const firstCallsSchema = z
  .array(z.enum(firstScreenOperations))
  .max(firstScreenOperations.length)
  .refine((operations) => new Set(operations).size === operations.length, 'each once');
/** `/auth/launch`: the one-time code (a missing one is refused as a wrong one, 401). */
const launchExchangeSchema = z.strictObject({ code: z.string().max(200).optional(), first: firstCallsSchema.optional() });
/** `/auth/refresh`: the cookie carries the secret; the body only the first calls, if any. */
const refreshExchangeSchema = z.strictObject({ first: firstCallsSchema.optional() });

function statusFor(result: Result<unknown>): number {
  if (result.ok) return 200;
  switch (result.error.code) {
    case transportErrorCodes.validation:
      return 400;
    case transportErrorCodes.unknownOperation:
      return 404;
    case transportErrorCodes.internal:
      return 500;
    default:
      return 200; // a business outcome: data, not a transport failure
  }
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackAddress(host)) {
    throw new Error(`Indirizzo non consentito: l'host del browser ascolta solo su loopback (127.0.0.1 o ::1), non su "${host}".`);
  }
  const { core, logger } = options;
  const now = options.now ?? Date.now;
  const tokenIdleMs = options.tokenIdleMs ?? 12 * 3_600_000;
  const launchCodes = new Set<string>(); // sha256 of unused one-time codes
  const sessionTokens = new Map<string, number>(); // sha256 of bearer tokens → last use
  // sha256 of refresh secrets → last use. The secret lives in an HttpOnly, SameSite=Strict
  // cookie: the page keeps its bearer token in memory only and gets a new one after a
  // reload or a sign-out (which revokes every token) without a new launch code.
  const refreshSecrets = new Map<string, { lastUse: number; tokenKey: string }>();
  const openStreams = new Map<FastifyReply, { tokenKey: string; end: () => void }>(); // stream → its token's hash

  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    logger: false,
    bodyLimit: maxBodyBytes,
    trustProxy: false,
    // A request must arrive whole in time (Node checks at the interval: a slow sender is cut
    // off within twice the timeout); an idle socket closes (event streams beat well within).
    serverFactory: (handler) =>
      createServer({ requestTimeout, connectionsCheckingInterval: Math.min(requestTimeout, 1_000) }, handler).setTimeout(60_000),
  });
  // JSON only: a cross-site "simple" request (text/plain, form) is refused with 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: maxBodyBytes }, (_request, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('invalid JSON'), { statusCode: 400 }), undefined);
    }
  });
  let origin = '';
  let allowedHosts = new Set<string>();

  const reject = (reply: FastifyReply, status: number, result: Result<never>) =>
    reply.code(status).header('cache-control', 'no-store').send(result);

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) reply.header('content-security-policy', rendererContentSecurityPolicy);
    return payload;
  });

  // DNS-rebinding and cross-site defence: the Host must be our own loopback address and,
  // where the browser sends an Origin, it must be ours.
  app.addHook('onRequest', async (request, reply) => {
    if (!allowedHosts.has(String(request.headers.host ?? ''))) {
      return reject(reply, 403, failWith(transportErrorCodes.forbiddenOrigin, worded({ key: 'transport.address-refused' })));
    }
    const requestOrigin = request.headers.origin;
    if (requestOrigin !== undefined && requestOrigin !== origin) {
      return reject(reply, 403, failWith(transportErrorCodes.forbiddenOrigin, worded({ key: 'transport.origin-refused' })));
    }
  });

  /** The hash of a valid, unexpired bearer token (its idle time restarts), or null. */
  const authorised = (request: FastifyRequest): string | null => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
    if (!match) return null;
    const key = sha256(match[1]!);
    const lastUse = sessionTokens.get(key);
    if (lastUse === undefined) return null;
    if (now() - lastUse > tokenIdleMs) {
      sessionTokens.delete(key);
      return null;
    }
    sessionTokens.set(key, now());
    return key;
  };
  const unauthorised = (reply: FastifyReply) =>
    reject(reply, 401, failWith(transportErrorCodes.unauthorized, worded({ key: 'transport.session-invalid' })));

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413)
      return reject(reply, 413, failWith(transportErrorCodes.payloadTooLarge, worded({ key: 'transport.payload-too-large' })));
    if (status === 415)
      return reject(reply, 415, failWith(transportErrorCodes.unsupportedMediaType, worded({ key: 'transport.not-json' })));
    if (status >= 400 && status < 500)
      return reject(reply, 400, failWith(transportErrorCodes.validation, worded({ key: 'transport.json-unreadable' }), ['(radice)']));
    logger.error('browser-host.error', { code: error.code, status });
    return reject(reply, 500, failWith(transportErrorCodes.internal, worded({ key: 'transport.host-error' })));
  });

  // The token is checked as soon as the headers are in, before any body is read or parsed.
  app.addHook('onRequest', async (request, reply) => {
    if (reply.sent) return;
    // By the route the router matched, not the URL's text (encoded, absolute-form, fragments all reach the same route).
    const route = request.routeOptions.url;
    if ((route === '/rpc/:operation' || route === '/events') && !authorised(request)) return unauthorised(reply);
  });

  /** A token exchange refused for its body: nothing is spent (the code, the cookie stay good). */
  const refuseExchange = (reply: FastifyReply, error: z.ZodError) => {
    const paths = [...new Set(error.issues.map((issue) => issuePath(issue.path)))];
    return reject(reply, 400, failWith(transportErrorCodes.validation, worded({ key: 'transport.validation', params: { paths } }), paths));
  };
  /** The first screen's calls, answered as /rpc would answer them, before anything is spent. */
  const answer = async (first: readonly FirstScreenOperation[] | undefined) =>
    first ? Object.fromEntries(await Promise.all(first.map(async (operation) => [operation, await core.dispatch(operation, {})]))) : null;

  app.post('/auth/launch', async (request, reply) => {
    const body = launchExchangeSchema.safeParse(request.body ?? {});
    if (!body.success) return refuseExchange(reply, body.error);
    const key = sha256(body.data.code ?? '');
    const refused = () => reject(reply, 401, failWith(transportErrorCodes.unauthorized, worded({ key: 'transport.launch-code-invalid' })));
    if (!body.data.code || !launchCodes.has(key)) return refused();
    const answers = await answer(body.data.first);
    // Spent once: of two exchanges of the same code at once, one gets the token.
    if (!launchCodes.delete(key)) return refused();
    return issueToPage(reply, answers);
  });

  /** A page with its refresh cookie gets a new token (after a reload, or after a sign-out revoked its token). */
  app.post('/auth/refresh', async (request, reply) => {
    const body = refreshExchangeSchema.safeParse(request.body ?? {});
    if (!body.success) return refuseExchange(reply, body.error);
    const secret = /(?:^|;\s*)sportello-refresh=([A-Za-z0-9_-]{20,200})/.exec(String(request.headers.cookie ?? ''))?.[1];
    const key = secret ? sha256(secret) : '';
    const usable = () => {
      const refresh = refreshSecrets.get(key);
      return refresh && now() - refresh.lastUse <= tokenIdleMs ? refresh : null;
    };
    if (!usable()) {
      refreshSecrets.delete(key);
      return unauthorised(reply);
    }
    const answers = await answer(body.data.first);
    const refresh = usable();
    refreshSecrets.delete(key); // rotated: each secret serves once
    if (!refresh) return unauthorised(reply);
    // The token it was issued with goes: one page, one live token (and its streams).
    sessionTokens.delete(refresh.tokenKey);
    for (const stream of [...openStreams.values()]) if (stream.tokenKey === refresh.tokenKey) stream.end();
    return issueToPage(reply, answers);
  });

  function issueToPage(reply: FastifyReply, answers: Record<string, unknown> | null) {
    const token = randomToken();
    const tokenKey = sha256(token);
    sessionTokens.set(tokenKey, now());
    const refresh = randomToken();
    refreshSecrets.set(sha256(refresh), { lastUse: now(), tokenKey });
    return reply
      .header('cache-control', 'no-store')
      .header('set-cookie', `sportello-refresh=${refresh}; HttpOnly; SameSite=Strict; Path=/auth`)
      .send({ ok: true, value: answers ? { token, first: answers } : { token } });
  }

  // Signing out revokes every bearer token: one taken from the page before is worth nothing.
  // The page gets a new one with its refresh cookie; open event streams end (they reconnect).
  const stopRevoking = core.events.subscribe((event) => {
    if (event.name !== 'session.required' || event.payload.reason !== 'signed-out') return;
    sessionTokens.clear();
    // The event itself goes out first (the page learns it was signed out), then the streams end.
    queueMicrotask(() => [...openStreams.values()].forEach((stream) => stream.end()));
  });

  app.post<{ Params: { operation: string } }>('/rpc/:operation', async (request, reply) => {
    const result = await core.dispatch(request.params.operation, request.body);
    return reply.code(statusFor(result)).header('cache-control', 'no-store').send(result);
  });

  /** The state a stream starts with: the session's lock (when signed in) and the sync status. */
  const stateNow = async (): Promise<AppEvent[]> => {
    const [session, sync] = await Promise.all([core.call('session.current', {}), core.call('sync.status', {})]);
    const state: AppEvent[] = [];
    if (session.ok && session.value) state.push({ name: 'session.lock', payload: { locked: session.value.locked } });
    if (sync.ok) state.push({ name: 'sync.status', payload: sync.value });
    return state;
  };

  app.get('/events', async (request, reply) => {
    const tokenKey = authorised(request);
    if (!tokenKey) return unauthorised(reply);
    const streams = [...openStreams.values()].filter((stream) => stream.tokenKey === tokenKey).length;
    if (streams >= maxStreamsPerToken) {
      return reject(reply, 429, failWith(transportErrorCodes.tooManyStreams, worded({ key: 'transport.too-many-streams' })));
    }
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    // Nothing is written to a stream once it ended (a sign-out ends every stream).
    const write = (text: string) => void (!raw.writableEnded && raw.write(text));
    write(': connected\n\n');
    const send = (event: AppEvent) => write(`event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`);
    // The state as it is now goes first: a page whose stream opens (or opens again after a
    // drop) learns what it missed meanwhile (a lock from another window, the sync status).
    // What happens while it is read waits, and follows in order: the last word is the latest.
    let waiting: AppEvent[] | null = [];
    const unsubscribe = core.events.subscribe((event: AppEvent) => (waiting ? waiting.push(event) : send(event)));
    // (A state that cannot be read goes without: the events still follow, none held back.)
    void stateNow()
      .catch((): AppEvent[] => [])
      .then((state) => {
        for (const event of [...state, ...(waiting ?? [])]) send(event);
        waiting = null;
      });
    const heartbeat = setInterval(() => write(': keep-alive\n\n'), 20_000);
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      openStreams.delete(reply);
      if (!raw.writableEnded) raw.end();
    };
    openStreams.set(reply, { tokenKey, end });
    request.raw.on('close', () => {
      end();
    });
  });

  await app.register(fastifyStatic, { root: options.rendererDirectory, index: 'index.html', wildcard: false });

  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('browser host: no address');
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  origin = `http://${hostInUrl}:${address.port}`;
  allowedHosts = new Set([`${hostInUrl}:${address.port}`, `localhost:${address.port}`]);
  logger.info('browser-host.listening', { port: address.port });

  return {
    origin,
    port: address.port,
    issueLaunchUrl() {
      const code = randomToken();
      launchCodes.add(sha256(code));
      return `${origin}/?launch=${code}`;
    },
    issueSessionToken() {
      const token = randomToken();
      sessionTokens.set(sha256(token), now());
      return token;
    },
    async close() {
      stopRevoking();
      [...openStreams.values()].forEach((stream) => stream.end());
      await app.close();
    },
  };
}
