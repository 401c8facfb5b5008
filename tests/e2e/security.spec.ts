import { ready } from '../fixtures/core';
import { awaiting, expect, expectAccessible, saveScreenshot, signIn, startWizard, test } from './fixtures';

/** #7 and #14 at the desk: the lock keeps the wizard out of the page, offline sign-in says what it means, erasure asks twice. */

test('locking hides the desk, a wrong password is refused, the right one resumes the wizard as it was', async ({ page, desk }) => {
  const request = await awaiting(desk);
  await desk.open(page);
  await signIn(page);
  await startWizard(page, request);
  await page.locator('#applicant-document-number').fill(request.declaredDocument.number);
  await page.locator('#applicant-document-issuer').fill('Comune di prova');

  // Ctrl+Shift+L, as the operator leaves the desk.
  await page.keyboard.press('Control+Shift+L');
  const lock = page.getByTestId('lock-screen');
  await expect(lock).toBeVisible();
  await expect(page.getByTestId('unlock-password')).toBeFocused();
  // Behind the lock nothing is reachable: the page is inert and hidden from assistive technology.
  await expect(page.locator('.app-shell')).toHaveAttribute('aria-hidden', 'true');
  await expect(page.getByRole('heading', { name: 'Documento di riconoscimento' })).toHaveCount(0);
  // Nothing of the applicant stays in the page under the lock (#14): the wizard leaves the DOM, kept alive aside.
  const html = await page.content();
  for (const personal of [request.applicant.surname, request.applicant.fiscalCode, request.declaredDocument.number]) {
    expect(html).not.toContain(personal);
  }
  await expectAccessible(page, 'lock screen');
  await saveScreenshot(page, 'lock-screen-it', { fullPage: false });

  // The core refuses data while locked, whatever the page asks.
  // The page keeps its token in memory only (#14): nothing in its storage; a script gets one with the refresh cookie.
  expect(await page.evaluate(() => Object.keys(sessionStorage).filter((key) => !key.startsWith('vue-router')))).toEqual([]);
  const locked = await page.evaluate(async (fiscalCode) => {
    const refreshed = (await (await fetch('/auth/refresh', { method: 'POST' })).json()) as { value: { token: string } };
    const response = await fetch('/rpc/requests.lookup', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${refreshed.value.token}` },
      body: JSON.stringify({ fiscalCode }),
    });
    return response.json();
  }, request.applicant.fiscalCode);
  expect(locked).toMatchObject({ ok: false, error: { code: 'session-locked' } });

  await page.keyboard.type('sbagliata');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('unlock-error')).toContainText('Password non corretta');
  await saveScreenshot(page, 'lock-screen-wrong-password-it', { fullPage: false });
  await page.keyboard.type('prova-segreteria');
  await page.keyboard.press('Enter');
  await expect(lock).toHaveCount(0);
  await expect(page.locator('#step-heading')).toHaveText('Documento di riconoscimento');
  // Unlocked, the wizard's step heading has the focus (#21).
  await expect(page.locator('#step-heading')).toBeFocused();
  await expect(page.locator('#applicant-document-number')).toHaveValue(request.declaredDocument.number);
  await expect(page.locator('#applicant-document-issuer')).toHaveValue('Comune di prova');
});

test('the central service down: the operator who signed in online here gets in offline, is told what that means, and goes online in place', async ({
  page,
  desk,
}) => {
  await desk.open(page);
  await signIn(page);
  await page.getByRole('button', { name: 'Esci', exact: true }).click();
  await desk.central.setFaults({ down: true });
  await signIn(page);
  await expect(page.getByTestId('offline-session')).toContainText('Accesso senza collegamento');
  await expect(page.getByTestId('sync-badge')).toContainText('Non in linea');
  await saveScreenshot(page, 'desk-offline-session-it');
  // The service is back: the operator goes online in place, with the keyboard.
  await desk.central.setFaults({ down: false });
  await page.getByTestId('go-online').click();
  await expect(page.getByTestId('go-online-password')).toBeFocused();
  // Esc closes the form and gives the focus back to its button (#21).
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('go-online')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('go-online-password')).toBeFocused();
  await expectAccessible(page, 'offline session, going online');
  await saveScreenshot(page, 'desk-go-online-it', { fullPage: false });
  await page.keyboard.type('prova-segreteria');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('offline-session')).toHaveCount(0);
  // The banner went: the desk's next thing to do has the focus, not the page's body (#21).
  await expect(page.getByTestId('fiscal-code-input')).toBeFocused();
  await page.getByRole('button', { name: 'Esci', exact: true }).click();
  await desk.central.setFaults({ down: true });
  // Someone who never signed in online on this PC cannot.
  await signIn(page, { username: 'dirigente', password: 'prova-dirigente' });
  await expect(page.getByTestId('sign-in-error')).toContainText(
    'Senza collegamento può accedere solo chi ha già effettuato l’accesso in linea',
  );
  await saveScreenshot(page, 'sign-in-offline-refused-it');
});

test('an office administrator erases an applicant’s local data after a confirmation naming the code', async ({ page, desk }) => {
  const request = await awaiting(desk, 1);
  await desk.open(page);
  await signIn(page, { username: 'dirigente', password: 'prova-dirigente' });
  await page.getByTestId('fiscal-code-input').fill(request.applicant.fiscalCode);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('desk-start-identification')).toBeVisible();
  await page.getByRole('link', { name: 'Impostazioni' }).click();
  await expect(page.getByTestId('last-purge')).toBeVisible();
  // The purge asks first, saying what would go (#21).
  await page.getByTestId('purge-now').click();
  await expect(page.getByRole('alertdialog')).toContainText('La pulizia cancellerà da questo computer i dati più vecchi di 90 giorni');
  await expect(page.getByTestId('purge-confirm')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('last-purge')).toContainText('Ultima pulizia');
  // A malformed code is refused before any question (#21).
  await page.getByTestId('erasure-code').fill('RSSMRA80A01H501X');
  await page.getByTestId('erasure-code').press('Enter');
  await expect(page.getByTestId('erasure-error')).toContainText('carattere di controllo');
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  await page.getByTestId('erasure-code').fill(request.applicant.fiscalCode);
  await page.getByTestId('erasure-code').press('Enter');
  await expect(page.getByRole('alertdialog')).toContainText(request.applicant.fiscalCode);
  await expect(page.getByRole('alertdialog')).toContainText('Si cancellano 0 identificazioni e 1 richieste.');
  await expect(page.getByTestId('erasure-confirm')).toBeFocused();
  await expectAccessible(page, 'settings erasure');
  await saveScreenshot(page, 'settings-erasure-it');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('erasure-done')).toContainText(
    `Dati di ${request.applicant.fiscalCode} cancellati (identificazioni: 0; richieste: 1)`,
  );
  const cached = ready(desk.core)
    .store.sqlite.prepare('SELECT count(*) AS n FROM enablement_requests WHERE fiscal_code = ?')
    .get(request.applicant.fiscalCode) as { n: number };
  expect(cached.n).toBe(0);
});
