import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOperationName, operationNames, operations } from '../../shared/contract';
import { resultSchema } from '../../shared/contract/result';
import { z } from 'zod';
import { startTestBrowserHost } from '../fixtures/browser-host';
import { ready } from '../fixtures/core';

/**
 * Hostile input: 10,000 random and malformed payloads across every contract operation,
 * through the browser host. No crash; every answer a typed error or a valid result; the
 * database untouched by every rejected call.
 */
describe('fuzzing the browser host', () => {
  let env: Awaited<ReturnType<typeof startTestBrowserHost>>;
  let token: string;
  beforeAll(async () => {
    env = await startTestBrowserHost();
    token = env.host.issueSessionToken();
  });
  afterAll(async () => env.cleanup());

  it('answers 10,000 hostile calls with typed results and changes nothing when it refuses', { timeout: 120_000 }, async () => {
    const answer = resultSchema(z.unknown());
    const changes = () => (ready(env.core).store.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    const payload = fc.oneof(
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.object().map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 200 }),
      fc.constantFrom('', '{', '{"locale":', 'null', '[]', '{"__proto__":{"x":1}}', '{"fiscalCode":"' + 'A'.repeat(5000) + '"}'),
    );
    const operation = fc.oneof(
      fc.constantFrom(...operationNames),
      fc.string({ maxLength: 30 }),
      fc.constantFrom('../app.info', 'app.info/x', '%2e%2e', 'constructor'),
    );
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(operation, payload, async (name, body) => {
        calls++;
        const before = changes();
        const response = await fetch(`${env.host.origin}/rpc/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
        });
        expect([200, 400, 404, 413, 415, 500]).toContain(response.status);
        const parsed = answer.safeParse(await response.json());
        expect(parsed.success).toBe(true);
        if (parsed.success && parsed.data.ok) {
          // A valid call: its value is exactly what the contract promises.
          expect(isOperationName(name) && operations[name].output.safeParse(parsed.data.value).success).toBe(true);
        }
        if (parsed.success && !parsed.data.ok) {
          expect(parsed.data.error.message.length).toBeGreaterThan(0);
          expect(changes()).toBe(before);
        }
      }),
      { seed: 7, numRuns: 10_000 },
    );
    expect(calls).toBe(10_000);
    // Still alive and well.
    const info = await fetch(`${env.host.origin}/rpc/app.info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(await info.json()).toMatchObject({ ok: true });
  });
});
