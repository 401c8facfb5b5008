import { mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { EnablementRequest } from '../../shared/contract';
import { diagnosticsText } from '../../src-main/core/application/diagnostics';
import type { ApplicationParts } from '../../src-main/core/application/handlers';
import { createEventHub } from '../../src-main/core/events';
import { createLogger } from '../../src-main/core/log';
import { startTestCentral } from '../fixtures/central';
import { createTestCore, signedInDesk } from '../fixtures/core';
import { draftFor } from '../fixtures/outcomes';

/** #18 item 3: "Copia diagnostica" says what IT needs, and nothing about the applicants. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('diagnostics', () => {
  it('version, system, settings, the queue and the last log lines; no applicant’s data; copied by the host when it can', async () => {
    const logFile = join(mkdtempSync(join(tmpdir(), 'sportello-diag-')), 'logs', 'main.log');
    const copied: string[] = [];
    const central = await startTestCentral({ seed: 30, seedValue: 18 });
    const desk = await signedInDesk(central, { logger: createLogger({ file: logFile }), logFile, copyText: (text) => copied.push(text) });
    cleanups.push(desk.cleanup);
    const request = (await central.store.officeRequests('ZZIS00100A')).find(
      (r) => r.status === 'awaiting-identification' && r.identificationRequired,
    ) as EnablementRequest;
    await desk.core.call('requests.lookup', { fiscalCode: request.applicant.fiscalCode });
    const confirmed = await desk.core.call('identifications.confirm', {
      draft: draftFor(request),
      acknowledgedWarnings: [],
      password: 'prova-segreteria',
    });
    expect(confirmed.ok).toBe(true);
    const answer = await desk.core.call('app.diagnostics', {});
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    const { text } = answer.value;
    expect(text).toContain('Sportello Identificazione 0.0.0-test — modalità di prova');
    expect(text).toMatch(/Sistema: linux/);
    expect(text).toContain('Archivio locale: aperto');
    expect(text).toMatch(/Impostazioni: conservazione \d+ giorni, blocco dopo \d+ minuti/);
    expect(text).toMatch(/Sincronizzazione: in linea; in coda 0; problemi 0/);
    expect(text).toContain('"event":"sync.pushed"');
    for (const personal of [
      request.applicant.fiscalCode,
      request.applicant.surname,
      request.declaredDocument.number,
      request.applicant.email,
    ])
      expect(text).not.toContain(personal);
    expect(answer.value.copied).toBe(true);
    expect(copied).toEqual([text]);
  });

  it('says why a desk that could not start is unavailable; without a host clipboard, the page copies', async () => {
    const first = createTestCore();
    await first.core.close();
    const broken = createTestCore({ dataDirectory: first.dataDirectory, databaseKey: randomBytes(32) });
    cleanups.push(broken.cleanup);
    const answer = await broken.core.call('app.diagnostics', {});
    expect(answer.ok && answer.value.text).toContain('Archivio locale: non disponibile (wrong-key)');
    expect(answer.ok && answer.value.copied).toBe(false);
  });

  it('the last lines of a large log, the central address without credentials, the home folder as ~, and what cannot be read said', () => {
    const logFile = join(mkdtempSync(join(tmpdir(), 'sportello-diag-')), 'main.log');
    writeFileSync(logFile, Array.from({ length: 100_000 }, (_, n) => `{"event":"line ${n}"}`).join('\n') + '\n');
    const sync = { online: true, pending: 0, problems: 0, lastSuccessAt: null, lastPullAt: null, lastPushAt: null, needsSignIn: false };
    const parts = {
      version: '1.2.3',
      mode: 'production',
      dataDirectory: join(homedir(), 'dati-sportello'),
      preferences: { get: () => ({ locale: 'it' }) },
      events: createEventHub(),
      storeError: null,
      configError: null,
      machineOffice: null,
      identificationInProgress: () => false,
      logFile,
      live: () => ({
        settings: {
          retentionDays: 90,
          idleLockMinutes: 5,
          offlineSignInDays: 7,
          centralUrl: 'https://utente:segreto@servizio.example.it/api',
        },
        sync: { ...sync, lastError: null, cachedRequests: 0, awaitingOtherOperators: 0 },
      }),
    } as unknown as ApplicationParts;
    const text = diagnosticsText(parts, new Date());
    expect(text).toContain('{"event":"line 99999"}');
    expect(text).toContain('{"event":"line 99960"}');
    expect(text).not.toContain('{"event":"line 99959"}');
    expect(text).toContain('Servizio centrale: https://servizio.example.it\n');
    expect(text).not.toContain('segreto');
    expect(text).toContain('Cartella dei dati: ~/dati-sportello');
    const failing = diagnosticsText(
      {
        ...parts,
        live: () => {
          throw Object.assign(new Error('disk'), { code: 'SQLITE_FULL' });
        },
      },
      new Date(),
    );
    expect(failing).toContain('Impostazioni e invio: non leggibile (SQLITE_FULL)');
    expect(failing).toContain('{"event":"line 99999"}');
  });
});
