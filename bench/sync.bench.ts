import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCentral, type CentralService } from '../central/server';
import { startCentralProcess } from './central-process';
import type { EnablementRequest } from '../shared/contract/central-api';
import { createCore } from '../src-main/core/app';
import { openLocalStore } from '../src-main/core/store/database';
import { createMemoryLogger } from '../src-main/core/log';
import { RequestsRepository } from '../src-main/core/requests/requests-repository';
import { ready } from '../tests/fixtures/core';
import { submissionFor } from '../tests/fixtures/outcomes';
import { median, percentile, type BenchCase } from './harness';

/**
 * Store & sync figures (issue "Encrypted local store … exactly-once sync"):
 * - pull of N requests vs a raw insert of the same rows into an encrypted database;
 * - lookup by fiscal code in a cache of 1,000,000 requests (p50/p99);
 * - drain of 10,000 outcomes, fault-free and with 10% injected 500s;
 * Sizes scale with BENCH_SCALE (default 1 = the sizes).
 */
const scale = Number(process.env.BENCH_SCALE ?? 1);
const sizes = { pull: Math.round(100_000 * scale), cache: Math.round(1_000_000 * scale), drain: Math.round(10_000 * scale) };

function tempDir() {
  return mkdtempSync(join(tmpdir(), 'sportello-bench-'));
}

function benchCore(centralUrl: string, dataDirectory: string, databaseKey: Buffer = randomBytes(32)) {
  return createCore({
    dataDirectory,
    version: 'bench',
    mode: 'training',
    logger: createMemoryLogger(),
    centralUrl,
    databaseKey,
    resourcesDirectory: join(import.meta.dirname, '../resources'),
    startSync: false,
    sync: { pageSize: 1000, backoff: { baseMs: 1, capMs: 20 } },
  });
}

async function signIn(core: ReturnType<typeof benchCore>) {
  const result = await core.call('session.signIn', { officeCode: 'ZZIS00100A', username: 'segreteria', password: 'prova-segreteria' });
  if (!result.ok) throw new Error(`sign-in failed: ${result.error.code}`);
}

function allRequests(central: CentralService): Promise<EnablementRequest[]> {
  return central.store.allRequests();
}

export const pullVersusRawInsert: BenchCase = {
  name: 'sync-pull',
  async run() {
    const central = await startCentralProcess(sizes.pull, 5);
    await central.setScope('ZZIS00100A', { kind: 'national' });
    const directory = tempDir();
    try {
      // Subject: the engine pulls everything over HTTP (pages of 1,000, zod-validated).
      const core = benchCore(central.url, join(directory, 'pull'));
      await signIn(core);
      const pullStart = performance.now();
      await ready(core).sync.pull();
      const pullMs = performance.now() - pullStart;
      if (ready(core).sync.requests.count() !== sizes.pull) throw new Error('pull incomplete');
      const rows = (ready(core).store.sqlite.prepare('SELECT body FROM enablement_requests').all() as { body: string }[]).map(
        (row) => JSON.parse(row.body) as EnablementRequest,
      );
      await core.close();

      // Baseline: the same rows inserted straight into a fresh encrypted store, same page size.
      const store = openLocalStore({ path: join(directory, 'raw.db'), key: randomBytes(32) });
      const repository = new RequestsRepository(store);
      const insertStart = performance.now();
      for (let i = 0; i < rows.length; i += 1000) {
        const page = rows.slice(i, i + 1000);
        store.sqlite.transaction(() => repository.upsert(page)).immediate();
      }
      const insertMs = performance.now() - insertStart;
      store.close();
      const pullRate = (sizes.pull / pullMs) * 1000;
      const insertRate = (sizes.pull / insertMs) * 1000;
      return [
        {
          case: `Pull of ${sizes.pull.toLocaleString('en')} requests (HTTP, pages of 1,000)`,
          metric: 'throughput',
          unit: 'rows/s',
          value: pullRate,
          baseline: { label: 'raw insert into encrypted DB', value: insertRate },
          ratio: pullRate / insertRate,
          target: 'ratio ≥ 0.5',
          meetsTarget: pullRate / insertRate >= 0.5,
        },
      ];
    } finally {
      await central.close();
      rmSync(directory, { recursive: true, force: true });
    }
  },
};

export const lookupInLargeCache: BenchCase = {
  name: 'sync-lookup',
  async run() {
    const directory = tempDir();
    // Requests built from a template with distinct fiscal codes (generating a million
    // synthetic people is not what is measured).
    const central = await startCentral({ seed: 1000, seedValue: 6 });
    const templates = await allRequests(central);
    try {
      // Lookups need a signed-in operator: an online sign-in on this desk, then a restart
      // with the service unreachable and an offline sign-in (no token: the cache path only).
      const key = randomBytes(32);
      const online = benchCore(central.url, directory, key);
      await signIn(online);
      await online.close();
      await central.close();
      const core = benchCore('http://127.0.0.1:9', directory, key);
      await signIn(core);
      if (ready(core).session.current()?.mode !== 'offline') throw new Error('expected an offline session');
      const repository = ready(core).sync.requests;
      const store = ready(core).store;
      const batch: EnablementRequest[] = [];
      const flush = () => {
        store.sqlite.transaction(() => repository.upsert(batch)).immediate();
        batch.length = 0;
      };
      for (let i = 0; i < sizes.cache; i++) {
        const template = templates[i % templates.length]!;
        // Vary the fiscal code's digits through the omocodia letters' canonical digits: stays valid-shaped.
        const code = template.applicant.fiscalCode.slice(0, 6) + String(i).padStart(9, '0').slice(-9) + 'X';
        batch.push({ ...template, id: `B-${i}`, applicant: { ...template.applicant, fiscalCode: code } });
        if (batch.length === 5000) flush();
      }
      flush();
      // The synthetic template people are findable by their real codes too.
      for (const template of templates) store.sqlite.transaction(() => repository.upsert([template])).immediate();
      const samples: number[] = [];
      for (let round = 0; round < 3; round++) {
        for (const code of templates.map((t) => t.applicant.fiscalCode)) {
          const start = process.hrtime.bigint();
          const result = await core.call('requests.lookup', { fiscalCode: code });
          samples.push(Number(process.hrtime.bigint() - start) / 1e6);
          if (!result.ok || result.value.items.length === 0) throw new Error('lookup failed');
        }
      }
      const rows = repository.count();
      await core.close();
      const p99 = percentile(samples, 99);
      return [
        {
          case: `Lookup by fiscal code, cache of ${rows.toLocaleString('en')} (operation, cache path)`,
          metric: 'p50',
          unit: 'ms',
          value: median(samples),
        },
        {
          case: `Lookup by fiscal code, cache of ${rows.toLocaleString('en')} (operation, cache path)`,
          metric: 'p99',
          unit: 'ms',
          value: p99,
          target: 'p99 ≤ 1 ms',
          meetsTarget: p99 <= 1,
        },
      ];
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  },
};

async function drainRun(errorRate: number): Promise<{ rate: number; lost: number; duplicated: number }> {
  const central = await startCentralProcess(Math.ceil(sizes.drain * 1.8) + 50, 8);
  const directory = tempDir();
  try {
    const core = benchCore(central.url, directory);
    await signIn(core);
    const { sync: engine, outcomes } = ready(core);
    await engine.pull();
    const targets = (await central.requests('awaiting-identification', sizes.drain * 2))
      .filter((r) => r.identificationRequired)
      .slice(0, sizes.drain);
    if (targets.length < sizes.drain) throw new Error(`only ${targets.length} requests to confirm`);
    // Queue everything first (offline at the desk), then measure the drain alone.
    await central.setFaults({ down: true });
    const opIds = targets.map((request) => outcomes.record(submissionFor(request, 'confirmed', engine.state.clientId())).opId);
    await engine.push();
    await central.setFaults({ down: false, errorRate, seed: 4 });
    const start = performance.now();
    for (let guard = 0; guard < 10_000 && engine.status().pending > 0; guard++) {
      engine.retryNow();
      await engine.push();
    }
    const ms = performance.now() - start;
    const effects = (await central.effects()).map((effect) => effect.key);
    const effectSet = new Set(effects);
    const lost = opIds.filter((id) => !effectSet.has(id)).length;
    await core.close();
    return { rate: (opIds.length / ms) * 1000, lost, duplicated: effects.length - effectSet.size };
  } finally {
    await central.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

export const drainOutbox: BenchCase = {
  name: 'sync-drain',
  async run() {
    const clean = await drainRun(0);
    const faulty = await drainRun(0.1);
    return [
      {
        case: `Drain of ${sizes.drain.toLocaleString('en')} outcomes, fault-free`,
        metric: 'throughput',
        unit: 'outcomes/s',
        value: clean.rate,
        target: '≥ 1,000/s, 0 lost or duplicated',
        meetsTarget: clean.rate >= 1000 && clean.lost === 0 && clean.duplicated === 0,
        notes: `lost ${clean.lost}, duplicated ${clean.duplicated}`,
      },
      {
        case: `Drain of ${sizes.drain.toLocaleString('en')} outcomes, 10% injected 500s`,
        metric: 'throughput',
        unit: 'outcomes/s',
        value: faulty.rate,
        baseline: { label: 'fault-free drain', value: clean.rate },
        ratio: faulty.rate / clean.rate,
        target: 'ratio ≥ 0.5, 0 lost or duplicated',
        meetsTarget: faulty.rate / clean.rate >= 0.5 && faulty.lost === 0 && faulty.duplicated === 0,
        notes: `lost ${faulty.lost}, duplicated ${faulty.duplicated}`,
      },
    ];
  },
};
