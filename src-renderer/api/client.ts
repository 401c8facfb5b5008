import type { AppEvent, EventName, OperationInput, OperationName, OperationOutput } from '../../shared/contract';
import { bridgeGlobalName, firstScreenOperations, type DeskBridge, type FirstScreenOperation } from '../../shared/contract/bridge';
import { failWith, transportErrorCodes, type Result } from '../../shared/contract/result-helpers';
import { worded } from '../../shared/i18n/messages';
import { firstAnswers } from './first-answers';
import { loadOnce } from './load-once';

/** What views and stores use; the same whether the Electron bridge or HTTP is behind it. */
export interface DeskApi {
  call<N extends OperationName>(operation: N, input: OperationInput<N>): Promise<Result<OperationOutput<N>>>;
  onEvent(listener: (event: AppEvent) => void): () => void;
}

function unreachable(): Result<never> {
  return failWith(transportErrorCodes.unreachable, worded({ key: 'transport.unreachable' }));
}

/** The page's first token, and the answers of the first screen's calls that came with it. */
interface TokenExchange {
  token: string | null;
  first: Partial<Record<FirstScreenOperation, Result<unknown>>>;
}

/**
 * Browser host: a bearer token held in this page's memory only. The one-time launch code
 * in the address gives the first; after a reload, or after a sign-out revoked it, the
 * host's refresh cookie (HttpOnly: the page never reads it) gives a new one. The first
 * exchange also asks the first screen's calls, whose answers come with the token (#20).
 */
async function acquireHostToken(): Promise<TokenExchange> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('launch');
  // Remove the code from the address bar and history whatever happens: it is single-use.
  if (code) window.history.replaceState(null, '', window.location.pathname + window.location.hash);
  const exchange = (first: readonly FirstScreenOperation[] | null) =>
    fetch(code ? '/auth/launch' : '/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...(code ? { code } : {}), ...(first ? { first } : {}) }),
    });
  try {
    let response = await exchange(firstScreenOperations);
    // A host that refuses the first calls (one older than this page) leaves the code (or
    // cookie) good: the exchange again, the token alone.
    if (response.status === 400) response = await exchange(null);
    const body = (await response.json()) as Result<TokenExchange & { token: string }>;
    return body.ok ? { token: body.value.token, first: body.value.first ?? {} } : { token: null, first: {} };
  } catch {
    return { token: null, first: {} }; // no token: every call answers `unauthorized`
  }
}

type EventSchemas = (typeof import('../../shared/contract/events'))['events'];
/** Once the page has loaded and then been idle (within a second of the load). */
const whenIdle = () =>
  new Promise<void>((resolve) => {
    const idle = () =>
      typeof requestIdleCallback === 'function' ? requestIdleCallback(() => resolve(), { timeout: 1000 }) : setTimeout(resolve, 0);
    if (document.readyState === 'complete') idle();
    else window.addEventListener('load', idle, { once: true });
  });
/**
 * The events' schemas (zod, and the contract they use) are not part of the first screen:
 * the stream opens once they have loaded, after the page's load and at its first idle
 * moment (not while the first screen waits for its first answers, #20).
 */
const loadEventSchemas = loadOnce(() =>
  whenIdle()
    .then(() => import('../../shared/contract/events'))
    .then((module) => module.events),
);

function parseEvent(eventSchemas: EventSchemas, name: string, data: string): AppEvent | null {
  if (!Object.hasOwn(eventSchemas, name)) return null;
  try {
    const payload = eventSchemas[name as EventName].safeParse(JSON.parse(data));
    return payload.success ? ({ name, payload: payload.data } as AppEvent) : null;
  } catch {
    return null;
  }
}

function createHttpApi(): DeskApi {
  const first = firstAnswers<Result<unknown>>();
  let tokenReady = acquireHostToken().then((exchange) => {
    first.settle(exchange.first);
    return exchange.token;
  });
  /** The token was refused (revoked at a sign-out, or expired): one new one for every waiting caller. */
  let refreshing: Promise<string | null> | null = null;
  const refreshToken = (refused: string) => {
    refreshing ??= tokenReady.then((current) => (current === refused ? acquireFreshToken() : current)).finally(() => (refreshing = null));
    return refreshing;
  };
  const acquireFreshToken = async () => {
    tokenReady = fetch('/auth/refresh', { method: 'POST' })
      .then((response) => response.json() as Promise<Result<{ token: string }>>)
      .then((body) => (body.ok ? body.value.token : null))
      .catch(() => null);
    return tokenReady;
  };
  const listeners = new Set<(event: AppEvent) => void>();
  let streaming = false;

  async function stream(): Promise<void> {
    let delay = 500;
    // Server-Sent Events over fetch, so the token travels in a header, not in the URL.
    while (listeners.size > 0) {
      try {
        const token = await tokenReady;
        if (!token) return;
        // Before the stream opens: a failed load retries below, leaving no stream behind.
        const eventSchemas = await loadEventSchemas();
        const response = await fetch('/events', { headers: { authorization: `Bearer ${token}` } });
        if (response.status === 401) {
          if (!(await refreshToken(token))) return;
          continue;
        }
        if (!response.body) return;
        delay = 500;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let name = '';
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) name = line.slice(7);
              else if (line.startsWith('data: ')) data += line.slice(6);
            }
            const event = name ? parseEvent(eventSchemas, name, data) : null;
            if (event) for (const listener of listeners) listener(event);
          }
        }
      } catch {
        // connection lost: retry below
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }

  return {
    async call(operation, input) {
      const send = (token: string) =>
        fetch(`/rpc/${encodeURIComponent(operation)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(input ?? {}),
        });
      try {
        const firstAnswer = first.asked(operation, input);
        let token = await tokenReady;
        const answer = firstAnswer();
        if (answer) return answer as Result<never>;
        let response = token ? await send(token) : null;
        if (token && response?.status === 401) {
          token = await refreshToken(token);
          response = token ? await send(token) : null;
        }
        if (!response) {
          return failWith(transportErrorCodes.unauthorized, worded({ key: 'transport.browser-session-invalid' }));
        }
        return (await response.json()) as Result<never>;
      } catch {
        return unreachable();
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      if (!streaming) {
        streaming = true;
        void stream().finally(() => {
          streaming = false;
        });
      }
      return () => listeners.delete(listener);
    },
  };
}

function createBridgeApi(bridge: DeskBridge): DeskApi {
  return {
    async call(operation, input) {
      try {
        return (await bridge.invoke(operation, input)) as Result<never>;
      } catch {
        return unreachable();
      }
    },
    onEvent: (listener) => bridge.subscribe(listener),
  };
}

/** Picks the Electron bridge when the preload exposed it, else the browser host. */
export function createDeskApi(): DeskApi {
  const bridge = (window as unknown as Record<string, DeskBridge | undefined>)[bridgeGlobalName];
  return bridge ? createBridgeApi(bridge) : createHttpApi();
}
