import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrowserHost } from '../../src-main/browser-host/server';
import { createCore } from '../../src-main/core/app';
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
