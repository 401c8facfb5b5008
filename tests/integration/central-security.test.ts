import { createPublicKey, randomUUID, verify } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../central/db/database';
import { secondTrainingOffice, trainingOffice } from '../../central/seed';
import { encodeCursor, type CentralService } from '../../central/server';
import { holdRequestRow, startTestCentral, testPostgresEnv } from '../fixtures/central';
import { throttlePolicy } from '../../central/store';
import { testDevice } from '../fixtures/device';
import {
  auditAnchorSigningText,
  auditReceiptSchema,
  centralPaths,
  changesResponseSchema,
  enablementRequestSchema,
  signingKeysResponseSchema,
  type EnablementRequest,
  type IdentificationSubmission,
} from '../../shared/contract/central-api';

/**
 * #15: the reference central service over real HTTP on 127.0.0.1. Identity comes from the
 * token, idempotency keys belong to an office, the feed is the office's scope and
 * minimised, sign-in is throttled and off the event loop, office administrators manage
 * their operators, and desks anchor their audit heads.
 */
const services: CentralService[] = [];
afterEach(async () => {
  while (services.length) await services.pop()!.close();
});

/** Which database the suite runs on (it runs twice: a PostgreSQL server, then PGlite). */
let databaseKind: 'postgres' | 'pglite' = 'postgres';

/** The database option for the kind this pass runs on: PGlite in memory from the process's template, or the run's PostgreSQL. */
const onThisKind = () => (databaseKind === 'pglite' ? { database: { pglite: null, fromTemplate: true } as const } : {});

async function central(seed = 80): Promise<CentralService> {
  const service = await startTestCentral({
    seed,
    seedValue: 15,
    admin: true,
    ...onThisKind(),
  });
  services.push(service);
  return service;
}

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of many shapes, asserted field by field
  body: any;
  headers: Headers;
}

function api(service: CentralService) {
  const call = async (method: string, path: string, options: { token?: string; body?: unknown; key?: string } = {}): Promise<Answer> => {
    const response = await fetch(service.url + path, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.key ? { 'idempotency-key': options.key } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  };
  const signIn = (officeCode: string, username: string, password: string, device = testDevice()) =>
    call('POST', centralPaths.sessions, { body: { officeCode, username, password, ...device.prove(officeCode, username) } });
  const session = async (officeCode: string, username: string, password: string) => {
    const device = testDevice();
    const answer = await signIn(officeCode, username, password, device);
    expect(answer.status).toBe(200);
    return { token: answer.body.token as string, operator: answer.body.operator, deviceId: device.deviceId, officeCode, body: answer.body };
  };
  return { call, signIn, session };
}

type Session = Awaited<ReturnType<ReturnType<typeof api>['session']>>;

function submission(
  request: EnablementRequest,
  session: Session,
  outcome: 'confirmed' | 'refused' = 'confirmed',
): IdentificationSubmission {
  return {
    requestId: request.id,
    requestVersion: request.version,
    outcome,
    refusal: outcome === 'refused' ? { reasons: ['other'], note: 'prova' } : null,
    presenter: 'applicant',
    checks: { blocking: [], acknowledgedWarnings: [] },
    documents: [],
    fiscalCodeCard: null,
    delegate: null,
    operator: { id: session.operator.id, displayName: session.operator.displayName },
    device: { id: session.deviceId },
    officeCode: session.officeCode,
    capturedAt: new Date().toISOString(),
  };
}

const awaiting = async (service: CentralService, province?: string) =>
  (await service.store.allRequests()).filter(
    (request) =>
      request.status === 'awaiting-identification' &&
      request.identificationRequired &&
      (!province || request.applicant.domicile.province === province),
  );

describe.each(['postgres', 'pglite'] as const)('on %s', (kind) => {
  beforeAll(() => {
    databaseKind = kind;
  });

  describe('identity from the token', () => {
    it("refuses a body naming another office's head teacher (403 identity-mismatch), and nothing happens", async () => {
      const service = await central();
      // The run's PostgreSQL server, or PGlite (the second pass, or a machine without the server).
      expect(service.store.kind).toBe(kind === 'postgres' && process.env[testPostgresEnv] ? 'postgres' : 'pglite');
      const { call, session } = api(service);
      const officeB = await session(secondTrainingOffice.code, 'segreteria', 'prova-segreteria');
      const request = (await awaiting(service))[0]!;
      const forged = {
        ...submission(request, officeB),
        operator: { id: 'op-dirigente', displayName: 'Dirigente di prova' },
        officeCode: trainingOffice.code,
      };
      const answer = await call('POST', centralPaths.identifications, { token: officeB.token, body: forged, key: randomUUID() });
      expect(answer.status).toBe(403);
      expect(answer.body.code).toBe('identity-mismatch');
      // Each field on its own is enough to refuse.
      for (const change of [
        { operator: { id: 'op-dirigente', displayName: 'Dirigente di prova' } },
        { officeCode: trainingOffice.code },
        { device: { id: randomUUID() } },
      ]) {
        const alone = await call('POST', centralPaths.identifications, {
          token: officeB.token,
          body: { ...submission(request, officeB), ...change },
          key: randomUUID(),
        });
        expect(alone.body.code).toBe('identity-mismatch');
      }
      expect(await service.store.effects()).toEqual([]);
      expect((await service.store.getRequest(request.id))!.status).toBe('awaiting-identification');
    });

    it('answers each item of a batch as the single endpoint would, keys per office and across both endpoints', async () => {
      const service = await central();
      const { call, session } = api(service);
      const officeA = await session(trainingOffice.code, 'segreteria', 'prova-segreteria');
      const officeB = await session(secondTrainingOffice.code, 'segreteria', 'prova-segreteria');
      const [r1, r2, r3, r4, r5] = await awaiting(service);
      const item = (body: unknown, key = randomUUID()) => ({ key, body: typeof body === 'string' ? body : JSON.stringify(body) });
      const batch = (token: string, items: unknown[]) => call('POST', centralPaths.identificationBatches, { token, body: { items } });

      // Sent first on the single endpoint: the batch replays its answer for the same key and body.
      const earlier = item(submission(r1!, officeA));
      const single = await call('POST', centralPaths.identifications, {
        token: officeA.token,
        body: JSON.parse(earlier.body),
        key: earlier.key,
      });
      expect(single.status).toBe(200);
      const forged = item({ ...submission(r2!, officeA), officeCode: secondTrainingOffice.code });
      const ghost = item({ ...submission(r3!, officeA), requestId: 'REQ-DOES-NOT-EXIST' });
      const good = item(submission(r5!, officeA, 'refused'));
      const broken = item('{"requestId":');
      // A key twice in one batch: refused whole, before anything is applied.
      const twice = await batch(officeA.token, [good, earlier, item(submission(r4!, officeA), earlier.key)]);
      expect(twice.status).toBe(400);
      const answer = await batch(officeA.token, [earlier, forged, ghost, good, broken]);
      expect(answer.status).toBe(200);
      expect(answer.body.items.map((entry: { key: string }) => entry.key)).toEqual(
        [earlier, forged, ghost, good, broken].map((entry) => entry.key),
      );
      expect(answer.body.items[0]).toEqual({ key: earlier.key, ok: true, answer: single.body });
      expect(answer.body.items[1]).toEqual({ key: forged.key, ok: false, status: 403, code: 'identity-mismatch' });
      expect(answer.body.items[2]).toEqual({ key: ghost.key, ok: false, status: 404, code: 'not-found' });
      expect(answer.body.items[3]).toMatchObject({ key: good.key, ok: true, answer: { status: 'accepted', code: 'refusal-recorded' } });
      expect(answer.body.items[4]).toEqual({ key: broken.key, ok: false, status: 400, code: 'validation' });
      // Another body under a used key: 422, as on the single endpoint.
      const again = await batch(officeA.token, [{ ...item(submission(r4!, officeA)), key: earlier.key }, item(submission(r4!, officeA))]);
      expect(again.body.items[0]).toEqual({ key: earlier.key, ok: false, status: 422, code: 'idempotency-key-reused' });
      expect(again.body.items[1]).toMatchObject({ ok: true, answer: { status: 'accepted', code: 'identified' } });
      // The unknown request's key was given back: usable for a real outcome later.
      const retried = await batch(officeA.token, [{ ...item(submission(r3!, officeA)), key: ghost.key }]);
      expect(retried.body.items[0]).toMatchObject({ ok: true, answer: { status: 'accepted', request: { id: r3!.id } } });
      // Office B: A's key is a key of its own; A's body from B's token is refused by identity.
      const fromB = await batch(officeB.token, [
        { ...item(submission(r2!, officeB)), key: earlier.key },
        { ...earlier, key: randomUUID() },
      ]);
      expect(fromB.body.items[0]).toMatchObject({ ok: true, answer: { status: 'accepted', request: { id: r2!.id } } });
      expect(fromB.body.items[1]).toMatchObject({ ok: false, status: 403, code: 'identity-mismatch' });
      expect(JSON.stringify(fromB.body)).not.toContain(r1!.applicant.fiscalCode);
      // Refused whole: no items, more than 50, no token, an account that may not identify.
      expect((await batch(officeA.token, [])).status).toBe(400);
      expect(
        (
          await batch(
            officeA.token,
            Array.from({ length: 51 }, () => item(submission(r5!, officeA))),
          )
        ).status,
      ).toBe(400);
      expect((await batch('', [good])).status).toBe(401);
      const effects = await service.store.effects();
      expect(effects.map((effect) => [effect.officeCode, effect.requestId, effect.code]).sort()).toEqual(
        [
          [trainingOffice.code, r1!.id, 'identified'],
          [trainingOffice.code, r5!.id, 'refusal-recorded'],
          [trainingOffice.code, r4!.id, 'identified'],
          [trainingOffice.code, r3!.id, 'identified'],
          [secondTrainingOffice.code, r2!.id, 'identified'],
        ].sort(),
      );
      expect((await service.store.emails()).map((email) => email.requestId).sort()).toEqual([r1!.id, r2!.id, r3!.id, r4!.id].sort());
      // A request id PostgreSQL cannot hold (a NUL) is an invalid item, answered alone: not a
      // failure of the whole call, which the desk would send again for ever.
      const nul = await batch(officeA.token, [
        item({ ...submission(r4!, officeA), requestId: 'REQ\u0000X' }),
        item(submission(r5!, officeA, 'refused')),
      ]);
      expect(nul.status).toBe(200);
      expect(nul.body.items[0]).toMatchObject({ ok: false, status: 400, code: 'validation' });
      expect(nul.body.items[1]).toMatchObject({ ok: true, answer: { code: 'refusal-recorded' } });
    });

    it("keeps idempotency keys per office: another office's token never gets a stored answer, nor learns that the key exists", async () => {
      const service = await central();
      const { call, session } = api(service);
      const officeA = await session(trainingOffice.code, 'segreteria', 'prova-segreteria');
      const officeB = await session(secondTrainingOffice.code, 'segreteria', 'prova-segreteria');
      const [request, other] = await awaiting(service);
      const key = randomUUID();
      const bodyA = submission(request!, officeA);
      const first = await call('POST', centralPaths.identifications, { token: officeA.token, body: bodyA, key });
      expect(first.body).toMatchObject({ status: 'accepted', code: 'identified' });

      // A's exact body from B's token: refused by identity, not replayed.
      const replay = await call('POST', centralPaths.identifications, { token: officeB.token, body: bodyA, key });
      expect(replay.status).toBe(403);
      expect(JSON.stringify(replay.body)).not.toContain(request!.applicant.fiscalCode);

      // B's own, different body with the same key: a key of its own (no 422 telling B that A used it).
      const own = await call('POST', centralPaths.identifications, { token: officeB.token, body: submission(other!, officeB), key });
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ status: 'accepted', code: 'identified', request: { id: other!.id } });

      // A's replay is still A's answer.
      const again = await call('POST', centralPaths.identifications, { token: officeA.token, body: bodyA, key });
      expect(again.body.request.id).toBe(request!.id);
      expect((await service.store.effects()).map((effect) => [effect.officeCode, effect.requestId])).toEqual([
        [trainingOffice.code, request!.id],
        [secondTrainingOffice.code, other!.id],
      ]);
    });

    it('a device id belongs to the key that registered it: another key (or office) claiming it is refused', async () => {
      const service = await central();
      const { signIn } = api(service);
      const desk = testDevice();
      expect((await signIn(trainingOffice.code, 'dirigente', 'prova-dirigente', desk)).status).toBe(200);
      // A colleague who learnt the device id signs in with their own key, claiming it.
      const impostor = testDevice(desk.deviceId);
      const claimed = await signIn(trainingOffice.code, 'segreteria', 'prova-segreteria', impostor);
      expect(claimed).toMatchObject({ status: 403, body: { code: 'device-mismatch' } });
      // Another office's account on this device: refused too.
      expect((await signIn(secondTrainingOffice.code, 'segreteria', 'prova-segreteria', desk)).body.code).toBe('device-mismatch');
      // The desk itself, any of its office's accounts: fine.
      expect((await signIn(trainingOffice.code, 'segreteria', 'prova-segreteria', desk)).status).toBe(200);
      // A proof that does not verify (another account's signature, replayed) is refused before anything.
      const replayed = { ...desk.prove(trainingOffice.code, 'dirigente') };
      const answer = await api(service).call('POST', centralPaths.sessions, {
        body: { officeCode: trainingOffice.code, username: 'segreteria', password: 'prova-segreteria', ...replayed },
      });
      expect(answer).toMatchObject({ status: 400, body: { code: 'validation' } });
    });

    it('a revoked session (DELETE /v2/sessions/current) is worth nothing after', async () => {
      const service = await central();
      const { call, session } = api(service);
      const desk = await session(trainingOffice.code, 'segreteria', 'prova-segreteria');
      expect((await call('GET', `${centralPaths.changes}?limit=1`, { token: desk.token })).status).toBe(200);
      expect((await call('DELETE', centralPaths.currentSession, { token: desk.token })).status).toBe(204);
      const after = await call('GET', `${centralPaths.changes}?limit=1`, { token: desk.token });
      expect(after.status).toBe(401);
    });
  });

  describe('the scoped, minimised feed', () => {
    const everything = async (service: CentralService, token: string) => {
      const { call } = api(service);
      const items: EnablementRequest[] = [];
      let cursor = '';
      for (;;) {
        const page = await call('GET', `${centralPaths.changes}?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { token });
        expect(page.status).toBe(200);
        const parsed = changesResponseSchema.parse(page.body);
        items.push(...parsed.items);
        cursor = parsed.nextCursor;
        if (!parsed.hasMore) return { items, cursor, raw: page.body };
      }
    };

    it("office B (Milano) never receives a request of office A's province, finds it by online lookup, and no home phone travels", async () => {
      const service = await central(200);
      const { call, session } = api(service);
      const officeB = await session(secondTrainingOffice.code, 'segreteria', 'prova-segreteria');
      expect(officeB.body.scope).toEqual({ kind: 'province', area: 'MI', label: 'provincia MI' });
      const feed = await everything(service, officeB.token);
      expect(feed.items.length).toBe(await service.store.requestCount({ kind: 'province', area: 'MI', label: '' }));
      expect(feed.items.length).toBeGreaterThan(0);
      expect(new Set(feed.items.map((request) => request.applicant.domicile.province))).toEqual(new Set(['MI']));
      for (const item of feed.items) expect(Object.keys(item.applicant)).not.toContain('homePhone');

      const roman = (await awaiting(service, 'RM'))[0]!;
      expect(feed.items.find((request) => request.id === roman.id)).toBeUndefined();
      const found = await call('GET', `${centralPaths.requests}?fiscalCode=${roman.applicant.fiscalCode}`, { token: officeB.token });
      expect(found.body.items.map((request: EnablementRequest) => request.id)).toContain(roman.id);
      expect(Object.keys(found.body.items[0].applicant)).not.toContain('homePhone');
      // Every field of the minimised request is one the contract names: nothing more travels.
      expect(enablementRequestSchema.strict().safeParse(found.body.items[0]).success).toBe(true);
      expect(enablementRequestSchema.shape.applicant.strict().safeParse(found.body.items[0].applicant).success).toBe(true);

      // A change in Roma never reaches Milano's feed; one in Milano does.
      const milanese = (await awaiting(service, 'MI'))[0]!;
      await call('POST', centralPaths.identifications, {
        token: officeB.token,
        body: submission(roman, officeB, 'confirmed'),
        key: randomUUID(),
      });
      await fetch(`${service.adminUrl}/admin/requests/${milanese.id}/annul`, { method: 'POST' });
      const next = await call('GET', `${centralPaths.changes}?cursor=${feed.cursor}`, { token: officeB.token });
      expect(next.body.items.map((request: EnablementRequest) => request.id)).toEqual([milanese.id]);
    });

    it('a cursor from before a restore (ahead of every transaction the database has begun) gets 410, not silence', async () => {
      const service = await central(20);
      const { call, session } = api(service);
      const desk = await session(trainingOffice.code, 'segreteria', 'prova-segreteria');
      const generation = (await service.store.meta('generation')) ?? '0';
      const fromBefore = encodeCursor(service.store.epoch(), generation, 'PRM', { xid: 10n ** 15n, id: '' });
      const answer = await call('GET', `${centralPaths.changes}?cursor=${fromBefore}`, { token: desk.token });
      expect(answer).toMatchObject({ status: 410, body: { code: 'refetch' } });
    });

    it('pages end on any request id the contract allows (underscores, dots, letters with accents) and the cursor goes on', async () => {
      const service = await central(5);
      const { call, session } = api(service);
      const desk = await session(trainingOffice.code, 'segreteria', 'prova-segreteria');
      const template = (await service.store.officeRequests(trainingOffice.code))[0]!;
      const ids = ['REQ_1.a', 'REQ:2/b', 'RICHIESTA-è-3'];
      await service.store.putRequests(ids.map((id) => ({ ...template, id })));
      const seen: string[] = [];
      let cursor = '';
      for (let pages = 0; pages < 50; pages++) {
        const page = await call('GET', `${centralPaths.changes}?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token: desk.token });
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((item: { id: string }) => item.id));
        cursor = page.body.nextCursor;
        if (!page.body.hasMore) break;
      }
      expect(seen).toEqual(expect.arrayContaining(ids));
      expect(new Set(seen).size).toBe(seen.length);
    });

    it("widening an office's scope (the service's administrator) makes its old cursor refetch", async () => {
      const service = await central(200);
      const { call, session } = api(service);
      const officeB = await session(secondTrainingOffice.code, 'segreteria', 'prova-segreteria');
      const feed = await everything(service, officeB.token);
      const widened = await fetch(`${service.adminUrl}/admin/offices/${secondTrainingOffice.code}/scope`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'region', area: '03' }),
      });
      expect(await widened.json()).toEqual({ kind: 'region', area: '03', label: 'regione Lombardia' });
      const stale = await call('GET', `${centralPaths.changes}?cursor=${feed.cursor}`, { token: officeB.token });
      expect(stale.status).toBe(410);
      const refused = await fetch(`${service.adminUrl}/admin/offices/${secondTrainingOffice.code}/scope`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'province', area: 'XX' }),
      });
      expect(refused.status).toBe(400);
    });

    it('outcomes first: while many outcomes are in flight (a batch counts its items) the feed is deferred (503, Retry-After), then answers again', async () => {
      // Each call waits after its commit until released: its outcomes stay in flight.
      const gate = () => {
        let open!: () => void;
        const opened = new Promise<void>((resolve) => (open = resolve));
        return { open, opened };
      };
      let released = gate();
      let waiting = 0;
      let arrived = gate();
      let expected = 3;
      const service = await startTestCentral({
        seed: 80,
        seedValue: 15,
        ...onThisKind(),
        deferFeedAt: { outcomesInFlight: 3, retryAfterSeconds: 7 },
        afterCommit: async () => {
          if (++waiting === expected) arrived.open();
          await released.opened;
        },
      });
      services.push(service);
      const { call, session } = api(service);
      const desk = await session(trainingOffice.code, 'segreteria', 'prova-segreteria');
      const poll = () => call('GET', `${centralPaths.changes}?limit=10`, { token: desk.token });
      expect((await poll()).status).toBe(200);
      const requests = (await awaiting(service, 'RM')).slice(0, 3);
      expect(requests).toHaveLength(3);
      const sent = requests.map((request) =>
        call('POST', centralPaths.identifications, { token: desk.token, body: submission(request, desk), key: randomUUID() }),
      );
      await arrived.opened;
      const deferred = await poll();
      expect(deferred).toMatchObject({ status: 503, body: { code: 'unavailable' } });
      expect(deferred.headers.get('retry-after')).toBe('7');
      // Shed before any work: not even the session is looked up (it is, when the poll comes back).
      expect((await call('GET', `${centralPaths.changes}?limit=10`, { token: 'not-a-token-not-a-token-xx' })).status).toBe(503);
      released.open();
      expect((await Promise.all(sent)).map((answer) => answer.status)).toEqual([200, 200, 200]);
      expect((await poll()).status).toBe(200);
      // One desk's queue of three in one batch: three outcomes in flight.
      [released, arrived, waiting, expected] = [gate(), gate(), 0, 1];
      const queue = (await awaiting(service, 'RM')).slice(0, 3);
      const batch = call('POST', centralPaths.identificationBatches, {
        token: desk.token,
        body: { items: queue.map((request) => ({ key: randomUUID(), body: JSON.stringify(submission(request, desk)) })) },
      });
      await arrived.opened;
      expect((await poll()).status).toBe(503);
      released.open();
      expect((await batch).body.items.map((item: { ok: boolean }) => item.ok)).toEqual([true, true, true]);
      expect((await poll()).status).toBe(200);
    });

    it('outcomes first, the herd: while outcomes keep arriving (deferFeedAt.outcomesPerSecond, over the last quarter of a second), polls are deferred even with none in flight at the moment', async () => {
      const frozen = Date.now();
      const service = await startTestCentral({
        seed: 81,
        seedValue: 15,
        ...onThisKind(),
        // Three outcomes within a quarter of a second: the rate of a herd. The service's clock
        // stands still (however slow this machine) and moves only when the test moves it.
        deferFeedAt: { outcomesInFlight: 1_000, outcomesPerSecond: 12, retryAfterSeconds: 7 },
        now: () => new Date(frozen),
      });
      services.push(service);
      const { call, session } = api(service);
      const desk = await session(trainingOffice.code, 'segreteria', 'prova-segreteria');
      const poll = () => call('GET', `${centralPaths.changes}?limit=10`, { token: desk.token });
      expect((await poll()).status).toBe(200);
      const [first, second, third] = (await awaiting(service, 'RM')).slice(0, 3);
      const batch = (requests: EnablementRequest[]) =>
        call('POST', centralPaths.identificationBatches, {
          token: desk.token,
          body: { items: requests.map((request) => ({ key: randomUUID(), body: JSON.stringify(submission(request, desk)) })) },
        });
      // Two outcomes answered: under the rate, the feed answers.
      expect((await batch([first!, second!])).status).toBe(200);
      expect((await poll()).status).toBe(200);
      // A third right after: the rate of a herd; answered, nothing in flight, the feed waits.
      expect((await batch([third!])).status).toBe(200);
      const deferred = await poll();
      expect(deferred).toMatchObject({ status: 503, body: { code: 'unavailable' } });
      expect(deferred.headers.get('retry-after')).toBe('7');
      // A quarter of a second later with no outcome arriving, the feed answers again.
      service.advanceClock(251);
      expect((await poll()).status).toBe(200);
    });

    it('over the outcomes a process keeps waiting (refuseOutcomesAt), an identification call is 503 with Retry-After; one finding none in flight always goes in', async () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let held!: () => void;
      const holding = new Promise<void>((resolve) => (held = resolve));
      let first = true;
      const service = await startTestCentral({
        seed: 80,
        seedValue: 15,
        ...onThisKind(),
        refuseOutcomesAt: { outcomesInFlight: 3, retryAfterSeconds: 4 },
        afterCommit: async () => {
          if (!first) return;
          first = false;
          held();
          await released;
        },
      });
      services.push(service);
      const { call, session } = api(service);
      const desk = await session(trainingOffice.code, 'segreteria', 'prova-segreteria');
      const [one, ...queue] = (await awaiting(service, 'RM')).slice(0, 8);
      expect(queue).toHaveLength(7);
      const batchOf = (requests: typeof queue) =>
        call('POST', centralPaths.identificationBatches, {
          token: desk.token,
          body: { items: requests.map((request) => ({ key: randomUUID(), body: JSON.stringify(submission(request, desk)) })) },
        });
      // One outcome held in flight: a batch of three would make four.
      const single = call('POST', centralPaths.identifications, { token: desk.token, body: submission(one!, desk), key: randomUUID() });
      await holding;
      const refused = await batchOf(queue.slice(0, 3));
      expect(refused).toMatchObject({ status: 503, body: { code: 'unavailable' } });
      expect(refused.headers.get('retry-after')).toBe('4');
      release();
      expect((await single).status).toBe(200);
      // Nothing in flight: a batch over the bound goes in (the bound is on waiting, not on a batch's size).
      const five = await batchOf(queue.slice(0, 5));
      expect(five.body.items.map((item: { ok: boolean }) => item.ok)).toEqual([true, true, true, true, true]);
      expect((await service.store.effects()).length).toBe(6);
    });
    it('a batch whose desk hangs up while it waits for the write before it leaves the queue: nothing of it is written', async (context) => {
      const service = await startTestCentral({ seed: 80, seedValue: 15, ...onThisKind() });
      services.push(service);
      // A row lock held elsewhere needs a second connection: PostgreSQL's (PGlite has one).
      if (service.store.kind !== 'postgres') return context.skip();
      const { session } = api(service);
      const desk = await session(trainingOffice.code, 'segreteria', 'prova-segreteria');
      const [held, left] = (await awaiting(service, 'RM')).slice(0, 2);
      // The write before it waits on a row lock taken here.
      const lock = await holdRequestRow(service.store.db, held!.id);
      const batchOf = (request: NonNullable<typeof held>, signal?: AbortSignal) =>
        fetch(`${service.url}${centralPaths.identificationBatches}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${desk.token}` },
          body: JSON.stringify({ items: [{ key: randomUUID(), body: JSON.stringify(submission(request, desk)) }] }),
          signal,
        });
      /** Resolves once the process has this many outcomes waiting (polled: the queue is the store's). */
      const waiting = async (count: number) => {
        for (let attempt = 0; attempt < 1_000 && service.store.outcomesWaiting !== count; attempt++)
          await new Promise((resolve) => setTimeout(resolve, 5));
        expect(service.store.outcomesWaiting).toBe(count);
      };
      try {
        const first = batchOf(held!);
        // The first batch is being written, held by the lock (polled: the wait is PostgreSQL's)...
        let writing = false;
        for (let attempt = 0; attempt < 1_000 && !writing; attempt++) {
          const found = await rows<{ pid: number }>(
            service.store.db,
            sql`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          writing = found.length > 0;
          if (!writing) await new Promise((resolve) => setTimeout(resolve, 5));
        }
        expect(writing).toBe(true);
        // ...the desk's second call waits behind it, then hangs up.
        const hangUp = new AbortController();
        const second = batchOf(left!, hangUp.signal).catch((error: unknown) => error);
        await waiting(1);
        hangUp.abort();
        expect(await second).toMatchObject({ name: 'AbortError' });
        await waiting(0);
        await lock.release();
        expect((await first).status).toBe(200);
        expect((await service.store.effects()).map((effect) => effect.requestId)).toEqual([held!.id]);
      } finally {
        // The lock goes whatever happened: a held pool connection would keep the service from closing.
        await lock.release();
      }
      expect((await service.store.getRequest(left!.id))?.status).toBe('awaiting-identification');
    });
  });

  describe('the training service', () => {
    it('resets of the practice cases at once each take their cases a version up, in one transaction with the cards: none is lost', async () => {
      const service = await startTestCentral({
        seed: 30,
        seedValue: 4,
        training: true,
        ...onThisKind(),
      });
      services.push(service);
      const { call, session } = api(service);
      const desk = await session(trainingOffice.code, 'segreteria', 'prova-segreteria');
      const ids = (await service.store.trainingExercises()).map((exercise) => exercise.requestId);
      expect(ids.length).toBeGreaterThan(5);
      const versions = async () => Promise.all(ids.map(async (id) => (await service.store.getRequest(id))!.version));
      const before = await versions();
      const resets = await Promise.all(
        Array.from({ length: 4 }, () => call('POST', `${centralPaths.trainingExercises}/reset`, { token: desk.token, body: {} })),
      );
      expect(resets.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
      // Four resets, four versions up: one reset never writes over another's version.
      expect(await versions()).toEqual(before.map((version) => version + 4));
    });
  });

  describe('sign-in throttling', () => {
    it('after five wrong passwords the account gets 429 with Retry-After, even with the right one, until the block ends', async () => {
      const service = await central(5);
      const { signIn } = api(service);
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await signIn(trainingOffice.code, 'segreteria', 'sbagliata')).status);
      expect(statuses.slice(0, throttlePolicy.accountFreeFailures - 1)).toEqual(Array(throttlePolicy.accountFreeFailures - 1).fill(401));
      expect(statuses.slice(throttlePolicy.accountFreeFailures)).toEqual(Array(30 - throttlePolicy.accountFreeFailures).fill(429));
      const right = await signIn(trainingOffice.code, 'segreteria', 'prova-segreteria');
      expect(right.status).toBe(429);
      expect(right.body.code).toBe('too-many-attempts');
      const retryAfter = Number(right.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      // Another account of the office is not blocked by this one.
      expect((await signIn(trainingOffice.code, 'dirigente', 'prova-dirigente')).status).toBe(200);
      service.advanceClock(retryAfter * 1000 + 1000);
      expect((await signIn(trainingOffice.code, 'segreteria', 'prova-segreteria')).status).toBe(200);
    });

    it('a burst of wrong passwords sent at once meets the block too (counted before the password check)', async () => {
      const service = await central(5);
      const { signIn } = api(service);
      const answers = await Promise.all(Array.from({ length: 40 }, () => signIn(trainingOffice.code, 'dirigente', 'sbagliata')));
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 401)).toHaveLength(throttlePolicy.accountFreeFailures);
      expect(statuses.filter((status) => status === 429)).toHaveLength(40 - throttlePolicy.accountFreeFailures);
    });

    it('the block grows to its cap and the count is not forgotten while blocked', async () => {
      const service = await central(5);
      const { signIn } = api(service);
      const blocks: number[] = [];
      for (let round = 0; round < 10; round++) {
        let answer = await signIn(trainingOffice.code, 'segreteria', 'sbagliata');
        while (answer.status === 401) answer = await signIn(trainingOffice.code, 'segreteria', 'sbagliata');
        const retryAfter = Number(answer.headers.get('retry-after'));
        blocks.push(retryAfter);
        service.advanceClock(retryAfter * 1000 + 1000);
      }
      // 30 s, 60 s, 120 s … up to 15 minutes, and it stays there: no free attempts come back in between.
      expect(blocks.slice(0, 5)).toEqual([30, 60, 120, 240, 480]);
      expect(blocks.slice(5)).toEqual([900, 900, 900, 900, 900]);
    });

    it('a client guessing across many accounts is blocked as a client', async () => {
      const service = await central(5);
      const { signIn } = api(service);
      const statuses: number[] = [];
      for (let i = 0; i < throttlePolicy.clientFreeFailures + 2; i++)
        statuses.push((await signIn(trainingOffice.code, `utente${i}`, 'sbagliata')).status);
      expect(statuses.slice(0, throttlePolicy.clientFreeFailures - 1).every((status) => status === 401)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
      expect((await signIn(trainingOffice.code, 'dirigente', 'prova-dirigente')).status).toBe(429);
    });

    it('checks passwords off the event loop: the health check answers while sign-ins are being checked', async () => {
      const service = await central(5);
      const { signIn, call } = api(service);
      const order: string[] = [];
      // Four accounts, four sign-ins each (under the per-account free attempts).
      const accounts = [trainingOffice.code, secondTrainingOffice.code].flatMap((office) => [
        [office, 'dirigente', 'prova-dirigente'],
        [office, 'segreteria', 'prova-segreteria'],
      ]);
      const signIns = Array.from({ length: 16 }, (_, i) =>
        signIn(...(accounts[i % 4] as [string, string, string])).then((answer) => {
          expect(answer.status).toBe(200);
          order.push('sign-in');
        }),
      );
      // The health check is sent after all 16: with scrypt on the event loop it would wait for every one of them.
      const health = call('GET', centralPaths.health).then(() => order.push('health'));
      await Promise.all([...signIns, health]);
      expect(order.indexOf('health')).toBeLessThan(12);
    });
  });

  describe('operator management', () => {
    it('the head teacher creates and grants, the operator signs in and changes the temporary password, the head teacher revokes, the operator is refused', async () => {
      const service = await central(20);
      const { call, signIn, session } = api(service);
      const admin = await session(trainingOffice.code, 'dirigente', 'prova-dirigente');

      const created = await call('POST', centralPaths.operators, {
        token: admin.token,
        body: { username: 'Mario.Rossi', displayName: 'Mario Rossi', role: 'operator', canIdentify: true },
      });
      expect(created.status).toBe(201);
      expect(created.body.operator).toMatchObject({
        username: 'mario.rossi',
        canIdentify: true,
        disabled: false,
        passwordChangeRequired: true,
      });
      const temporary = created.body.temporaryPassword as string;
      const taken = await call('POST', centralPaths.operators, {
        token: admin.token,
        body: { username: 'mario.rossi', displayName: 'Altro', role: 'operator', canIdentify: true },
      });
      expect(taken).toMatchObject({ status: 409, body: { code: 'username-taken' } });

      // First sign-in: the temporary password opens only the door to change it.
      const first = await session(trainingOffice.code, 'mario.rossi', temporary);
      expect(first.body.passwordChangeRequired).toBe(true);
      expect((await call('GET', `${centralPaths.changes}?limit=1`, { token: first.token })).body.code).toBe('password-change-required');
      const short = await call('POST', centralPaths.currentPassword, {
        token: first.token,
        body: { currentPassword: temporary, newPassword: 'corta' },
      });
      expect(short.status).toBe(400);
      const changed = await call('POST', centralPaths.currentPassword, {
        token: first.token,
        body: { currentPassword: temporary, newPassword: 'una-password-nuova' },
      });
      expect(changed).toMatchObject({ status: 200, body: { passwordChangeRequired: false } });
      expect((await call('GET', `${centralPaths.changes}?limit=1`, { token: first.token })).status).toBe(200);
      expect((await signIn(trainingOffice.code, 'mario.rossi', temporary)).status).toBe(401);
      const operator = await session(trainingOffice.code, 'mario.rossi', 'una-password-nuova');
      expect(operator.body.passwordChangeRequired).toBe(false);

      // Operators do not manage operators; another office's administrator cannot touch this one.
      expect((await call('GET', centralPaths.operators, { token: operator.token })).body.code).toBe('forbidden');
      const otherAdmin = await session(secondTrainingOffice.code, 'dirigente', 'prova-dirigente');
      const across = await call('PATCH', `${centralPaths.operators}/${created.body.operator.id}`, {
        token: otherAdmin.token,
        body: { canIdentify: false },
      });
      expect(across.status).toBe(404);
      expect(
        (await call('GET', centralPaths.operators, { token: otherAdmin.token })).body.items.map((o: { username: string }) => o.username),
      ).not.toContain('mario.rossi');
      const self = await call('PATCH', `${centralPaths.operators}/${admin.operator.id}`, { token: admin.token, body: { disabled: true } });
      expect(self.body.code).toBe('forbidden');

      // Revoked: the open session ends and the next sign-in is refused.
      const revoked = await call('PATCH', `${centralPaths.operators}/${created.body.operator.id}`, {
        token: admin.token,
        body: { canIdentify: false },
      });
      expect(revoked.body).toMatchObject({ canIdentify: false });
      expect((await call('GET', `${centralPaths.changes}?limit=1`, { token: operator.token })).status).toBe(401);
      const refused = await signIn(trainingOffice.code, 'mario.rossi', 'una-password-nuova');
      expect(refused).toMatchObject({ status: 403, body: { code: 'not-permitted' } });

      const listed = await call('GET', centralPaths.operators, { token: admin.token });
      expect(listed.body.items.find((o: { username: string }) => o.username === 'mario.rossi')).toMatchObject({ canIdentify: false });
      expect((await service.store.operatorChanges(trainingOffice.code)).map((change) => [change.actorId, change.change])).toEqual([
        ['op-dirigente', { created: { role: 'operator', canIdentify: true } }],
        ['op-dirigente', { canIdentify: false }],
      ]);
    });
  });

  describe('audit anchors', () => {
    it('signs a receipt the published key verifies, keeps the first head of a sequence, and answers the latest', async () => {
      const service = await central(5);
      const { call, session } = api(service);
      const desk = await session(trainingOffice.code, 'segreteria', 'prova-segreteria');
      const at = new Date().toISOString();
      const head = { sequence: 12, hash: 'a'.repeat(64), at };
      const anchored = await call('POST', centralPaths.auditAnchors, { token: desk.token, body: head });
      const receipt = auditReceiptSchema.parse(anchored.body);
      expect(receipt.anchor).toMatchObject({ ...head, officeCode: trainingOffice.code, deviceId: desk.deviceId });

      const keys = signingKeysResponseSchema.parse((await call('GET', centralPaths.keys)).body);
      const key = keys.keys.find((candidate) => candidate.keyId === receipt.keyId)!;
      const publicKey = createPublicKey({ key: Buffer.from(key.publicKey, 'base64'), format: 'der', type: 'spki' });
      expect(verify(null, Buffer.from(auditAnchorSigningText(receipt.anchor)), publicKey, Buffer.from(receipt.signature, 'base64'))).toBe(
        true,
      );
      const tampered = { ...receipt.anchor, hash: 'b'.repeat(64) };
      expect(verify(null, Buffer.from(auditAnchorSigningText(tampered)), publicKey, Buffer.from(receipt.signature, 'base64'))).toBe(false);

      // The same head again: the same receipt. Another head at that sequence, or before it: refused.
      expect((await call('POST', centralPaths.auditAnchors, { token: desk.token, body: head })).body).toEqual(receipt);
      const rewritten = await call('POST', centralPaths.auditAnchors, {
        token: desk.token,
        body: { sequence: 12, hash: 'b'.repeat(64), at },
      });
      expect(rewritten).toMatchObject({ status: 409, body: { code: 'anchor-conflict' } });
      expect(
        (await call('POST', centralPaths.auditAnchors, { token: desk.token, body: { sequence: 3, hash: 'c'.repeat(64), at } })).status,
      ).toBe(409);
      const later = await call('POST', centralPaths.auditAnchors, { token: desk.token, body: { sequence: 20, hash: 'd'.repeat(64), at } });
      expect(later.status).toBe(200);
      expect((await call('GET', centralPaths.latestAuditAnchor, { token: desk.token })).body.receipt.anchor.sequence).toBe(20);
    });
  });
});
