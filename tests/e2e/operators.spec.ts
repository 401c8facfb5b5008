import { expect } from '@playwright/test';
import { ready } from '../fixtures/core';
import { expectAccessible, openSettingsAsHeadTeacher, saveScreenshot, signIn, test } from './fixtures';

/** #15 at the desk: the head teacher manages operators, a new operator changes the temporary password, offline lookups say what the copy holds. */

test('the head teacher creates an operator, who changes the temporary password at the first sign-in; then revokes them', async ({
  page,
  desk,
}) => {
  await openSettingsAsHeadTeacher(page, desk);
  await page.getByTestId('operators-link').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Operatori dell’ufficio');
  await expect(page.getByTestId('operator-row')).toHaveCount(2);

  // Keyboard first: the first field with a problem takes the focus, its message beside it.
  await page.getByTestId('operator-create').click();
  await expect(page.locator('#operator-name')).toBeFocused();
  await expect(page.locator('#operator-name-error')).toHaveText('Indicare nome e cognome (almeno 2 caratteri).');
  await page.locator('#operator-name').fill('Giulia Verdi');
  await page.locator('#operator-username').fill('Giulia Verdi');
  await page.getByTestId('operator-create').click();
  await expect(page.locator('#operator-username')).toBeFocused();
  await expect(page.locator('#operator-username-error')).toContainText('Nome utente non valido');
  await page.locator('#operator-username').fill('giulia.verdi');
  await page.getByTestId('operator-create').click();
  await expect(page.getByTestId('operator-created')).toContainText('Creato l’account giulia.verdi per Giulia Verdi');
  const temporary = (await page.getByTestId('temporary-password').textContent())!.trim();
  expect(temporary).toMatch(/^[A-Za-z0-9]{16}$/);
  await expect(page.getByTestId('operator-row').filter({ hasText: 'giulia.verdi' })).toContainText('password temporanea');
  await saveScreenshot(page, 'operators-created-it');
  await expectAccessible(page, 'operators');

  // The new operator, at the same desk.
  await page.getByRole('button', { name: 'Esci' }).click();
  await page.getByLabel('Codice meccanografico').waitFor();
  await signIn(page, { username: 'giulia.verdi', password: temporary });
  await expect(page.getByTestId('new-password')).toBeVisible();
  await expect(page.locator('#new-password')).toBeFocused();
  await page.keyboard.type('corta');
  await page.locator('#repeat-password').fill('corta');
  await page.keyboard.press('Enter');
  await expect(page.locator('#new-password')).toBeFocused();
  await expect(page.locator('#new-password-error')).toHaveText('Almeno 10 caratteri.');
  await page.locator('#new-password').fill('giulia-password-2026');
  await page.locator('#repeat-password').fill('giulia-password-2027');
  await page.keyboard.press('Enter');
  await expect(page.locator('#repeat-password')).toBeFocused();
  await expect(page.locator('#repeat-password-error')).toHaveText('Le due password non coincidono.');
  await saveScreenshot(page, 'sign-in-new-password-it');
  await expectAccessible(page, 'sign-in with a new password');
  // Off to the guide (F1) half-way: no password stays, so the way back is the sign-in itself,
  // the office and the name kept; the temporary password again, and the step again.
  await page.keyboard.press('F1');
  await expect(page.getByTestId('guide-title')).toBeFocused();
  await page.getByTestId('guide-back').click();
  await expect(page.getByLabel('Nome utente')).toHaveValue('giulia.verdi');
  await expect(page.getByTestId('new-password')).toHaveCount(0);
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  await signIn(page, { username: 'giulia.verdi', password: temporary });
  await expect(page.locator('#new-password')).toBeFocused();
  await page.locator('#new-password').fill('giulia-password-2026');
  await page.locator('#repeat-password').fill('giulia-password-2026');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('fiscal-code-input')).toBeVisible();
  await expect(page.getByTestId('operator-name')).toHaveText('Giulia Verdi');

  // The head teacher revokes her.
  await page.getByRole('button', { name: 'Esci' }).click();
  await signIn(page, { username: 'dirigente', password: 'prova-dirigente' });
  await page.goto(`${desk.host.origin}/#/impostazioni/operatori`);
  const row = page.getByTestId('operator-row').filter({ hasText: 'giulia.verdi' });
  await row.getByRole('button', { name: 'Revoca l’abilitazione' }).click();
  await expect(page.getByTestId('operator-change-confirm')).toBeFocused();
  await saveScreenshot(page, 'operators-revoke-it');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('operator-changed')).toHaveText('Modifica registrata per Giulia Verdi.');
  await expect(row.getByRole('button', { name: 'Abilita a identificare' })).toBeFocused();
  await expect(row).toContainText('No');
  // Their own row offers nothing to change.
  await expect(page.getByTestId('operator-row').filter({ hasText: '(lei)' }).getByRole('button')).toHaveCount(0);

  await page.getByRole('button', { name: 'Esci' }).click();
  await signIn(page, { username: 'giulia.verdi', password: 'giulia-password-2026' });
  await expect(page.getByTestId('sign-in-error')).toContainText('non è abilitato a identificare');
});

test('settings: the activity log is verified against what the central service signed', async ({ page, desk }) => {
  await desk.open(page);
  await signIn(page, { username: 'dirigente', password: 'prova-dirigente' });
  await ready(desk.core).sync.pull();
  await page.getByRole('link', { name: 'Impostazioni' }).click();
  await page.getByTestId('audit-verify').click();
  await expect(page.getByTestId('audit-result')).toContainText('Registro integro');
  await expect(page.getByTestId('audit-result')).toContainText('firmato dal servizio centrale fino alla voce');
  await saveScreenshot(page, 'settings-audit-it');
});

test('offline, a fiscal code outside the local copy is "not in this office’s copy", never a bare "not found"', async ({ page, desk }) => {
  const milanese = (await desk.central.store.officeRequests('ZZIS00200B')).find((request) => request.status === 'awaiting-identification')!;
  await desk.open(page);
  await signIn(page);
  await ready(desk.core).sync.pull();
  await desk.central.setFaults({ down: true });
  await page.getByTestId('fiscal-code-input').fill(milanese.applicant.fiscalCode);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lookup-empty')).toContainText('non presente nella copia locale di questo ufficio');
  await expect(page.getByTestId('lookup-empty')).toContainText('quando torna il collegamento');
  await saveScreenshot(page, 'desk-offline-not-in-copy-it');
  // Back online, the national lookup finds it.
  await desk.central.setFaults({ down: false });
  await ready(desk.core).sync.probe();
  await page.getByTestId('fiscal-code-input').fill(milanese.applicant.fiscalCode);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lookup-source')).toHaveText('Dati aggiornati dal servizio centrale.');
  await expect(page.getByTestId('lookup-result')).toContainText(milanese.id);
});
