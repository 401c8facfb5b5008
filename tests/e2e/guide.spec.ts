import { awaiting, expect, expectAccessible, saveScreenshot, signIn, startWizard, test } from './fixtures';

/** #17, item 5 (and the menu's Aiuto → Guida, #18): F1 from anywhere, and back to the work as it was. */
test('F1 from the wizard opens the guide; going back finds the identification as it was left (#17)', async ({ page, desk }) => {
  const request = await awaiting(desk, 8);
  await desk.open(page);
  // Operators are told, before they sign in, that what they do is logged.
  await expect(page.getByTestId('audit-notice')).toContainText('registro delle attività');
  await signIn(page);
  await startWizard(page, request);
  await page.locator('#applicant-document-number').fill(request.declaredDocument.number);
  await page.locator('#applicant-document-issuer').fill('Comune di prova');

  await page.keyboard.press('F1');
  await expect(page.getByTestId('guide-title')).toBeFocused();
  await expect(page.getByTestId('guide-title')).toHaveText('Guida');
  // What each problem means and what to do: the Problems screen's own words.
  await expect(page.getByTestId('guide-problems')).toContainText(
    'La richiesta è stata annullata sul servizio centrale prima che la conferma arrivasse: il richiedente deve presentare una nuova richiesta.',
  );
  await expect(page.getByTestId('guide-shortcuts')).toContainText('F1');
  await expect(page.getByTestId('guide-audit')).toContainText('registro delle attività');
  await expect(page.getByTestId('guide-accessibility')).toContainText('WCAG 2.1');
  // The informativa for the applicant (art. 13 GDPR), printed from here.
  const popup = page.waitForEvent('popup');
  await page.getByTestId('guide-print-informativa').click();
  await (await popup).close();
  await expect(page.getByTestId('document-error')).toHaveCount(0);
  await expectAccessible(page, 'guide');
  await saveScreenshot(page, 'guide-it');
  // F1 again changes nothing; "back" returns to the step, with what was typed.
  await page.keyboard.press('F1');
  await expect(page.getByTestId('guide-title')).toBeVisible();
  await page.getByTestId('guide-back').click();
  await expect(page.locator('#applicant-document-number')).toHaveValue(request.declaredDocument.number);
  await expect(page.locator('#applicant-document-issuer')).toHaveValue('Comune di prova');

  // From the footer too, and in English.
  await page.getByTestId('guide-link').click();
  await page.getByTestId('locale-en').click();
  await expect(page.getByTestId('guide-title')).toHaveText('Guide');
  await expect(page.getByTestId('guide-problems')).toContainText('The request was annulled on the central service');
  await expectAccessible(page, 'guide (en)');
  await saveScreenshot(page, 'guide-en');
});

test('F1 from a form keeps what was typed for the way back, the focus where it was; no password stays (sign-in, desk, settings)', async ({
  page,
  desk,
}) => {
  await desk.open(page);
  // The sign-in form: the office and the name stay, the password does not.
  await page.getByLabel('Codice meccanografico').fill('ZZIS00100A');
  await page.getByLabel('Nome utente').fill('dirigente');
  await page.getByLabel('Password', { exact: true }).fill('prova-dirigente');
  await page.getByLabel('Nome utente').focus();
  await page.keyboard.press('F1');
  await expect(page.getByTestId('guide-title')).toBeFocused();
  await page.getByTestId('guide-back').click();
  await expect(page.getByLabel('Codice meccanografico')).toHaveValue('ZZIS00100A');
  await expect(page.getByLabel('Nome utente')).toHaveValue('dirigente');
  await expect(page.getByLabel('Nome utente')).toBeFocused();
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  await signIn(page, { username: 'dirigente', password: 'prova-dirigente' });

  // The desk's fiscal code, half typed.
  await page.getByTestId('fiscal-code-input').fill('RSSMRA80');
  await page.keyboard.press('F1');
  await expect(page.getByTestId('guide-title')).toBeFocused();
  await page.goBack();
  await expect(page.getByTestId('fiscal-code-input')).toHaveValue('RSSMRA80');
  await expect(page.getByTestId('fiscal-code-input')).toBeFocused();

  // The settings, changed and not saved yet.
  await page.getByRole('link', { name: 'Impostazioni' }).click();
  await page.locator('#privacy-contacts').fill('Segreteria: 06 000000 (non ancora salvato)');
  await page.keyboard.press('F1');
  await expect(page.getByTestId('guide-title')).toBeFocused();
  await page.getByTestId('guide-back').click();
  await expect(page.locator('#privacy-contacts')).toHaveValue('Segreteria: 06 000000 (non ancora salvato)');
  await expect(page.locator('#privacy-contacts')).toBeFocused();
  await saveScreenshot(page, 'guide-back-to-settings');

  // Kept for the guide's trip only: a screen reached any other way is fresh, from the
  // guide's own menu too.
  await page.getByRole('link', { name: 'Sportello' }).first().click();
  await expect(page.getByTestId('fiscal-code-input')).toHaveValue('');
  await page.getByRole('link', { name: 'Impostazioni' }).click();
  await expect(page.locator('#privacy-contacts')).not.toHaveValue('Segreteria: 06 000000 (non ancora salvato)');
  await page.getByRole('link', { name: 'Sportello' }).first().click();
  await page.getByTestId('fiscal-code-input').fill('RSSMRA80');
  await page.keyboard.press('F1');
  await expect(page.getByTestId('guide-title')).toBeFocused();
  await page.getByRole('link', { name: 'Sportello' }).first().click();
  await expect(page.getByTestId('fiscal-code-input')).toHaveValue('');
});
