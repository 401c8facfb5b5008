import { z } from 'zod';
import {
  auditReceiptSchema,
  centralErrorSchema,
  centralPaths,
  changesResponseSchema,
  createOperatorResponseSchema,
  healthResponseSchema,
  idempotencyKeyHeader,
  identificationAnswerSchema,
  identificationBatchAnswerSchema,
  latestAnchorResponseSchema,
  lookupResponseSchema,
  managedOperatorSchema,
  operatorsResponseSchema,
  signingKeysResponseSchema,
  trainingExercisesResponseSchema,
  signInResponseSchema,
  type AuditHead,
  type ChangesResponse,
  type CreateOperatorRequest,
  type IdentificationAnswer,
  type IdentificationBatchItem,
  type LookupResponse,
  type SignInRequest,
  type SignInResponse,
  type UpdateOperatorRequest,
} from '../../../shared/contract/central-api';

/**
 * HTTP client of the central service. Every answer is parsed with the contract's
 * schemas; anything else is a typed failure, never an exception. The host supplies
 * `fetch` (Electron: `net.fetch`, with the system proxy and certificate store).
 */
export type CentralFailure =
  | { kind: 'network'; message: string }
  | { kind: 'http'; status: number; code: string; retryAfterMs: number | null }
  | { kind: 'invalid-response'; status: number };

export type CentralResult<T> = { ok: true; value: T; status: number } | { ok: false; failure: CentralFailure };

export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

export interface CentralClientOptions {
  baseUrl: string;
  fetch?: FetchFunction;
  timeoutMs?: number;
  /** Current clock, for Retry-After given as an HTTP date. */
  now?: () => number;
}

/** Retry-After as seconds or an HTTP date → milliseconds to wait, or null. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export class CentralClient {
  private readonly baseUrl: string;
  private readonly fetch: FetchFunction;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(options: CentralClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.now = options.now ?? Date.now;
  }

  private async call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    schema: S,
    options: { token?: string | null; body?: string; headers?: Record<string, string> } = {},
  ): Promise<CentralResult<z.output<S>>> {
    let response: Response;
    try {
      response = await this.fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
        },
        body: options.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      return { ok: false, failure: { kind: 'network', message: error instanceof Error ? error.name : 'network error' } };
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // Connection dropped mid-body.
      return { ok: false, failure: { kind: 'network', message: error instanceof Error ? error.name : 'body error' } };
    }
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      return { ok: false, failure: { kind: 'invalid-response', status: response.status } };
    }
    if (response.status >= 200 && response.status < 300) {
      const parsed = schema.safeParse(json);
      return parsed.success
        ? { ok: true, value: parsed.data, status: response.status }
        : { ok: false, failure: { kind: 'invalid-response', status: response.status } };
    }
    const error = centralErrorSchema.safeParse(json);
    return {
      ok: false,
      failure: {
        kind: 'http',
        status: response.status,
        code: error.success ? error.data.code : `http-${response.status}`,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), this.now()),
      },
    };
  }

  health() {
    return this.call('GET', centralPaths.health, healthResponseSchema);
  }

  signIn(request: SignInRequest): Promise<CentralResult<SignInResponse>> {
    return this.call('POST', centralPaths.sessions, signInResponseSchema, { body: JSON.stringify(request) });
  }

  /** Ends the session on the service too (sign-out): the token is worth nothing after. */
  signOut(token: string) {
    return this.call('DELETE', centralPaths.currentSession, z.undefined(), { token });
  }

  changePassword(token: string, currentPassword: string, newPassword: string) {
    return this.call('POST', centralPaths.currentPassword, z.object({ passwordChangeRequired: z.literal(false) }), {
      token,
      body: JSON.stringify({ currentPassword, newPassword }),
    });
  }

  changes(token: string, cursor: string | null, limit: number): Promise<CentralResult<ChangesResponse>> {
    const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
    return this.call('GET', `${centralPaths.changes}?${query}`, changesResponseSchema, { token });
  }

  lookup(token: string, fiscalCode: string): Promise<CentralResult<LookupResponse>> {
    return this.call('GET', `${centralPaths.requests}?${new URLSearchParams({ fiscalCode })}`, lookupResponseSchema, { token });
  }

  /** `payload` is sent byte for byte as stored: the same key always carries the same body. */
  submitIdentification(token: string, opId: string, payload: string): Promise<CentralResult<IdentificationAnswer>> {
    return this.call('POST', centralPaths.identifications, identificationAnswerSchema, {
      token,
      body: payload,
      headers: { [idempotencyKeyHeader]: opId },
    });
  }

  /**
   * Several outcomes in one call, each payload byte for byte as stored (the same key
   * always carries the same body, on either endpoint). The answer has one item per
   * entry, matched by key; a missing or extra key makes the whole answer invalid.
   */
  async submitIdentifications(
    token: string,
    entries: ReadonlyArray<{ opId: string; payload: string }>,
  ): Promise<CentralResult<Map<string, IdentificationBatchItem>>> {
    const result = await this.call('POST', centralPaths.identificationBatches, identificationBatchAnswerSchema, {
      token,
      body: JSON.stringify({ items: entries.map((entry) => ({ key: entry.opId, body: entry.payload })) }),
    });
    if (!result.ok) return result;
    const byKey = new Map(result.value.items.map((item) => [item.key, item]));
    if (result.value.items.length !== entries.length || byKey.size !== entries.length || entries.some((entry) => !byKey.has(entry.opId)))
      return { ok: false, failure: { kind: 'invalid-response', status: result.status } };
    return { ok: true, value: byKey, status: result.status };
  }

  anchorAuditHead(token: string, head: AuditHead) {
    return this.call('POST', centralPaths.auditAnchors, auditReceiptSchema, { token, body: JSON.stringify(head) });
  }

  latestAuditAnchor(token: string) {
    return this.call('GET', centralPaths.latestAuditAnchor, latestAnchorResponseSchema, { token });
  }

  signingKeys() {
    return this.call('GET', centralPaths.keys, signingKeysResponseSchema);
  }

  listOperators(token: string) {
    return this.call('GET', centralPaths.operators, operatorsResponseSchema, { token });
  }

  createOperator(token: string, request: CreateOperatorRequest) {
    return this.call('POST', centralPaths.operators, createOperatorResponseSchema, { token, body: JSON.stringify(request) });
  }

  /** A training service's practice cases (#17). */
  trainingExercises(token: string) {
    return this.call('GET', centralPaths.trainingExercises, trainingExercisesResponseSchema, { token });
  }

  /** The practice cases as new again (a training service only). */
  resetTrainingExercises(token: string) {
    return this.call('POST', `${centralPaths.trainingExercises}/reset`, trainingExercisesResponseSchema, { token, body: '{}' });
  }

  updateOperator(token: string, operatorId: string, change: UpdateOperatorRequest) {
    return this.call('PATCH', `${centralPaths.operators}/${encodeURIComponent(operatorId)}`, managedOperatorSchema, {
      token,
      body: JSON.stringify(change),
    });
  }
}
