import { ready } from '../fixtures/core';
import { awaiting, expect, fillDocument, saveScreenshot, signIn, startWizard, test, toConfirmStep } from './fixtures';

/** #21 item 8: after each action the focus lands on the next thing to do; Esc never throws typed text away. */

test('a warning left unticked is named beside the warnings before the password goes anywhere, and has the focus', async ({
  page,
  desk,
}) => {
  const request = await awaiting(desk);
  await desk.open(page);
  await signIn(page);
  await startWizard(page, request);
  // Another issuer than the declared one: a warning to check, not a block.
  await fillDocument(page, 'applicant-document', { ...request.declaredDocument, issuer: 'Comune di Altrove' });
  await toConfirmStep(page, request);
  await expect(page.getByTestId('warnings')).toContainText('ente di rilascio');
  const confirmCalls: string[] = [];
  page.on('request', (sent) => sent.url().includes('/rpc/identifications.confirm') && confirmCalls.push(sent.url()));
  await page.locator('#operator-password').fill('prova-segreteria');
  await page.locator('#operator-password').press('Enter');
  await expect(page.getByTestId('warnings-error')).toHaveText('Spuntare ogni avvertenza per dire di averla verificata, poi confermare.');
  await expect(page.locator('#ack-document-issuer-differs')).toBeFocused();
  await saveScreenshot(page, 'wizard-warning-unticked-it');
  // Nothing was sent (the password went nowhere), nothing recorded, and the password typed is still there.
  expect(confirmCalls).toEqual([]);
  const outcomes = ready(desk.core).store.sqlite.prepare('SELECT count(*) AS n FROM identifications').get() as { n: number };
  expect(outcomes.n).toBe(0);
  await expect(page.locator('#operator-password')).toHaveValue('prova-segreteria');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('warnings-error')).toHaveCount(0);
  await page.locator('#operator-password').press('Enter');
  await expect(page.getByTestId('wizard-result')).toContainText('Abilitazione confermata');
});

test('Esc in the refusal form closes it keeping the note, and gives the focus back to "Rifiuta"', async ({ page, desk }) => {
  const request = await awaiting(desk, 1);
  await desk.open(page);
  await signIn(page);
  await startWizard(page, request);
  await page.getByTestId('wizard-refuse').click();
  await expect(page.locator('#refusal-title')).toBeFocused();
  await page.locator('label[for="reason-photo-mismatch"]').click();
  await page.locator('#refusal-note').fill('La persona non somiglia alla fotografia del documento');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('refusal')).toHaveCount(0);
  await expect(page.getByTestId('wizard-refuse')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#refusal-note')).toHaveValue('La persona non somiglia alla fotografia del documento');
  await expect(page.locator('#reason-photo-mismatch')).toBeChecked();
  // "Annulla" does the same.
  await page.getByRole('button', { name: 'Annulla' }).click();
  await expect(page.getByTestId('wizard-refuse')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#refusal-note')).toHaveValue('La persona non somiglia alla fotografia del documento');
});
