import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrowserHost } from '../../src-main/browser-host/server';
import { createCore } from '../../src-main/core/app';
import { backupPathFor, openLocalStore } from '../../src-main/core/store/database';
import { createMemoryLogger } from '../../src-main/core/log';
import { expect, projectRoot, rendererDirectory, saveScreenshot, test } from './fixtures';

test('a local store that cannot be opened is explained, in Italian, instead of the desk', async ({ page }) => {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'sportello-e2e-store-'));
  const logger = createMemoryLogger();
  const options = {
    dataDirectory,
    version: '0.1.0',
    mode: 'training' as const,
    logger,
    centralUrl: 'http://127.0.0.1:9',
    startSync: false,
    resourcesDirectory: join(projectRoot, 'resources'),
  };
  await createCore({ ...options, databaseKey: randomBytes(32) }).close();
  // Same file, another key (as if the key file had been replaced).
  const core = createCore({ ...options, databaseKey: randomBytes(32) });
  const host = await startBrowserHost({ core, logger, rendererDirectory });
  try {
    await page.goto(host.issueLaunchUrl());
    const alert = page.getByTestId('store-error');
    await expect(alert).toContainText('Archivio locale non disponibile');
    await expect(alert).toContainText('la chiave di cifratura non corrisponde');
    await saveScreenshot(page, 'store-error-it');
  } finally {
    await host.close();
    await core.close();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
});

test('a damaged page found at start: the file and its backup copy named, nothing overwritten', async ({ page }) => {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'sportello-e2e-store-'));
  const logger = createMemoryLogger();
  const databaseKey = randomBytes(32);
  const path = join(dataDirectory, 'desk.db');
  // A store with settings, closed by the app (which takes its backup copy)…
  const store = openLocalStore({ path, key: databaseKey, backup: true });
  store.sqlite.prepare(`INSERT INTO settings (key, value) VALUES ('prova', ?)`).run('y'.repeat(1000));
  const { rootpage } = store.sqlite.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'settings'").get() as { rootpage: number };
  const pageSize = store.sqlite.pragma('page_size', { simple: true }) as number;
  store.close();
  // …then one byte of the settings page changed on disk.
  const bytes = readFileSync(path);
  const at = (rootpage - 1) * pageSize + pageSize / 2;
  bytes[at] = bytes[at]! ^ 0xff;
  writeFileSync(path, bytes);
  const core = createCore({
    dataDirectory,
    version: '0.1.0',
    mode: 'training',
    logger,
    centralUrl: 'http://127.0.0.1:9',
    startSync: false,
    resourcesDirectory: join(projectRoot, 'resources'),
    databaseKey,
  });
  const host = await startBrowserHost({ core, logger, rendererDirectory });
  try {
    await page.goto(host.issueLaunchUrl());
    const alert = page.getByTestId('store-error');
    await expect(alert).toContainText('danneggiato e non è stato modificato');
    await expect(alert).toContainText(path);
    await expect(alert).toContainText(backupPathFor(path));
    await saveScreenshot(page, 'store-damaged-it');
    expect(readFileSync(path).equals(bytes)).toBe(true);
  } finally {
    await host.close();
    await core.close();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
});
