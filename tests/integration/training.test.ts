import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCentral } from '../../central/server';
import { trainingExerciseKinds, type TrainingExercise } from '../../shared/contract/central-api';
import { parseFiscalCode } from '../../shared/domain/fiscal-code';
import { parseMrz } from '../../shared/domain/mrz';
import { createTestCore, ready } from '../fixtures/core';
import { draftFor } from '../fixtures/outcomes';
import { readCode39 } from '../fixtures/pdf-codes';

/** #17, item 2: the training service's practice cases, their kits, the outage on purpose. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function pageTexts(pdf: Uint8Array): string[] {
  const directory = mkdtempSync(join(tmpdir(), 'kit-'));
  try {
    writeFileSync(join(directory, 'kit.pdf'), pdf);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [join(directory, 'kit.pdf')], { encoding: 'utf8' }))![1]);
    return Array.from({ length: pages }, (_, index) =>
      execFileSync('pdftotext', ['-layout', '-f', String(index + 1), '-l', String(index + 1), join(directory, 'kit.pdf'), '-'], {
        encoding: 'utf8',
      }),
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function trainingDesk(mode: 'training' | 'production' = 'training') {
  const central = await startCentral({ seed: 30, seedValue: 4, training: true });
  const test = createTestCore({ centralUrl: central.url, mode });
  cleanups.push(async () => {
    await test.cleanup();
    await central.close();
  });
  await test.core.call('session.signIn', { officeCode: 'ZZIS00100A', username: 'segreteria', password: 'prova-segreteria' });
  await ready(test.core).sync.pull();
  return { central, core: test.core };
}

const byKind = (items: TrainingExercise[], kind: TrainingExercise['kind']) => items.find((item) => item.kind === kind)!;

describe('training exercises (#17, item 2)', () => {
  it('the training service offers one case of each kind, each teaching one thing', async () => {
    const { central, core } = await trainingDesk();
    const answer = await core.call('training.exercises', {});
    if (!answer.ok) throw new Error(answer.error.message);
    const items = answer.value.items;
    expect(items.map((item) => item.kind)).toEqual([...trainingExerciseKinds]);
    expect(answer.value.outage).toBe(false);
    const today = new Date().toISOString().slice(0, 10);
    for (const item of items) {
      const request = (await central.store.getRequest(item.requestId))!;
      expect(parseFiscalCode(item.applicant.fiscalCode).ok, item.kind).toBe(true);
      expect(request.applicant.fiscalCode).toBe(item.applicant.fiscalCode);
      // The MRZ reads right and names the document shown.
      const mrz = parseMrz(item.applicant.mrz!.join('\n'), { on: today });
      expect(mrz.ok && mrz.value.documentNumber, item.kind).toBe(item.applicant.document.number);
    }
    const status = async (kind: TrainingExercise['kind']) => (await central.store.getRequest(byKind(items, kind).requestId))!.status;
    expect(await status('happy-path')).toBe('awaiting-identification');
    expect(await status('annulled')).toBe('annulled');
    expect(await status('already-enabled')).toBe('enabled');
    expect(await status('code-not-confirmed')).toBe('awaiting-code-confirmation');
    expect(byKind(items, 'expired-document').applicant.document.expiryDate! < today).toBe(true);
    const mismatch = byKind(items, 'document-mismatch');
    expect(mismatch.applicant.document.number).not.toBe((await central.store.getRequest(mismatch.requestId))!.declaredDocument.number);
    const otherCard = byKind(items, 'card-of-another-person');
    expect(otherCard.applicant.healthCard.holder.fiscalCode).not.toBe(otherCard.applicant.fiscalCode);
    expect(byKind(items, 'delegate').delegate?.fiscalCode).toMatch(/^[A-Z0-9]{16}$/);
    expect(items.filter((item) => item.kind !== 'delegate').every((item) => item.delegate === null)).toBe(true);
  });

  it('the kit: every page FAC-SIMILE — DATI FITTIZI, the MRZ lines as text, the card’s Code 39 read back by an independent decoder', async () => {
    const { core } = await trainingDesk();
    const items = (await core.call('training.exercises', {})) as { ok: true; value: { items: TrainingExercise[] } };
    const delegateCase = byKind(items.value.items, 'delegate');
    const kit = await core.call('documents.render', { kind: 'training-kit', requestId: delegateCase.requestId });
    if (!kit.ok) throw new Error(kit.error.message);
    const pdf = Buffer.from(kit.value.base64, 'base64');
    const pages = pageTexts(pdf);
    expect(pages).toHaveLength(2);
    for (const page of pages) expect(page).toContain('FAC-SIMILE — DATI FITTIZI');
    for (const line of delegateCase.applicant.mrz!) expect(pages[0]).toContain(line);
    for (const line of delegateCase.delegate!.mrz!) expect(pages[1]).toContain(line);
    expect(readCode39(pdf, 1)).toBe(delegateCase.applicant.healthCard.holder.fiscalCode);
    expect(readCode39(pdf, 2)).toBe(delegateCase.delegate!.healthCard.holder.fiscalCode);
    expect(pages[0]).toContain(delegateCase.applicant.healthCard.number);
  });

  it('the outage on purpose: lookups from the local copy, the outcome queued; back, it is sent', async () => {
    const { central, core } = await trainingDesk();
    const items = (await core.call('training.exercises', {})) as { ok: true; value: { items: TrainingExercise[] } };
    const down = byKind(items.value.items, 'service-down');
    expect(await core.call('training.outage', { on: true })).toMatchObject({ ok: true, value: { outage: true } });
    const lookup = await core.call('requests.lookup', { fiscalCode: down.applicant.fiscalCode });
    expect(lookup).toMatchObject({ ok: true, value: { source: 'cache' } });
    // The list (and so the kits) stay at hand while it is down.
    expect(await core.call('training.exercises', {})).toMatchObject({ ok: true, value: { outage: true } });
    // The identification done while it is down: queued.
    const request = (await central.store.getRequest(down.requestId))!;
    const draft = draftFor(request);
    expect(await core.call('identifications.confirm', { draft, acknowledgedWarnings: [], password: 'prova-segreteria' })).toMatchObject({
      ok: true,
      value: { delivery: 'queued' },
    });
    expect((await central.store.getRequest(down.requestId))!.status).toBe('awaiting-identification');
    // Back: answered once what waited was sent; the lookup is online again.
    expect(await core.call('training.outage', { on: false })).toMatchObject({ ok: true, value: { outage: false } });
    expect((await central.store.getRequest(down.requestId))!.status).toBe('enabled');
    expect(await core.call('requests.lookup', { fiscalCode: down.applicant.fiscalCode })).toMatchObject({
      ok: true,
      value: { source: 'online' },
    });
    // A simulation is the trainee's: signing out ends it.
    await core.call('training.outage', { on: true });
    await core.call('session.signOut', {});
    expect(
      await core.call('session.signIn', { officeCode: 'ZZIS00100A', username: 'segreteria', password: 'prova-segreteria' }),
    ).toMatchObject({
      ok: true,
      value: { mode: 'online' },
    });
    expect(await core.call('training.exercises', {})).toMatchObject({ ok: true, value: { outage: false } });
  });

  it('reset: a case done is new again, a version up; production has no exercises', async () => {
    const { central, core } = await trainingDesk();
    const items = (await core.call('training.exercises', {})) as { ok: true; value: { items: TrainingExercise[] } };
    const happy = byKind(items.value.items, 'happy-path');
    expect((await fetch(`${central.url}/v2/training/exercises`)).status).toBe(401);
    const before = (await central.store.getRequest(happy.requestId))!;
    await central.store.putRequest({ ...before, status: 'enabled', enabledAt: new Date().toISOString() });
    expect(await core.call('training.reset', {})).toMatchObject({ ok: true });
    const after = (await central.store.getRequest(happy.requestId))!;
    expect(after.status).toBe('awaiting-identification');
    expect(after.version).toBe(before.version + 1);

    const production = await trainingDesk('production');
    expect(await production.core.call('training.exercises', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await production.core.call('training.outage', { on: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
