import { createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CentralService } from '../../central/server';
import { startTestCentral } from '../fixtures/central';
import type { EnablementRequest } from '../../shared/contract';
import { createTestCore, ready, unreachableCentralUrl } from '../fixtures/core';
import { draftFor } from '../fixtures/outcomes';

/** #14 at the core: guesses in parallel, a lock that protects, one office per store, erasure that erases, audit without gaps. */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const office = 'ZZIS00100A';
const segreteria = { officeCode: office, username: 'segreteria', password: 'prova-segreteria' };
const dirigente = { officeCode: office, username: 'dirigente', password: 'prova-dirigente' };
const otherOffice = { code: 'ZZIS00200B', name: 'Altro istituto', comune: 'Milano', province: 'MI' };
const otherOperator = { officeCode: otherOffice.code, username: 'segreteria-b', password: 'prova-b' };

async function central(): Promise<CentralService> {
  const service = await startTestCentral({ seed: 30, seedValue: 11 });
  await service.store.putOffice(otherOffice);
  await service.store.putOperator(otherOffice.code, otherOperator.username, otherOperator.password, {
    id: 'op-b',
    displayName: 'Operatore B',
    role: 'operator',
  });
  cleanups.push(() => service.close());
  return service;
}

function openDesk(centralUrl: string, dataDirectory = mkdtempSync(join(tmpdir(), 'sportello-desksec-')), databaseKey = randomBytes(32)) {
  const test = createTestCore({ dataDirectory, databaseKey, centralUrl });
  cleanups.push(() => test.cleanup());
  return test;
}

const awaiting = async (service: CentralService, index = 0): Promise<EnablementRequest> =>
  (await service.store.officeRequests('ZZIS00100A')).filter(
    (request) => request.status === 'awaiting-identification' && request.identificationRequired,
  )[index]!;

const auditRows = (core: Parameters<typeof ready>[0]) =>
  ready(core)
    .store.sqlite.prepare('SELECT action, operator_id AS operatorId, fiscal_code AS fiscalCode, subject FROM audit_log ORDER BY seq')
    .all() as Array<{ action: string; operatorId: string | null; fiscalCode: string | null; subject: string | null }>;

describe('wrong passwords in parallel', () => {
  it('cannot outrun the delay: 20 wrong sign-ins at once, then the right one, is refused', async () => {
    const service = await central();
    const { core } = openDesk(service.url);
    const wrong = Array.from({ length: 20 }, () => core.call('session.signIn', { ...segreteria, password: 'sbagliata' }));
    const right = core.call('session.signIn', segreteria);
    const answers = await Promise.all([...wrong, right]);
    const codes = answers.map((answer) => (answer.ok ? 'ok' : answer.error.code));
    expect(codes.filter((code) => code === 'invalid-credentials').length).toBeLessThanOrEqual(5);
    expect(codes.at(-1)).toBe('sign-in-delayed');
  });

  it('cannot outrun the delay on unlock or at confirmation', async () => {
    const service = await central();
    const { core } = openDesk(service.url);
    await core.call('session.signIn', segreteria);
    await core.call('session.lock', {});
    const unlocks = await Promise.all([
      ...Array.from({ length: 12 }, () => core.call('session.unlock', { password: 'sbagliata' })),
      core.call('session.unlock', { password: segreteria.password }),
    ]);
    expect(unlocks.at(-1)).toMatchObject({ ok: false, error: { code: 'sign-in-delayed' } });
  });
});

describe('a lock that protects', () => {
  it('refuses another operator’s sign-in over a session; sign-out (audited) clears the drafts', async () => {
    const service = await central();
    const { core } = openDesk(service.url);
    await core.call('session.signIn', segreteria);
    await ready(core).sync.pull();
    const draft = draftFor(await awaiting(service));
    await core.call('drafts.save', draft);
    await core.call('session.lock', {});
    expect(await core.call('session.signIn', dirigente)).toMatchObject({ ok: false, error: { code: 'session-active' } });
    expect(ready(core).session.current()).toMatchObject({ operator: { id: 'op-segreteria' }, locked: true });
    await core.call('session.signOut', {});
    expect(await core.call('session.signIn', dirigente)).toMatchObject({ ok: true });
    expect(await core.call('drafts.get', { requestId: draft.requestId })).toEqual({ ok: true, value: null });
    expect(auditRows(core).map((row) => row.action)).toEqual(expect.arrayContaining(['sign-out']));
  });
});

describe('two operators signing in at the same moment', () => {
  it('lets one in; the other is told a session is open (never two sessions, one silently replaced)', async () => {
    const service = await central();
    const { core } = openDesk(service.url);
    const answers = await Promise.all([core.call('session.signIn', segreteria), core.call('session.signIn', dirigente)]);
    expect(answers.filter((answer) => answer.ok)).toHaveLength(1);
    expect(answers.find((answer) => !answer.ok)).toMatchObject({ ok: false, error: { code: 'session-active' } });
  });
});

describe('one office per store', () => {
  it('refuses an operator of another office on a store used by an office, with the way out', async () => {
    const service = await central();
    const { core } = openDesk(service.url);
    expect(await core.call('session.signIn', segreteria)).toMatchObject({ ok: true });
    await ready(core).sync.pull();
    await core.call('session.signOut', {});
    const refused = await core.call('session.signIn', otherOperator);
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'store-office-mismatch', message: expect.stringContaining(office) },
    });
    expect(ready(core).session.current()).toBeNull();
  });
});

describe('erasure that erases', () => {
  it('leaves nothing of the erased applicant in the database file or its WAL', async () => {
    const service = await central();
    const dataDirectory = mkdtempSync(join(tmpdir(), 'sportello-erase-'));
    const databaseKey = randomBytes(32);
    const { core } = openDesk(service.url, dataDirectory, databaseKey);
    await core.call('session.signIn', dirigente);
    const request = await awaiting(service, 2);
    expect(await core.call('requests.lookup', { fiscalCode: request.applicant.fiscalCode })).toMatchObject({ ok: true });
    // The raw pages, decrypted with the key, as someone with the files and the key would read them.
    const plaintext = () =>
      readdirSync(dataDirectory)
        .filter((name) => name === 'desk.db' || name === 'desk.db-wal')
        .map((name) => decryptPages(join(dataDirectory, name), databaseKey))
        .join('\n');
    // The control: before the erasure the decrypted pages do hold the applicant.
    expect(plaintext()).toContain(request.declaredDocument.number);
    expect(await core.call('data.erase', { fiscalCode: request.applicant.fiscalCode })).toMatchObject({ ok: true });
    const after = plaintext();
    expect(after).not.toContain(request.declaredDocument.number);
  });
});

/**
 * SQLCipher 4 pages as the file holds them (raw 256-bit key, AES-256-CBC, 4096-byte pages
 * ending in an 80-byte reserve: a 16-byte IV, then the HMAC; page 1 starts with the
 * 16-byte salt), decrypted; for a WAL, each frame's page after its 24-byte header.
 */
function decryptPages(path: string, key: Buffer, pageSize = 4096, reserve = 80): string {
  const bytes = readFileSync(path);
  const wal = path.endsWith('-wal');
  const pages: Array<{ page: Buffer; first: boolean }> = [];
  if (wal) {
    for (let offset = 32; offset + 24 + pageSize <= bytes.length; offset += 24 + pageSize) {
      pages.push({ page: bytes.subarray(offset + 24, offset + 24 + pageSize), first: bytes.readUInt32BE(offset) === 1 });
    }
  } else {
    for (let offset = 0; offset + pageSize <= bytes.length; offset += pageSize)
      pages.push({ page: bytes.subarray(offset, offset + pageSize), first: offset === 0 });
  }
  return pages
    .map(({ page, first }) => {
      const start = first ? 16 : 0;
      const iv = page.subarray(pageSize - reserve, pageSize - reserve + 16);
      const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
      return Buffer.concat([decipher.update(page.subarray(start, pageSize - reserve)), decipher.final()]).toString('latin1');
    })
    .join('');
}

describe('audit without gaps', () => {
  it('names the account of a failed sign-in (never the password), records wrong unlock and confirmation passwords, and bulk reads', async () => {
    const service = await central();
    const { core } = openDesk(service.url);
    await core.call('session.signIn', { ...segreteria, password: 'sbagliata-1' });
    await core.call('session.signIn', segreteria);
    await ready(core).sync.pull();
    await core.call('session.lock', {});
    await core.call('session.unlock', { password: 'sbagliata-2' });
    await core.call('session.unlock', { password: segreteria.password });
    const request = await awaiting(service, 3);
    await core.call('identifications.confirm', { draft: draftFor(request), acknowledgedWarnings: [], password: 'sbagliata-3' });
    await core.call('drafts.save', draftFor(request));
    await core.call('drafts.get', { requestId: request.id });
    await core.call('identifications.list', { from: '2026-11-30', to: '2026-11-30' });
    await core.call('sync.problems', {});
    const rows = auditRows(core);
    expect(rows).toContainEqual(expect.objectContaining({ action: 'sign-in-failed', subject: `${office}/segreteria` }));
    expect(rows).toContainEqual(expect.objectContaining({ action: 'password-failed', operatorId: 'op-segreteria', subject: 'unlock' }));
    expect(rows).toContainEqual(expect.objectContaining({ action: 'password-failed', operatorId: 'op-segreteria', subject: 'confirm' }));
    expect(rows).toContainEqual(expect.objectContaining({ action: 'view-draft', subject: request.id }));
    expect(rows).toContainEqual(expect.objectContaining({ action: 'view-archive', subject: '2026-11-30' }));
    expect(rows).toContainEqual(expect.objectContaining({ action: 'view-problems' }));
    expect(JSON.stringify(rows)).not.toMatch(/sbagliata/);
  });
});

describe('which accounts are cached here', () => {
  it('answers an unknown account and a cached one with a wrong password alike when offline', async () => {
    const service = await central();
    const dataDirectory = mkdtempSync(join(tmpdir(), 'sportello-cached-'));
    const databaseKey = randomBytes(32);
    const online = openDesk(service.url, dataDirectory, databaseKey);
    await online.core.call('session.signIn', segreteria);
    await online.core.close();
    const offline = createTestCore({ dataDirectory, databaseKey, centralUrl: unreachableCentralUrl });
    cleanups.push(() => offline.core.close());
    const cachedWrong = await offline.core.call('session.signIn', { ...segreteria, password: 'sbagliata' });
    const unknown = await offline.core.call('session.signIn', { ...segreteria, username: 'sconosciuto' });
    expect(cachedWrong.ok || unknown.ok).toBe(false);
    expect(!cachedWrong.ok && !unknown.ok && cachedWrong.error).toEqual(!unknown.ok && unknown.error);
  });
});
