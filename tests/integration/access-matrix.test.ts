import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CentralService } from '../../central/server';
import { startTestCentral } from '../fixtures/central';
import { operationNames, operations, resultSchema, type OperationName } from '../../shared/contract';
import { z } from 'zod';
import { createTestCore, ready } from '../fixtures/core';
import { validInputs } from '../fixtures/valid-inputs';

/**
 * Every operation × every state a desk can be in: signed out, locked, operator,
 * office administrator, offline session. A valid input each time, so the call reaches
 * the access policy and, where allowed, the handler: never `internal`, always a typed
 * answer, and refused exactly where the contract's `access` says.
 */
const office = 'ZZIS00100A';
const segreteria = { officeCode: office, username: 'segreteria', password: 'prova-segreteria' };
const dirigente = { officeCode: office, username: 'dirigente', password: 'prova-dirigente' };
type State = 'signed out' | 'locked' | 'operator' | 'office-admin' | 'offline session';
const states: State[] = ['signed out', 'locked', 'operator', 'office-admin', 'offline session'];
const accessRefusals = ['not-signed-in', 'session-locked', 'forbidden'];

function expectedRefusal(operation: OperationName, state: State): string | null {
  const access = operations[operation].access;
  if (access === 'public') return null;
  if (state === 'signed out') return 'not-signed-in';
  if (state === 'locked') return 'session-locked';
  if (access === 'office-admin' && state !== 'office-admin') return 'forbidden';
  return null;
}

describe('access matrix: every operation in every state', () => {
  let central: CentralService;
  let test: ReturnType<typeof createTestCore>;
  beforeAll(async () => {
    central = await startTestCentral({ seed: 40, seedValue: 3, admin: true });
    test = createTestCore({ centralUrl: central.url });
    // Both accounts sign in online once, so either can sign in offline later.
    for (const account of [dirigente, segreteria]) {
      await test.core.call('session.signIn', account);
      await test.core.call('session.signOut', {});
    }
  });
  afterAll(async () => {
    await test.cleanup();
    await central.close();
  });

  async function enter(state: State) {
    await test.core.call('session.signOut', {});
    await central.setFaults({ down: state === 'offline session' });
    if (state === 'signed out') return;
    const account = state === 'office-admin' ? dirigente : segreteria;
    const signedIn = await test.core.call('session.signIn', account);
    expect(signedIn, state).toMatchObject({ ok: true, value: { mode: state === 'offline session' ? 'offline' : 'online' } });
    if (state === 'locked') await test.core.call('session.lock', {});
  }

  it.each(states)('%s', async (state) => {
    const answer = resultSchema(z.unknown());
    const request = (await central.store.officeRequests('ZZIS00100A')).find(
      (candidate) => candidate.status === 'awaiting-identification' && candidate.identificationRequired,
    )!;
    for (const operation of operationNames) {
      await enter(state);
      if (state !== 'signed out' && state !== 'locked') await ready(test.core).sync.pull();
      const account = state === 'office-admin' ? dirigente : segreteria;
      const input = validInputs(request, account)[operation];
      const result = await test.core.dispatch(operation, input);
      expect(answer.safeParse(result).success, `${operation} in ${state}`).toBe(true);
      const code = result.ok ? null : result.error.code;
      expect(code, `${operation} in ${state}`).not.toBe('internal');
      expect(code, `${operation} in ${state}`).not.toBe('validation');
      const refusal = expectedRefusal(operation, state);
      if (refusal) expect(code, `${operation} in ${state}`).toBe(refusal);
      else if (operations[operation].access === 'public')
        // Public: never refused by the policy (unlocking with nobody signed in may still say so).
        expect(['session-locked', 'forbidden'], `${operation} in ${state}: ${code}`).not.toContain(code);
      else expect(accessRefusals, `${operation} in ${state}: ${code}`).not.toContain(code);
      if (result.ok) expect(operations[operation].output.safeParse(result.value).success, operation).toBe(true);
    }
  });
});
