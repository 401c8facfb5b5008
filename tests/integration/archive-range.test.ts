import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCentral } from '../fixtures/central';
import type { EnablementRequest } from '../../shared/contract';
import { createTestCore, ready } from '../fixtures/core';
import { draftFor } from '../fixtures/outcomes';
import { shiftDay } from '../../shared/domain/archive-query';
import { todayIn } from '../../shared/domain/dates';

/** #17, item 4: the archive over a range of days, searched and filtered; statistics; register and CSV for a range. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const romeDay = (date: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(date);
const italianDay = (iso: string) => iso.split('-').reverse().join('/');
const pdfText = (base64: string) => {
  const directory = mkdtempSync(join(tmpdir(), 'archive-range-'));
  try {
    writeFileSync(join(directory, 'doc.pdf'), Buffer.from(base64, 'base64'));
    return execFileSync('pdftotext', ['-layout', join(directory, 'doc.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
};

/**
 * A desk whose clock is set back: a confirmation today by the head teacher (sent); then by
 * the operator a confirmation three days ago (still queued: the service answered 500 then)
 * and a refusal yesterday (queued behind it).
 */
async function deskWithThreeDays() {
  const central = await startTestCentral({ seed: 80, seedValue: 7, admin: true });
  const realNow = Date.now();
  let clock = realNow;
  // Calendar days in Italy, and noon of each (whatever the changes of the clocks in between).
  const today = todayIn();
  const noonOf = (day: string) => Date.parse(`${day}T11:00:00Z`);
  const test = createTestCore({
    centralUrl: central.url,
    now: () => new Date(clock),
    sync: { backoff: { baseMs: 60_000, capMs: 60_000 } },
  });
  cleanups.push(async () => {
    await test.cleanup();
    await central.close();
  });
  const { core } = test;
  const [a, b, c] = (await central.store.officeRequests('ZZIS00100A')).filter(
    (request) => request.status === 'awaiting-identification' && request.identificationRequired,
  ) as [EnablementRequest, EnablementRequest, EnablementRequest];
  const signIn = (username: string) => core.call('session.signIn', { officeCode: 'ZZIS00100A', username, password: `prova-${username}` });

  await signIn('dirigente');
  await ready(core).sync.pull();
  expect(
    await core.call('identifications.confirm', { draft: draftFor(c), acknowledgedWarnings: [], password: 'prova-dirigente' }),
  ).toMatchObject({
    ok: true,
    value: { delivery: 'sent' },
  });
  await core.call('session.signOut', {});
  await signIn('segreteria');
  clock = noonOf(shiftDay(today, -3));
  await fetch(`${central.adminUrl}/admin/faults`, {
    method: 'POST',
    body: JSON.stringify({ errorRate: 1 }),
    headers: { 'content-type': 'application/json' },
  });
  expect(
    await core.call('identifications.confirm', { draft: draftFor(a), acknowledgedWarnings: [], password: 'prova-segreteria' }),
  ).toMatchObject({
    ok: true,
    value: { delivery: 'queued' },
  });
  await fetch(`${central.adminUrl}/admin/faults`, {
    method: 'POST',
    body: JSON.stringify({ errorRate: 0 }),
    headers: { 'content-type': 'application/json' },
  });
  clock = noonOf(shiftDay(today, -1));
  expect(
    await core.call('identifications.refuse', { draft: draftFor(b), reasons: ['document-invalid', 'photo-mismatch'], note: 'Scaduto' }),
  ).toMatchObject({ ok: true });
  await core.call('session.signOut', {});
  clock = realNow;
  await signIn('dirigente');
  const days = {
    today,
    yesterday: shiftDay(today, -1),
    threeDaysAgo: shiftDay(today, -3),
  };
  return { core, central, a, b, c, days };
}

describe('the archive over time (#17, item 4)', () => {
  it('lists a range of days, oldest first; one day is still one day; a range the wrong way round or over a year is refused in Italian', async () => {
    const { core, a, b, c, days } = await deskWithThreeDays();
    const range = await core.call('identifications.list', { from: days.threeDaysAgo, to: days.today });
    expect(range.ok && range.value.map((entry) => [entry.requestId, entry.status])).toEqual([
      [a.id, 'queued'],
      [b.id, 'refused'],
      [c.id, 'accepted'],
    ]);
    const today = await core.call('identifications.list', { from: days.today, to: days.today });
    expect(today.ok && today.value.map((entry) => entry.requestId)).toEqual([c.id]);
    const backwards = await core.call('identifications.list', { from: days.today, to: days.threeDaysAgo });
    expect(backwards).toMatchObject({ ok: false, error: { code: 'invalid-range' } });
    expect(!backwards.ok && backwards.error.message).toMatch(/precedere/);
    const tooLong = await core.call('identifications.list', { from: '2024-01-01', to: '2025-06-30' });
    expect(tooLong).toMatchObject({
      ok: false,
      error: { code: 'invalid-range', text: { key: 'service.range-too-long', params: { maxDays: 366 } } },
    });
  });

  it('the CSV of a range, filtered like the screen: Rome time as gg/mm/aaaa hh:mm, Italian states, nothing raw', async () => {
    const { core, a, b, c, days } = await deskWithThreeDays();
    const all = await core.call('identifications.exportCsv', { from: days.threeDaysAgo, to: days.today, filters: {} });
    if (!all.ok) throw new Error(all.error.message);
    expect(all.value.fileName).toBe(`registro-${days.threeDaysAgo}_${days.today}.csv`);
    const lines = all.value.content
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(4);
    for (const line of lines.slice(1)) {
      const when = line.split(';')[0]!.replaceAll('"', '');
      expect(when).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    }
    expect(lines[1]).toContain(`"${italianDay(days.threeDaysAgo)} `);
    expect(all.value.content).not.toMatch(/\d{4}-\d{2}-\d{2}T|acked|retry_wait|pending|"refused"|"accepted"/);
    expect(lines[1]).toContain('Confermata, in coda di invio');
    expect(lines[2]).toContain('Rifiutata allo sportello');
    expect(lines[3]).toContain('Confermata e accettata');

    // The screen's filters: by name, by fiscal code, by operator, by outcome, by state.
    const csvOf = async (filters: Record<string, string>) => {
      const csv = await core.call('identifications.exportCsv', { from: days.threeDaysAgo, to: days.today, filters });
      if (!csv.ok) throw new Error(csv.error.message);
      return csv.value.content
        .trim()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(';')[1]!.replaceAll('"', ''));
    };
    expect(await csvOf({ text: b.applicant.surname.toLowerCase() })).toEqual([b.id]);
    expect(await csvOf({ text: c.applicant.fiscalCode.slice(0, 9) })).toEqual([c.id]);
    const list = await core.call('identifications.list', { from: days.threeDaysAgo, to: days.today });
    const operatorOfC = list.ok ? list.value.find((entry) => entry.requestId === c.id)!.operatorId : '';
    expect(await csvOf({ operatorId: operatorOfC })).toEqual([c.id]);
    expect(await csvOf({ outcome: 'refused' })).toEqual([b.id]);
    expect(await csvOf({ delivery: 'queued' })).toEqual([a.id, b.id]);
    expect(await csvOf({ delivery: 'sent' })).toEqual([c.id]);
  });

  it('the register of a range names the period and lists every day, with the date', async () => {
    const { core, a, b, c, days } = await deskWithThreeDays();
    const register = await core.call('documents.render', { kind: 'daily-register', date: days.threeDaysAgo, to: days.today });
    if (!register.ok) throw new Error(register.error.message);
    expect(register.value.fileName).toBe(`registro-${days.threeDaysAgo}_${days.today}.pdf`);
    const text = pdfText(register.value.base64);
    expect(text).toContain(`dal ${italianDay(days.threeDaysAgo)} al ${italianDay(days.today)}`);
    for (const request of [a, b, c]) expect(text).toContain(request.id);
    expect(text).toContain(italianDay(days.yesterday));
  });

  it('statistics for the office administrator: per day and operator, refusal reasons, the age of the queue', async () => {
    const { core, days } = await deskWithThreeDays();
    const stats = await core.call('identifications.statistics', { from: days.threeDaysAgo, to: days.today });
    if (!stats.ok) throw new Error(stats.error.message);
    expect(stats.value.total).toEqual({ accepted: 1, queued: 1, notAccepted: 0, refused: 1 });
    expect(stats.value.days).toEqual([
      { day: days.threeDaysAgo, accepted: 0, queued: 1, notAccepted: 0, refused: 0 },
      { day: days.yesterday, accepted: 0, queued: 0, notAccepted: 0, refused: 1 },
      { day: days.today, accepted: 1, queued: 0, notAccepted: 0, refused: 0 },
    ]);
    expect(stats.value.operators.map((row) => [row.operatorName, row.accepted, row.queued, row.refused])).toEqual([
      ['Assistente di prova', 0, 1, 1],
      ['Dirigente di prova', 1, 0, 0],
    ]);
    expect(stats.value.refusalReasons).toEqual([
      { code: 'document-invalid', count: 1 },
      { code: 'photo-mismatch', count: 1 },
    ]);
    // Waiting to be sent: the confirmation and the refusal behind it; the oldest three days old.
    expect(stats.value.queue.count).toBe(2);
    expect(romeDay(new Date(stats.value.queue.oldestAt!))).toBe(days.threeDaysAgo);
    // An operator sees the archive, not the office's statistics.
    await core.call('session.signOut', {});
    await core.call('session.signIn', { officeCode: 'ZZIS00100A', username: 'segreteria', password: 'prova-segreteria' });
    expect(await core.call('identifications.statistics', { from: days.today, to: days.today })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });
});
