import { expect, expectAccessible, saveScreenshot, test } from './fixtures';

/** #8: what IT's machine-wide configuration looks like to the people at the desk. */

test.describe('an invalid configuration file', () => {
  test.use({ machineConfigJson: JSON.stringify({ retentionDay: 30, proxy: { mode: 'fixed' } }) });

  test('stops the app with a screen naming each wrong field', async ({ page, desk }) => {
    await desk.open(page);
    const screen = page.getByTestId('config-error');
    await expect(screen).toContainText('Configurazione del computer non valida');
    await expect(screen).toContainText('«proxy.rules»');
    await expect(screen).toContainText('«retentionDay»: campo non previsto');
    await expect(page.getByLabel('Codice meccanografico')).toHaveCount(0);
    await expectAccessible(page, 'configuration error');
    await saveScreenshot(page, 'config-error-it');
  });
});

test.describe('a valid configuration file', () => {
  test.use({ machineConfigJson: JSON.stringify({ office: { code: 'ZZIS00100A', name: 'Istituto di prova' }, retentionDays: 30 }) });

  test('fixes the office at sign-in and shows the managed settings read-only', async ({ page, desk }) => {
    await desk.open(page);
    await expect(page.getByTestId('office-code')).toHaveValue('ZZIS00100A');
    await expect(page.getByTestId('office-code')).toHaveAttribute('readonly', '');
    await expect(page.getByTestId('machine-office')).toContainText('Istituto di prova');
    await expect(page.getByLabel('Nome utente')).toBeFocused();
    await saveScreenshot(page, 'sign-in-machine-office-it');
    await page.getByLabel('Nome utente').fill('dirigente');
    await page.getByLabel('Password', { exact: true }).fill('prova-dirigente');
    await page.getByLabel('Password', { exact: true }).press('Enter');
    await expect(page.getByTestId('fiscal-code-input')).toBeVisible();
    await page.getByRole('link', { name: 'Impostazioni' }).click();
    await expect(page.getByTestId('settings-managed')).toContainText('stabilite dall’amministratore di sistema');
    await expect(page.locator('#retention-days')).toHaveValue('30');
    await expect(page.locator('#retention-days')).toHaveAttribute('readonly', '');
    await expect(page.getByTestId('managed-retention')).toContainText('config.json');
    await expectAccessible(page, 'settings with machine configuration');
    await saveScreenshot(page, 'settings-managed-it');
  });
});
