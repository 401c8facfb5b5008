import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { trainingOffice } from '../../central/seed';
import { CentralStore, throttlePolicy } from '../../central/store';
import { centralPaths } from '../../shared/contract/central-api';
import { spawnCentral } from '../../scripts/central-process';
import { createTestDatabase } from '../fixtures/central';
import { testDevice } from '../fixtures/device';
import { submissionFor } from '../fixtures/outcomes';

/**
 * #16: any number of service processes over one PostgreSQL database. Idempotency,
 * sessions, throttling and feed positions live in the database, none in process memory:
 * two processes given the same key at the same moment make one effect, a token from one
 * works on the other, and a guesser alternating between them meets one count.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** `npm run central` in its own process group, on the given database; stopped after the test. */
async function serviceProcess(databaseUrl: string, seed: number): Promise<string> {
  const service = await spawnCentral(['--seed', String(seed), '--database-url', databaseUrl], { stderr: 'pipe' });
  cleanups.push(() => service.stop());
  return service.url;
}

const database = await createTestDatabase();

describe.skipIf(!database)('two central service processes over one PostgreSQL database', () => {
  it('the same key sent to both at once makes one effect; a token and a throttle count hold across them', async () => {
    const { url, drop } = database!;
    cleanups.push(drop);
    // The first process migrates and seeds; the second finds both done.
    const first = await serviceProcess(url, 40);
    const second = await serviceProcess(url, 40);
    const store = await CentralStore.open({ url, poolSize: 2 });
    cleanups.push(() => store.close());
    const request = (await store.officeRequests(trainingOffice.code)).find(
      (candidate) => candidate.status === 'awaiting-identification' && candidate.identificationRequired,
    )!;

    const device = testDevice();
    const signIn = await fetch(`${first}${centralPaths.sessions}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        officeCode: trainingOffice.code,
        username: 'segreteria',
        password: 'prova-segreteria',
        ...device.prove(trainingOffice.code, 'segreteria'),
      }),
    });
    const { token } = (await signIn.json()) as { token: string };

    const key = randomUUID();
    const body = JSON.stringify(submissionFor(request, 'confirmed', device.deviceId));
    const post = (base: string) =>
      fetch(`${base}${centralPaths.identifications}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
        body,
      }).then(async (response) => ({ status: response.status, body: await response.json() }));
    // Ten rounds of both at once, the same key each time.
    const answers = (await Promise.all(Array.from({ length: 10 }, () => Promise.all([post(first), post(second)])))).flat();
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    expect(answers[0]!.body).toMatchObject({ status: 'accepted', code: 'identified' });
    const effects = (await store.effects()).filter((effect) => effect.key === key);
    expect(effects).toHaveLength(1);

    // Wrong passwords alternating between the processes meet one count.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < throttlePolicy.accountFreeFailures + 2; attempt++) {
      const response = await fetch(`${attempt % 2 ? first : second}${centralPaths.sessions}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          officeCode: trainingOffice.code,
          username: 'dirigente',
          password: 'sbagliata',
          ...device.prove(trainingOffice.code, 'dirigente'),
        }),
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, throttlePolicy.accountFreeFailures)).toEqual(Array(throttlePolicy.accountFreeFailures).fill(401));
    expect(statuses.slice(throttlePolicy.accountFreeFailures)).toEqual([429, 429]);
  });
});
