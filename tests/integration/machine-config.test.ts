import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCentral } from '../fixtures/central';
import { chooseCentralUrl, machineConfigPath, readMachineConfig } from '../../src-main/core/settings/machine-config';
import { createTestCore } from '../fixtures/core';
import { draftFor } from '../fixtures/outcomes';

/** #8: IT's machine-wide configuration file: where it lives, how it is validated, what it fixes. */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function configFile(text: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'sportello-machine-'));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  const path = join(directory, 'config.json');
  writeFileSync(path, text);
  return path;
}

const dirigente = { officeCode: 'ZZIS00100A', username: 'dirigente', password: 'prova-dirigente' };

describe('machine-wide configuration file', () => {
  it('lives in the OS’s machine-wide place', () => {
    expect(machineConfigPath('win32', { ProgramData: 'C:\\ProgramData' })).toBe(
      join('C:\\ProgramData', 'SportelloIdentificazione', 'config.json'),
    );
    expect(machineConfigPath('darwin')).toBe('/Library/Application Support/SportelloIdentificazione/config.json');
    expect(machineConfigPath('linux')).toBe('/etc/sportello-identificazione/config.json');
  });

  it('is optional, must be JSON, and names every wrong field in Italian', () => {
    expect(readMachineConfig('/nonexistent/config.json')).toEqual({ status: 'absent', path: '/nonexistent/config.json' });
    const broken = readMachineConfig(configFile('{ "centralUrl": '));
    expect(broken).toMatchObject({ status: 'invalid', problems: [expect.stringContaining('non è JSON valido')] });
    const wrong = readMachineConfig(
      configFile(
        JSON.stringify({ centralUrl: 'ftp://x', proxy: { mode: 'fixed' }, retentionDays: 2, retentionDay: 30, office: { code: 'XX' } }),
      ),
    );
    expect(wrong.status).toBe('invalid');
    const problems = wrong.status === 'invalid' ? wrong.problems.join('\n') : '';
    expect(problems).toContain('«centralUrl»');
    expect(problems).toContain('«proxy.rules»');
    expect(problems).toContain('«retentionDays»');
    expect(problems).toContain('«retentionDay»: campo non previsto');
    expect(problems).toContain('«office.code»: Codice meccanografico non valido');
    // A BOM (Notepad on Windows) is fine.
    expect(readMachineConfig(configFile('\uFEFF{"retentionDays": 30}'))).toMatchObject({ status: 'valid', config: { retentionDays: 30 } });
  });

  it('wins over the user’s choice of central service', () => {
    const valid = readMachineConfig(configFile(JSON.stringify({ centralUrl: 'https://central.example.invalid/' })));
    expect(chooseCentralUrl(valid, 'https://user.example.invalid/')).toBe('https://central.example.invalid/');
    expect(chooseCentralUrl({ status: 'absent', path: '' }, undefined, null, 'https://user.example.invalid/')).toBe(
      'https://user.example.invalid/',
    );
    expect(chooseCentralUrl({ status: 'absent', path: '' }, undefined, null)).toBeUndefined();
  });
});

describe('the core under a machine-wide configuration', () => {
  it('does not start with an invalid file: nothing opened, every operation refused with the reason', async () => {
    const machineConfig = readMachineConfig(configFile(JSON.stringify({ retentionDays: 'novanta' })));
    const test = createTestCore({ machineConfig });
    cleanups.push(test.cleanup);
    const info = await test.core.call('app.info', {});
    expect(info).toMatchObject({
      ok: true,
      value: { configError: { problems: [expect.stringContaining('«retentionDays»')] }, storeError: null },
    });
    expect(test.core.status).toBe('unavailable');
    expect(existsSync(join(test.dataDirectory, 'desk.db'))).toBe(false);
    expect(await test.core.call('session.signIn', dirigente)).toMatchObject({ ok: false, error: { code: 'machine-config-invalid' } });
    expect(await test.core.call('settings.get', {})).toMatchObject({ ok: false, error: { code: 'machine-config-invalid' } });
  });

  it('fixes what the file says: the office, the retention; the rest stays the office administrator’s', async () => {
    const central = await startTestCentral({ seed: 10, seedValue: 3 });
    cleanups.push(() => central.close());
    const machineConfig = readMachineConfig(
      configFile(
        JSON.stringify({ office: { code: 'zzis00100a', name: 'Istituto di prova' }, retentionDays: 30, updates: { enabled: false } }),
      ),
    );
    let installs = 0;
    const test = createTestCore({
      machineConfig,
      centralUrl: central.url,
      updates: { ready: () => '0.2.0', install: () => (installs++, true), mode: () => 'self' },
    });
    cleanups.push(test.cleanup);
    const { core } = test;
    expect(await core.call('app.info', {})).toMatchObject({
      ok: true,
      value: { machineOffice: { code: 'ZZIS00100A', name: 'Istituto di prova' }, updateReady: '0.2.0', updateMode: 'self' },
    });
    expect(await core.call('session.signIn', { ...dirigente, officeCode: 'ZZIS00200B' })).toMatchObject({
      ok: false,
      error: { code: 'office-not-allowed', message: expect.stringContaining('ZZIS00100A (Istituto di prova)') },
    });
    expect(await core.call('session.signIn', dirigente)).toMatchObject({ ok: true });
    const settings = await core.call('settings.get', {});
    expect(settings).toMatchObject({
      ok: true,
      value: {
        retentionDays: 30,
        managed: { retentionDays: true, centralUrl: false, officeCode: 'ZZIS00100A', updates: 'disabled', proxy: 'system' },
      },
    });
    const change = { centralUrl: null, retentionDays: 60, idleLockMinutes: 10, offlineSignInDays: 7 };
    expect(await core.call('settings.update', change)).toMatchObject({ ok: false, error: { code: 'managed-setting' } });
    expect(await core.call('settings.update', { ...change, retentionDays: 30 })).toMatchObject({
      ok: true,
      value: { retentionDays: 30, idleLockMinutes: 10 },
    });

    // No restart into an update while an identification is in progress.
    const request = (await central.store.officeRequests('ZZIS00100A')).find((r) => r.status === 'awaiting-identification')!;
    await core.call('requests.lookup', { fiscalCode: request.applicant.fiscalCode });
    await core.call('drafts.save', draftFor(request));
    expect(await core.call('app.installUpdate', {})).toMatchObject({ ok: false, error: { code: 'identification-in-progress' } });
    expect(installs).toBe(0);
    await core.call('session.signOut', {});
    expect(await core.call('app.installUpdate', {})).toEqual({ ok: true, value: null });
    expect(installs).toBe(1);
  });
});
