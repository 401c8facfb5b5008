import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CentralService } from '../../central/server';
import { startTestCentral } from '../fixtures/central';
import { isOperationName, operationNames, operations, type EnablementRequest } from '../../shared/contract';
import { resultSchema } from '../../shared/contract/result';
import { startBrowserHost, type BrowserHost } from '../../src-main/browser-host/server';
import { createTestCore, ready } from '../fixtures/core';
import { validInputs } from '../fixtures/valid-inputs';

/**
 * Hostile input through the browser host, signed in: 4,000 calls across every contract
 * operation, as an operator, as an office administrator and with the session locked.
 * Each call is a valid input, a valid input with one field replaced by anything, or
 * noise (random bodies, random operation names). Never a 500 or an `internal`; every
 * answer typed (a valid value is exactly what the contract promises); a refused call
 * changes nothing in the store, except the records some questions leave by design
 * (password checks, the erasure preview).
 */
const office = 'ZZIS00100A';
const accounts = {
  operator: { officeCode: office, username: 'segreteria', password: 'prova-segreteria' },
  'office-admin': { officeCode: office, username: 'dirigente', password: 'prova-dirigente' },
  locked: { officeCode: office, username: 'segreteria', password: 'prova-segreteria' },
} as const;
type Phase = keyof typeof accounts;
/**
 * Operations that leave a record whatever the answer: a password check (a wrong one counted
 * and audited, a right one resets the count), and asking what this PC holds of a fiscal
 * code before erasing it (audited even when the erasure would be refused).
 */
const recordedWhateverTheAnswer = new Set([
  'session.signIn',
  'session.unlock',
  'session.goOnline',
  'identifications.confirm',
  'data.erasePreview',
]);

/** Replaces one field (at any depth) of a valid input with `replacement`. */
function mutate(input: unknown, pick: number, replacement: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(input)) as unknown;
  const paths: Array<Array<string | number>> = [];
  const walk = (value: unknown, path: Array<string | number>) => {
    if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        paths.push([...path, Array.isArray(value) ? Number(key) : key]);
        walk(child, [...path, Array.isArray(value) ? Number(key) : key]);
      }
    }
  };
  walk(copy, []);
  if (paths.length === 0) return replacement;
  const path = paths[pick % paths.length]!;
  let target = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  target[path.at(-1)!] = replacement;
  return copy;
}

describe('fuzzing the browser host, signed in', () => {
  let central: CentralService;
  let test: ReturnType<typeof createTestCore>;
  let host: BrowserHost;
  let clock = Date.now();
  let request: EnablementRequest;

  beforeAll(async () => {
    central = await startTestCentral({ seed: 60, seedValue: 17 });
    test = createTestCore({ centralUrl: central.url, now: () => new Date(clock) });
    host = await startBrowserHost({ core: test.core, logger: test.logger, rendererDirectory: test.dataDirectory });
    request = (await central.store.officeRequests('ZZIS00100A')).find(
      (candidate) => candidate.status === 'awaiting-identification' && candidate.identificationRequired,
    )!;
  });
  afterAll(async () => {
    await host.close();
    await test.cleanup();
    await central.close();
  });

  /** Puts the desk back in the phase's state when a call changed it (signed out, locked, unlocked). */
  async function enter(phase: Phase) {
    const session = ready(test.core).session.current();
    const wanted = phase === 'office-admin' ? 'op-dirigente' : 'op-segreteria';
    if (session?.operator.id === wanted && session.locked === (phase === 'locked')) return;
    clock += 3_600_000; // past any wrong-password delay the fuzzing earned
    await test.core.call('session.signOut', {});
    expect(await test.core.call('session.signIn', accounts[phase])).toMatchObject({ ok: true });
    await ready(test.core).sync.pull();
    if (phase === 'locked') await test.core.call('session.lock', {});
  }

  // 4,000 rather than 10,000: signed in, a call reaches its handler, and the password checks
  // among them cost a scrypt each (~100 ms): this keeps the run near half a minute.
  it('answers 4,000 hostile calls in every role with typed results, never an internal error', { timeout: 240_000 }, async () => {
    const answer = resultSchema(z.unknown());
    const changes = () => (ready(test.core).store.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    const reached = new Set<string>();
    const body = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('valid' as const) }) },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('mutated' as const), pick: fc.nat(), replacement: fc.jsonValue() }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('noise' as const),
          text: fc.oneof(
            fc.jsonValue().map((value) => JSON.stringify(value)),
            fc.string({ maxLength: 200 }),
            fc.constantFrom('', '{', 'null'),
          ),
        }),
      },
    );
    const operation = fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...operationNames) },
      { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('../app.info', '%2e%2e', 'constructor')) },
    );
    let calls = 0;
    for (const [phase, runs] of [
      ['operator', 1_400],
      ['office-admin', 1_300],
      ['locked', 1_300],
    ] as const) {
      await fc.assert(
        fc.asyncProperty(operation, body, async (name, shape) => {
          calls++;
          await enter(phase);
          const valid = isOperationName(name) ? validInputs(request, accounts[phase])[name] : {};
          const text =
            shape.kind === 'valid'
              ? JSON.stringify(valid)
              : shape.kind === 'mutated'
                ? JSON.stringify(mutate(valid, shape.pick, shape.replacement))
                : shape.text;
          const before = changes();
          const response = await fetch(`${host.origin}/rpc/${encodeURIComponent(name)}`, {
            method: 'POST',
            // A fresh token each call: a fuzzed sign-out revokes every token, as it should.
            headers: { 'content-type': 'application/json', authorization: `Bearer ${host.issueSessionToken()}` },
            body: text,
          });
          expect(response.status, `${name} ${text.slice(0, 200)}`).not.toBe(500);
          expect(response.status).not.toBe(401);
          const parsed = answer.safeParse(await response.json());
          expect(parsed.success).toBe(true);
          if (!parsed.success) return;
          if (parsed.data.ok) {
            reached.add(`${phase}:${name}`);
            expect(isOperationName(name) && operations[name].output.safeParse(parsed.data.value).success, name).toBe(true);
          } else {
            const { code, message } = parsed.data.error;
            expect(code, `${name} ${text.slice(0, 200)}`).not.toBe('internal');
            expect(message.length).toBeGreaterThan(0);
            if (!['validation', 'unknown-operation', 'not-signed-in', 'session-locked', 'forbidden'].includes(code))
              reached.add(`${phase}:${name}`);
            if (!recordedWhateverTheAnswer.has(name)) expect(changes(), `${name} refused with ${code} but wrote`).toBe(before);
          }
        }),
        { seed: 7, numRuns: runs },
      );
    }
    expect(calls).toBe(4_000);
    // The handlers were reached: every operation answered something else than a refusal in a signed-in role.
    for (const name of operationNames) {
      expect(reached.has(`operator:${name}`) || reached.has(`office-admin:${name}`), name).toBe(true);
    }
  });
});
