import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCentral } from '../fixtures/central';
import type { EnablementRequest } from '../../shared/contract';
import { createTestCore, ready } from '../fixtures/core';
import { draftFor } from '../fixtures/outcomes';

/** #21.1: an outcome the central service did not accept is never told, printed or counted as confirmed. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const pdfText = (base64: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'truth-')), 'doc.pdf');
  writeFileSync(file, Buffer.from(base64, 'base64'));
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
};

describe('truthful outcomes', () => {
  it('a confirmation the service refused (request annulled meanwhile) prints a notice, and counts as not accepted everywhere', async () => {
    const central = await startTestCentral({ seed: 80, seedValue: 5, admin: true });
    const test = createTestCore({ centralUrl: central.url });
    cleanups.push(async () => {
      await test.cleanup();
      await central.close();
    });
    const { core } = test;
    await core.call('session.signIn', { officeCode: 'ZZIS00100A', username: 'dirigente', password: 'prova-dirigente' });
    await ready(core).sync.pull();
    const [annulled, accepted] = (await central.store.officeRequests('ZZIS00100A')).filter(
      (request) => request.status === 'awaiting-identification' && request.identificationRequired,
    ) as [EnablementRequest, EnablementRequest];
    // The request is annulled on the central side while the operator fills the wizard.
    expect((await fetch(`${central.adminUrl}/admin/requests/${annulled.id}/annul`, { method: 'POST' })).status).toBe(200);
    const confirm = (request: EnablementRequest) =>
      core.call('identifications.confirm', { draft: draftFor(request), acknowledgedWarnings: [], password: 'prova-dirigente' });
    const refusedByService = await confirm(annulled);
    expect(refusedByService).toMatchObject({ ok: true, value: { delivery: 'conflict' } });
    expect(await confirm(accepted)).toMatchObject({ ok: true, value: { delivery: 'sent' } });

    const receipt = await core.call('documents.render', {
      kind: 'receipt',
      identificationId: refusedByService.ok ? refusedByService.value.identificationId : '',
    });
    const text = receipt.ok ? pdfText(receipt.value.base64) : '';
    expect(text).not.toMatch(/abilitazione confermata/i);
    expect(text).toContain('Conferma non accettata');
    expect(text).toContain('annullata');

    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
    const list = await core.call('identifications.list', { from: today, to: today });
    expect(list.ok && list.value.map((entry) => [entry.requestId, entry.status])).toEqual([
      [annulled.id, 'not-accepted'],
      [accepted.id, 'accepted'],
    ]);
    const csv = await core.call('identifications.exportCsv', { from: today, to: today, filters: {} });
    expect(csv.ok && csv.value.content).toContain('"Conferma non accettata: La richiesta è stata annullata');
    const register = await core.call('documents.render', { kind: 'daily-register', date: today });
    expect(register.ok && pdfText(register.value.base64)).toMatch(/1 confermate e accettate.*1 non accettate/s);
  });
});
