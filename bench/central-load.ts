/**
 * `npm run central:load [-- --scale 1 --peak-seconds 120]`: the central service under a
 * national season's load, loopback only and bounded: two service processes over one
 * PostgreSQL (a throwaway durable cluster), 500,000 synthetic requests, 8,000 offices ×
 * 2 desks (at `--scale 1`). Cases:
 * - peak day: every desk polls every 60 s (≈267 polls/s), 50 identifications/s, 100
 *   lookups/s, open loop, for `--peak-seconds`;
 * - the herd after an outage: 4 hours of feed changes, then every desk back within 60 s
 *   with 10 queued outcomes (and its feed to pull); until every outcome is acknowledged;
 *   then exactly one effect per key;
 * - first sync of a province-scoped desk from empty, and of a national one.
 * Baselines in the same run: the service's health check and `SELECT 1` through a pool.
 * Desks, their sessions and their devices are written straight into the database (a
 * sign-in is scrypt: 16,000 of them would measure the password hash, not the service),
 * and each desk starts up to date (its cursor at the feed's horizon).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createGunzip } from 'node:zlib';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { rows } from '../central/db/database';
import * as t from '../central/db/schema';
import { encodeCursor } from '../central/server';
import { CentralStore, hashPassword, type StoredRequest } from '../central/store';
import { centralPaths, type IdentificationSubmission } from '../shared/contract/central-api';
import {
  createRandom,
  personalFields,
  syntheticContacts,
  syntheticIdentityCard,
  syntheticPerson,
  type Random,
} from '../shared/domain/synthetic-people';
import { spawnCentral } from '../scripts/central-process';
import { startPostgresCluster } from '../scripts/postgres-cluster';
import { collectGarbage, percentile, type Measurement } from './harness';

export interface LoadOptions {
  /** 1: 500,000 requests, 8,000 offices × 2 desks. */
  scale: number;
  peakSeconds: number;
  /** Share of the requests changed on the service's side during the 4-hour outage (0.04 unless told). */
  herdChanges?: number;
  /** false: the desks back after the outage send their queues without pulling (what the pushes alone cost). */
  herdPulls?: boolean;
  log?: (line: string) => void;
}

const provinces = (
  'AL AT BI CN NO TO VB VC AO BG BS CO CR LC LO MB MI MN PV SO VA BZ TN BL PD RO TV VE VI VR GO PN TS UD GE IM SP SV BO FC FE MO PC PR RA RE RN ' +
  'AR FI GR LI LU MS PI PO PT SI PG TR AN AP FM MC PU FR LT RI RM VT AQ CH PE TE CB IS AV BN CE NA SA BA BR BT FG LE TA MT PZ CS CZ KR RC VV ' +
  'AG CL CT EN ME PA RG SR TP CA NU OR SS SU'
).split(' ');

interface Desk {
  office: string;
  operatorId: string;
  deviceId: string;
  token: string;
  province: string;
  cursor: string;
}

/** Latencies and outcomes of one kind of call. */
class Tally {
  readonly latencies: number[] = [];
  errors = 0;
  statuses = new Map<number, number>();
  record(ms: number, status: number) {
    this.latencies.push(ms);
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (status >= 400 || status === 0) this.errors++;
  }
}

/** A keep-alive HTTP client with a bounded number of sockets per process under test. */
function client(maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return (method: string, url: string, options: { token?: string; body?: string; key?: string; gzip?: boolean } = {}) =>
    new Promise<Answer>((resolve) => {
      const start = performance.now();
      const req = httpRequest(
        url,
        {
          method,
          agent,
          headers: {
            ...(options.body ? { 'content-type': 'application/json' } : {}),
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
            ...(options.key ? { 'idempotency-key': options.key } : {}),
            // What a desk's fetch sends (and then decompresses).
            ...(options.gzip ? { 'accept-encoding': 'gzip, deflate' } : {}),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks),
              gzip: response.headers['content-encoding'] === 'gzip',
              headers: response.headers,
              ms: performance.now() - start,
            }),
          );
          response.on('error', () =>
            resolve({ status: 0, body: Buffer.alloc(0), gzip: false, headers: {}, ms: performance.now() - start }),
          );
        },
      );
      req.on('error', () => resolve({ status: 0, body: Buffer.alloc(0), gzip: false, headers: {}, ms: performance.now() - start }));
      if (options.body) req.write(options.body);
      req.end();
    });
}

/** The tuning a production PostgreSQL gets (a quarter of memory for buffers, WAL room between checkpoints); durability untouched. */
const productionSettings = ['shared_buffers=2GB', 'max_wal_size=8GB', 'checkpoint_timeout=15min', 'wal_buffers=64MB'];

interface Answer {
  status: number;
  body: Buffer;
  /** Sent compressed (a shared feed page, to a client that takes gzip). */
  gzip: boolean;
  headers: IncomingHttpHeaders;
  ms: number;
}

/** The first bytes a gzip body holds, inflating no further. */
function firstBytes(body: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const stream = createGunzip({ chunkSize: 1024 });
    stream.once('data', (chunk: Buffer) => {
      stream.destroy();
      resolve(chunk);
    });
    stream.once('error', reject);
    stream.end(body);
  });
}

/**
 * A feed page's cursor and flag, read from its head (only those bytes decoded): the
 * generator stands for 16,000 machines, and decoding or parsing each page's rows in its one
 * process would measure the generator.
 */
async function pageHead(answer: Answer): Promise<{ nextCursor: string; hasMore: boolean }> {
  const head = (answer.gzip ? await firstBytes(answer.body) : answer.body.subarray(0, 1024)).toString('latin1');
  const match = /^\{"nextCursor":("[^"]+"),"hasMore":(true|false),/.exec(head);
  if (!match) throw new Error('not a feed page');
  return { nextCursor: JSON.parse(match[1]!) as string, hasMore: match[2] === 'true' };
}

const batchBody = (items: Array<{ key: string; body: string }>) => JSON.stringify({ items });

/** A batch's status: the call's, or the first item's error status (a batch counts as failed if any of its items did). */
function batchStatus(answer: Answer): number {
  if (answer.status !== 200) return answer.status;
  const failed = (JSON.parse(answer.body.toString()) as { items: Array<{ ok: boolean; status?: number }> }).items.find((item) => !item.ok);
  return failed ? (failed.status ?? 500) : 200;
}

const serviceProcess = (databaseUrl: string) => spawnCentral(['--database-url', databaseUrl, '--pool-size', '20']);

function syntheticRequest(random: Random, index: number, province: string, nowIso: string): StoredRequest {
  const person = syntheticPerson(random, { foreignShare: 0.15, omocodeShare: 0.01 });
  const document = syntheticIdentityCard(random, person, nowIso.slice(0, 10));
  const contacts = syntheticContacts(random, person);
  const createdAt = new Date(Date.parse(nowIso) - (1 + Math.floor(random() * 60)) * 86_400_000).toISOString();
  return {
    id: `L-${String(index).padStart(7, '0')}`,
    version: 1,
    kind: 'first-enablement',
    status: random() < 0.85 ? 'awaiting-identification' : 'enabled',
    identificationRequired: true,
    applicant: {
      ...personalFields(person),
      email: contacts.email,
      mobile: contacts.mobile,
      homePhone: null,
      domicile: { address: `Via Roma ${1 + (index % 200)}`, comune: province, province },
    },
    declaredDocument: { ...document, expiryDate: document.expiryDate ?? null },
    createdAt,
    expiresAt: new Date(Date.parse(createdAt) + 90 * 86_400_000).toISOString(),
    updatedAt: createdAt,
    enabledAt: null,
  };
}

const summarize = (name: string, tally: Tally, seconds: number, target?: { p99: number }): Measurement[] => {
  const p50 = tally.latencies.length ? percentile(tally.latencies, 50) : 0;
  const p99 = tally.latencies.length ? percentile(tally.latencies, 99) : 0;
  return [
    { case: name, metric: 'throughput', unit: 'req/s', value: tally.latencies.length / seconds, notes: `errors ${tally.errors}` },
    { case: name, metric: 'p50', unit: 'ms', value: p50 },
    {
      case: name,
      metric: 'p99',
      unit: 'ms',
      value: p99,
      ...(target ? { target: `p99 ≤ ${target.p99} ms, 0 errors`, meetsTarget: p99 <= target.p99 && tally.errors === 0 } : {}),
    },
    { case: name, metric: 'errors', unit: '', value: tally.errors },
  ];
};

export async function runCentralLoad(options: LoadOptions): Promise<Measurement[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const requestCount = Math.round(500_000 * options.scale);
  const officeCount = Math.max(1, Math.round(8_000 * options.scale));
  // A smaller run is fewer provinces as dense as the country's (about 4,700 requests and
  // 150 desks each), not the country thinned out: the feed's fan-out after the outage (each
  // change pulled by every desk of its province) is changes × desks per province, and a
  // thinned-out tenth would carry a hundredth of it (it once passed the herd while the full
  // scale did not).
  const areas = provinces.slice(0, Math.max(1, Math.round(provinces.length * Math.min(1, options.scale))));
  const measurements: Measurement[] = [];
  // A durable server with the memory and checkpoint settings any production server gets
  // (the defaults are sized for a laptop: 128 MB of buffers, a checkpoint every 1 GB of WAL).
  const cluster = await startPostgresCluster({ durable: true, maxConnections: 200, settings: productionSettings });
  const services: Array<{ url: string; stop(): Promise<void> }> = [];
  let store: CentralStore | null = null;
  try {
    const databaseUrl = await cluster.createDatabase();
    store = await CentralStore.open({ url: databaseUrl, poolSize: 8 });
    const db = store.db;
    const nowIso = new Date().toISOString();

    // --- the country: requests, offices, desks ----------------------------------------
    let started = performance.now();
    const random = createRandom(16);
    const fiscalCodes: string[] = [];
    const awaitingIds: string[] = [];
    for (let start = 0; start < requestCount; start += 5000) {
      const batch: StoredRequest[] = [];
      for (let i = start; i < Math.min(requestCount, start + 5000); i++) {
        const request = syntheticRequest(random, i + 1, areas[i % areas.length]!, nowIso);
        batch.push(request);
        if (i % 50 === 0) fiscalCodes.push(request.applicant.fiscalCode);
        if (request.status === 'awaiting-identification') awaitingIds.push(request.id);
      }
      await store.putRequests(batch);
    }
    // Each outcome, at the peak and in the herd, is a different applicant's: a request is
    // identified once (drawn with replacement, a sixth of the herd's outcomes were a second
    // identification of a request already enabled, rows locked by two desks at once).
    for (let i = awaitingIds.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [awaitingIds[i], awaitingIds[j]] = [awaitingIds[j]!, awaitingIds[i]!];
    }
    let drawn = 0;
    const nextAwaiting = () => {
      if (drawn >= awaitingIds.length) throw new Error('central:load: more outcomes than requests awaiting identification');
      return awaitingIds[drawn++]!;
    };
    log(`central:load: ${requestCount} requests in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    started = performance.now();
    const passwordHash = hashPassword('carico-non-usata');
    const desks: Desk[] = [];
    const offices = Array.from({ length: officeCount }, (_, i) => ({
      code: `ZZLD${String(i + 1).padStart(6, '0')}`,
      name: `Istituto di carico ${i + 1}`,
      comune: 'Roma',
      province: areas[i % areas.length]!,
    }));
    for (let start = 0; start < offices.length; start += 1000) {
      const chunk = offices.slice(start, start + 1000);
      await db.insert(t.offices).values(chunk.map((office) => ({ ...office, scopeArea: office.province })));
      await db.insert(t.operators).values(
        chunk.map((office) => ({
          id: `op-${office.code}`,
          officeCode: office.code,
          username: 'segreteria',
          displayName: 'Operatore di carico',
          role: 'operator' as const,
          passwordHash,
        })),
      );
      const sessionRows = [];
      const deviceRows = [];
      for (const office of chunk) {
        for (let desk = 0; desk < 2; desk++) {
          const token = randomBytes(32).toString('base64url');
          const deviceId = randomUUID();
          desks.push({ office: office.code, operatorId: `op-${office.code}`, deviceId, token, province: office.province, cursor: '' });
          sessionRows.push({
            tokenHash: createHash('sha256').update(token).digest('hex'),
            operatorId: `op-${office.code}`,
            deviceId,
            expiresAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
          });
          deviceRows.push({ deviceId, officeCode: office.code, publicKey: 'load', registeredAt: nowIso });
        }
      }
      await db.insert(t.sessions).values(sessionRows);
      await db.insert(t.devices).values(deviceRows);
    }
    log(`central:load: ${officeCount} offices, ${desks.length} desks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    // The database as it stands in production at peak season, not just bulk-loaded: every
    // row (requests, offices, sessions, devices) vacuumed (autovacuum's first pass over the
    // load otherwise runs into the peak) and the load's writes checkpointed (the next
    // checkpoint otherwise comes at a random point of the run; so no checkpoint falls in a
    // peak of 2 minutes, and the first writes to each page after this one are measured at
    // their dearest, with a full-page image). At full scale the peak's first minute was a
    // backlog without it (p50 1.6-5 s for 55 s, then draining); with it, about 10 s.
    await db.execute(sql`VACUUM ANALYZE`);
    await db.execute(sql`CHECKPOINT`);

    // Every desk up to date: its cursor at the feed's horizon now.
    const horizon = await currentHorizon(db);
    const generation = (await store.meta('generation')) ?? '0';
    for (const desk of desks) desk.cursor = encodeCursor(store.epoch(), generation, `P${desk.province}`, { xid: horizon, id: '' });

    services.push(await serviceProcess(databaseUrl), await serviceProcess(databaseUrl));
    const call = client(64);
    const base = (n: number) => services[n % services.length]!.url;

    // --- baselines -----------------------------------------------------------------------
    const health = new Tally();
    for (let i = 0; i < 400; i++) {
      const answer = await call('GET', `${base(i)}${centralPaths.health}`);
      health.record(answer.ms, answer.status);
    }
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    const select1: number[] = [];
    for (let i = 0; i < 400; i++) {
      const start = performance.now();
      await pool.query('SELECT 1');
      select1.push(performance.now() - start);
    }
    await pool.end();
    const healthP50 = percentile(health.latencies, 50);
    measurements.push(
      { case: 'central: health round trip (baseline)', metric: 'p50', unit: 'ms', value: healthP50 },
      { case: 'central: SELECT 1 through a pool (baseline)', metric: 'p50', unit: 'ms', value: percentile(select1, 50) },
    );

    // --- peak day ------------------------------------------------------------------------
    const polls = new Tally();
    const posts = new Tally();
    const lookups = new Tally();
    const rates = { poll: desks.length / 60, post: 50 * Math.min(1, options.scale * 4), lookup: 100 * Math.min(1, options.scale * 4) };
    const issued = { poll: 0, post: 0, lookup: 0 };
    const inFlight = new Set<Promise<void>>();
    let dropped = 0;
    const peakStart = performance.now();
    const peakRandom = createRandom(61);
    const track = (work: Promise<void>) => {
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    };
    while (performance.now() - peakStart < options.peakSeconds * 1000) {
      const elapsed = (performance.now() - peakStart) / 1000;
      for (const kind of ['poll', 'post', 'lookup'] as const) {
        while (issued[kind] < rates[kind] * elapsed) {
          issued[kind]++;
          if (inFlight.size > 2000) {
            dropped++;
            continue;
          }
          const desk = desks[Math.floor(peakRandom() * desks.length)]!;
          const n = issued[kind];
          if (kind === 'poll') {
            track(
              call('GET', `${base(n)}${centralPaths.changes}?cursor=${desk.cursor}&limit=500`, { token: desk.token, gzip: true }).then(
                async (answer) => {
                  polls.record(answer.ms, answer.status);
                  if (answer.status === 200) desk.cursor = (await pageHead(answer)).nextCursor;
                },
              ),
            );
          } else if (kind === 'lookup') {
            const code = fiscalCodes[Math.floor(peakRandom() * fiscalCodes.length)]!;
            track(
              call('GET', `${base(n)}${centralPaths.requests}?fiscalCode=${code}`, { token: desk.token }).then((answer) =>
                lookups.record(answer.ms, answer.status),
              ),
            );
          } else {
            // One outcome at a time at the desk: a batch of one, as the desk's drain sends it.
            const requestId = nextAwaiting();
            const body = batchBody([{ key: randomUUID(), body: JSON.stringify(submission(desk, requestId)) }]);
            track(
              call('POST', `${base(n)}${centralPaths.identificationBatches}`, { token: desk.token, body }).then((answer) =>
                posts.record(answer.ms, batchStatus(answer)),
              ),
            );
          }
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(inFlight);
    const peakSeconds = (performance.now() - peakStart) / 1000;
    measurements.push(
      ...summarize(`central peak: polls (${Math.round(rates.poll)}/s offered)`, polls, peakSeconds, { p99: 50 }),
      ...summarize(`central peak: identifications (${Math.round(rates.post)}/s offered)`, posts, peakSeconds, { p99: 50 }),
      ...summarize(`central peak: lookups (${Math.round(rates.lookup)}/s offered)`, lookups, peakSeconds, { p99: 50 }),
      { case: 'central peak: requests not sent (over 2,000 in flight)', metric: 'count', unit: '', value: dropped },
      {
        case: 'central peak: polls',
        metric: 'p50 vs health',
        unit: 'ms',
        value: percentile(polls.latencies, 50),
        baseline: { label: 'health round trip', value: healthP50 },
        ratio: percentile(polls.latencies, 50) / healthP50,
      },
    );
    log(`central:load: peak done (${peakSeconds.toFixed(0)} s)`);

    // --- the herd after an outage -----------------------------------------------------------
    // Four hours of changes on the service side (about 4% of the requests), then everyone back.
    for (const desk of desks)
      desk.cursor = encodeCursor(store.epoch(), generation, `P${desk.province}`, { xid: await currentHorizon(db), id: '' });
    const changed = (await store.allRequests())
      .filter((_, i) => i % Math.round(1 / (options.herdChanges ?? 0.04)) === 0)
      .map((request) => ({
        ...request,
        version: request.version + 1,
        updatedAt: new Date().toISOString(),
      }));
    await store.putRequests(changed);
    collectGarbage();
    const herdRandom = createRandom(91);
    const outcomes = desks.flatMap((desk) =>
      Array.from({ length: 10 }, () => ({
        desk,
        key: randomUUID(),
        requestId: nextAwaiting(),
      })),
    );
    const pulled = { pages: 0, bytes: 0, compressed: 0 };
    const herdPosts = new Tally();
    const herdPulls = new Tally();
    let retries = 0;
    let deferredPulls = 0;
    const herdStart = performance.now();
    let lastAck = herdStart;
    let acked = 0;
    // Every desk back within 60 s at full scale: the same arrival rate (≈2,667 outcomes/s
    // offered) at any scale, so the case measures what the service keeps up with, not how
    // fast the desks were let in (a longer window caps the figure at outcomes ÷ window).
    const window = 60_000 * Math.min(1, options.scale);
    // A desk's queue goes out as its drain sends it: one batch (10 outcomes, each with its key).
    const send = async (desk: Desk, mine: typeof outcomes) => {
      const body = batchBody(mine.map((outcome) => ({ key: outcome.key, body: JSON.stringify(submission(desk, outcome.requestId)) })));
      for (let attempt = 0; ; attempt++) {
        const answer = await call('POST', `${base(attempt + desk.deviceId.charCodeAt(0))}${centralPaths.identificationBatches}`, {
          token: desk.token,
          body,
        });
        const status = batchStatus(answer);
        herdPosts.record(answer.ms, status);
        if (status === 200) {
          lastAck = Math.max(lastAck, performance.now());
          acked += mine.length;
        }
        if (status === 200 || attempt >= 20) return;
        retries++;
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** attempt) * herdRandom()));
      }
    };
    // As the desk's engine does when the service is back: the outbox drain and the pull at once.
    const deskRun = async (desk: Desk, mine: typeof outcomes) =>
      void (await Promise.all([options.herdPulls === false ? null : pullAll(desk), send(desk, mine)]));
    const pullAll = async (desk: Desk) => {
      let deferrals = 0;
      for (let more = true; more;) {
        const answer = await call('GET', `${base(desk.deviceId.charCodeAt(0))}${centralPaths.changes}?cursor=${desk.cursor}&limit=500`, {
          token: desk.token,
          gzip: true,
        });
        if (answer.status === 503 && deferrals++ < 50) {
          // Deferred (outcomes first): again after the Retry-After the service asked for, spread out, as the desk's engine would.
          deferredPulls++;
          const seconds = Number(answer.headers['retry-after'] ?? 5);
          await new Promise((resolve) => setTimeout(resolve, seconds * 1000 * (0.5 + herdRandom())));
          continue;
        }
        herdPulls.record(answer.ms, answer.status);
        pulled.pages++;
        pulled.bytes += answer.body.length;
        if (answer.gzip) pulled.compressed++;
        if (answer.status !== 200) break;
        const page = await pageHead(answer);
        desk.cursor = page.nextCursor;
        more = page.hasMore;
      }
    };
    const byDesk = new Map<Desk, typeof outcomes>();
    for (const outcome of outcomes) byDesk.set(outcome.desk, [...(byDesk.get(outcome.desk) ?? []), outcome]);
    // Each desk comes back at its moment within the window (the client's sockets bound what is in flight).
    const runs: Promise<void>[] = [];
    let index = 0;
    for (const [desk, mine] of byDesk) {
      const wait = herdStart + (window * index++) / byDesk.size - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      runs.push(deskRun(desk, mine));
    }
    await Promise.all(runs);
    // Until the last outcome is acknowledged (the pulls, going on beside, may end later).
    const herdSeconds = (performance.now() - herdStart) / 1000;
    const ackSeconds = (lastAck - herdStart) / 1000;
    // Only what the service acknowledged counts (a desk that gave up after 21 attempts does not).
    const acknowledged = acked / ackSeconds;
    const effects = {
      rows: await rows<{ n: string; d: string }>(
        db,
        sql`SELECT count(*)::text AS n, count(DISTINCT (office_code, key))::text AS d FROM effects`,
      ),
    };
    const peakEffects = posts.statuses.get(200) ?? 0;
    const herdEffects = Number(effects.rows[0]!.n) - peakEffects;
    measurements.push(
      {
        case: `central herd: ${outcomes.length} outcomes from ${desks.length} desks back within ${Math.round(window / 1000)} s`,
        metric: 'acknowledged',
        unit: 'outcomes/s',
        value: acknowledged,
        target: '≥ 2,000/s',
        meetsTarget: acknowledged >= 2000,
        notes: `${acked} of ${outcomes.length} acknowledged in ${ackSeconds.toFixed(1)} s (every pull done in ${herdSeconds.toFixed(1)} s); ${retries} retries; ${deferredPulls} pulls deferred (503, outcomes first)${options.herdPulls === false ? '; desks not pulling' : ''}`,
      },
      ...summarize('central herd: identification batches (10 outcomes each)', herdPosts, herdSeconds, { p99: 250 }),
      ...summarize('central herd: feed pulls (4 hours of changes)', herdPulls, herdSeconds),
      { case: 'central herd: feed pulls deferred (503, outcomes first)', metric: 'count', unit: '', value: deferredPulls },
      {
        case: 'central herd: feed pages sent',
        metric: 'bytes',
        unit: 'MiB',
        value: pulled.bytes / 1024 / 1024,
        notes: `${pulled.pages} pages, ${pulled.compressed} of them compressed`,
      },
      { case: 'central herd: every desk pulled to the end', metric: 'seconds', unit: 's', value: herdSeconds },
      {
        case: 'central herd: effects per key',
        metric: 'lost or duplicated',
        unit: '',
        value: Math.abs(herdEffects - outcomes.length) + (Number(effects.rows[0]!.n) - Number(effects.rows[0]!.d)),
        target: '0',
        meetsTarget: herdEffects === outcomes.length && effects.rows[0]!.n === effects.rows[0]!.d,
      },
    );
    log(`central:load: herd done (${herdSeconds.toFixed(0)} s)`);

    // --- first sync --------------------------------------------------------------------------
    // Desks 0 and 1 are the first office's (its province); desks 2 and 3 the second's, made national here.
    await db
      .update(t.offices)
      .set({ scopeKind: 'national', scopeArea: null })
      .where(sql`code = ${desks[2]!.office}`);
    for (const [label, token] of [
      [`province (${desks[0]!.province})`, desks[0]!.token],
      ['national', desks[2]!.token],
    ] as const) {
      let cursor = '';
      let rowsPulled = 0;
      let bytes = 0;
      const start = performance.now();
      for (;;) {
        const answer = await call('GET', `${base(0)}${centralPaths.changes}?limit=1000${cursor ? `&cursor=${cursor}` : ''}`, { token });
        if (answer.status !== 200) throw new Error(`first sync: HTTP ${answer.status}`);
        bytes += answer.body.length;
        const page = JSON.parse(answer.body.toString()) as { items: unknown[]; nextCursor: string; hasMore: boolean };
        rowsPulled += page.items.length;
        cursor = page.nextCursor;
        if (!page.hasMore) break;
      }
      const seconds = (performance.now() - start) / 1000;
      measurements.push({
        case: `central first sync: ${label} desk from empty`,
        metric: 'seconds',
        unit: 's',
        value: seconds,
        notes: `${rowsPulled} rows, ${(bytes / 1024 / 1024).toFixed(1)} MiB, ${Math.round(rowsPulled / seconds)} rows/s`,
      });
    }
    return measurements;
  } finally {
    await Promise.all(services.map((service) => service.stop()));
    await store?.close();
    await cluster.stop();
  }
}

async function currentHorizon(db: CentralStore['db']): Promise<bigint> {
  const [row] = await rows<{ h: string }>(db, sql`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS h`);
  return BigInt(row!.h);
}

function submission(desk: Desk, requestId: string): IdentificationSubmission {
  return {
    requestId,
    requestVersion: 1,
    outcome: 'confirmed',
    refusal: null,
    presenter: 'applicant',
    checks: { blocking: [], acknowledgedWarnings: [] },
    documents: [],
    fiscalCodeCard: null,
    delegate: null,
    operator: { id: desk.operatorId, displayName: 'Operatore di carico' },
    device: { id: desk.deviceId },
    officeCode: desk.office,
    capturedAt: new Date().toISOString(),
  };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: '1' },
      'peak-seconds': { type: 'string', default: '120' },
      'herd-changes': { type: 'string', default: '0.04' },
      'no-pull': { type: 'boolean', default: false },
    },
  });
  const measurements = await runCentralLoad({
    scale: Number(values.scale),
    peakSeconds: Number(values['peak-seconds']),
    herdChanges: Number(values['herd-changes']),
    herdPulls: !values['no-pull'],
  });
  const lines = ['| case | metric | value | baseline | ratio | target | met | notes |', '|---|---|---:|---|---:|---|---|---|'];
  for (const m of measurements)
    lines.push(
      `| ${m.case} | ${m.metric} | ${m.value.toFixed(m.value >= 100 ? 0 : 2)} ${m.unit} | ${m.baseline ? `${m.baseline.value.toFixed(2)} (${m.baseline.label})` : ''} | ${m.ratio?.toFixed(2) ?? ''} | ${m.target ?? ''} | ${m.meetsTarget === undefined ? '' : m.meetsTarget ? 'yes' : '**no**'} | ${m.notes ?? ''} |`,
    );
  process.stdout.write(`${lines.join('\n')}\n`);
}
