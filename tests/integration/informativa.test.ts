import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCentral } from '../fixtures/central';
import { signedInDesk } from '../fixtures/core';

/** #17, item 5: the informativa names the school's and the DPO's contacts from the settings. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const pdfText = (base64: string) => {
  const directory = mkdtempSync(join(tmpdir(), 'informativa-'));
  try {
    writeFileSync(join(directory, 'doc.pdf'), Buffer.from(base64, 'base64'));
    return execFileSync('pdftotext', [join(directory, 'doc.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
};

describe('the informativa’s contacts (#17, item 5)', () => {
  it('printed from the settings when the office administrator gave them; otherwise where to find them', async () => {
    const central = await startTestCentral({ seed: 10, seedValue: 3 });
    const { core, cleanup } = await signedInDesk(central, {}, { username: 'dirigente', password: 'prova-dirigente' });
    cleanups.push(cleanup);
    const render = async () => {
      const rendered = await core.call('documents.render', { kind: 'informativa-privacy' });
      if (!rendered.ok) throw new Error(rendered.error.message);
      return pdfText(rendered.value.base64);
    };
    expect(await render()).toContain('pubblicati sul sito dell');
    const current = await core.call('settings.get', {});
    if (!current.ok) throw new Error(current.error.message);
    expect(current.value.privacyContacts).toBe('');
    const { centralUrl, retentionDays, idleLockMinutes, offlineSignInDays } = current.value;
    const contacts = 'segreteria@scuola.example.it, 06 0000 0000; RPD: rpd@example.org';
    const updated = await core.call('settings.update', {
      centralUrl,
      retentionDays,
      idleLockMinutes,
      offlineSignInDays,
      privacyContacts: `  ${contacts} `,
    });
    expect(updated).toMatchObject({ ok: true, value: { privacyContacts: contacts } });
    const text = await render();
    expect(text).toContain(contacts);
    expect(text).not.toContain('pubblicati sul sito dell');
    // Left out, a change keeps them; too long, it is refused whole.
    expect(await core.call('settings.update', { centralUrl, retentionDays, idleLockMinutes, offlineSignInDays })).toMatchObject({
      ok: true,
      value: { privacyContacts: contacts },
    });
    expect(
      await core.call('settings.update', {
        centralUrl,
        retentionDays,
        idleLockMinutes,
        offlineSignInDays,
        privacyContacts: 'x'.repeat(301),
      }),
    ).toMatchObject({ ok: false, error: { code: 'validation' } });
  });
});
