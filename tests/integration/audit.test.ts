import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCentral } from '../fixtures/central';
import { createTestCore, rawOpen, ready } from '../fixtures/core';
import { draftFor } from '../fixtures/outcomes';

/** The hash-chained audit trail: actions are recorded, edits around the app are found. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const root = join(import.meta.dirname, '../..');

describe('audit trail', () => {
  it('records sign-in, lookup, view, confirm and export, refuses edits, and finds a tampered entry', async () => {
    const central = await startTestCentral({ seed: 60, seedValue: 4 });
    const test = createTestCore({ centralUrl: central.url });
    cleanups.push(async () => {
      await test.cleanup();
      await central.close();
    });
    const { core } = test;
    await core.call('session.signIn', { officeCode: 'ZZIS00100A', username: 'dirigente', password: 'sbagliata' });
    await core.call('session.signIn', { officeCode: 'ZZIS00100A', username: 'dirigente', password: 'prova-dirigente' });
    const request = (await central.store.officeRequests('ZZIS00100A')).find(
      (r) => r.status === 'awaiting-identification' && r.identificationRequired,
    )!;
    await core.call('requests.lookup', { fiscalCode: request.applicant.fiscalCode });
    await core.call('requests.get', { id: request.id });
    const confirmed = await core.call('identifications.confirm', {
      draft: draftFor(request),
      acknowledgedWarnings: [],
      password: 'prova-dirigente',
    });
    expect(confirmed.ok).toBe(true);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
    await core.call('identifications.exportCsv', { from: today, to: today, filters: {} });

    const store = ready(core).store;
    const actions = (
      store.sqlite
        .prepare('SELECT action, fiscal_code AS fiscalCode, operator_id AS operatorId FROM audit_log ORDER BY seq')
        .all() as Array<{
        action: string;
        fiscalCode: string | null;
        operatorId: string | null;
      }>
    ).map((entry) => entry.action);
    expect(actions).toEqual(['sign-in-failed', 'sign-in', 'lookup', 'view-applicant', 'confirm', 'export']);
    expect(await core.call('audit.verify', {})).toMatchObject({ ok: true, value: { ok: true, entries: 6 } });
    // The app itself cannot rewrite history.
    expect(() => store.sqlite.prepare(`UPDATE audit_log SET action = 'lookup' WHERE seq = 5`).run()).toThrow(/append-only/);
    expect(() => store.sqlite.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);

    // Someone with the key edits the raw file around the app: the chain breaks at that entry.
    await core.close();
    const raw = rawOpen(join(test.dataDirectory, 'desk.db'), test.databaseKey);
    raw.exec('DROP TRIGGER audit_log_no_update');
    raw.prepare(`UPDATE audit_log SET fiscal_code = 'RSSMRA80A01H501U' WHERE seq = 4`).run();
    raw.close();
    writeFileSync(join(test.dataDirectory, 'desk.key'), test.databaseKey.toString('hex'));
    const cli = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/audit-verify.ts'), '--data-dir', test.dataDirectory], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, SPORTELLO_DB_KEY: '' },
    });
    expect(cli.stdout).toContain('primo collegamento rotto alla voce 4 (hash)');
    expect(cli.status).toBe(1);
  });

  it('keeps the verification for office administrators', async () => {
    const central = await startTestCentral({ seed: 5, seedValue: 4 });
    const test = createTestCore({ centralUrl: central.url, databaseKey: randomBytes(32) });
    cleanups.push(async () => {
      await test.cleanup();
      await central.close();
    });
    await test.core.call('session.signIn', { officeCode: 'ZZIS00100A', username: 'segreteria', password: 'prova-segreteria' });
    expect(await test.core.call('audit.verify', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
