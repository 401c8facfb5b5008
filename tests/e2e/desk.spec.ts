import type { EnablementRequest } from '../../shared/contract/central-api';
import { ready } from '../fixtures/core';
import { submissionFor } from '../fixtures/outcomes';
import { expect, openSettingsAsHeadTeacher, saveScreenshot, signIn, startWizard, test, type DeskFixture } from './fixtures';

async function requestsWhere(desk: DeskFixture, predicate: (r: EnablementRequest) => boolean): Promise<EnablementRequest[]> {
  return (await desk.central.store.officeRequests('ZZIS00100A')).filter(predicate);
}

test('sign-in refuses a wrong password in Italian, then lets the operator in with the keyboard only', async ({ page, desk }) => {
  await desk.open(page);
  await signIn(page, { password: 'sbagliata' });
  await expect(page.getByTestId('sign-in-error')).toContainText('non corretti');
  await expect(page.getByLabel('Password')).toBeFocused();
  await page.keyboard.type('prova-segreteria');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sportello');
  await expect(page.getByTestId('fiscal-code-input')).toBeFocused();
  await expect(page.getByTestId('operator-name')).toHaveText('Assistente di prova');
  await expect(page.getByTestId('sync-online')).toHaveText('In linea');
  // How fresh the local copy is (#17, item 6): the pull at sign-in brought it up to date.
  await expect(page.getByTestId('copy-freshness')).toContainText(/^Copia locale delle richieste aggiornata al \d{2}\/\d{2}\/\d{4}/);
  await saveScreenshot(page, 'desk-empty-it');
});

test('sign-in with fields left empty or malformed names each field in words, marks it, and puts the focus on the first (#21)', async ({
  page,
  desk,
}) => {
  await desk.open(page);
  await page.evaluate(() => localStorage.removeItem('sportello.lastSignIn'));
  await page.reload();
  await expect(page.locator('#office-code')).toBeFocused();
  await page.locator('#office-code').fill('ZZIS001');
  await page.keyboard.press('Enter');
  await expect(page.locator('#office-code')).toBeFocused();
  await expect(page.locator('#office-code')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#office-code-error')).toHaveText('Il codice meccanografico ha 10 caratteri, ad esempio BOIS01200X.');
  await expect(page.locator('#username-error')).toHaveText('Inserire il nome utente.');
  await expect(page.locator('#password-error')).toHaveText('Inserire la password.');
  await expect(page.locator('#username')).toHaveAttribute('aria-invalid', 'true');
  // No technical names anywhere on the screen.
  await expect(page.locator('main, body').first()).not.toContainText(/officeCode|username,|Dati non validi/);
  await saveScreenshot(page, 'sign-in-invalid-it');
  // Fixed one by one, the marks go; the focus goes to the first still wrong.
  await page.locator('#office-code').fill('ZZIS00100A');
  await page.keyboard.press('Enter');
  await expect(page.locator('#username')).toBeFocused();
  await expect(page.locator('#office-code-error')).toHaveCount(0);
  await page.keyboard.type('segreteria');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Password')).toBeFocused();
  await page.keyboard.type('prova-segreteria');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sportello');
});

test('a barcode burst finds the request online; Enter opens it; the status is explained', async ({ page, desk }) => {
  const request = (await requestsWhere(desk, (r) => r.status === 'awaiting-identification' && r.identificationRequired))[0]!;
  await desk.open(page);
  await signIn(page);
  await expect(page.getByTestId('fiscal-code-input')).toBeFocused();
  // A USB reader types the Code 39 (with its start/stop asterisks) at ~5 ms a key, then Enter.
  await page.keyboard.type(`*${request.applicant.fiscalCode}*`, { delay: 5 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lookup-source')).toHaveText('Dati aggiornati dal servizio centrale.');
  await expect(page.getByTestId(`status-${request.id}`)).toContainText('In attesa di identificazione');
  await expect(page.getByTestId('desk-start-identification')).toBeFocused();
  await saveScreenshot(page, 'desk-result-it');
  await page.getByRole('link', { name: 'Apri la richiesta' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${request.applicant.surname} ${request.applicant.name}`);
  // Opened, the request's heading has the focus (not the page's body) (#21).
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await expect(page.getByTestId('applicant-data')).toContainText(request.applicant.fiscalCode);
  await expect(page.getByTestId('declared-document')).toContainText(request.declaredDocument.number);
  await expect(page.getByTestId('request-status')).toHaveText('In attesa di identificazione: si può procedere.');
  await saveScreenshot(page, 'request-it');
  // The modulo di adesione opens as a PDF in a new tab, ready to print.
  const popup = page.waitForEvent('popup');
  await page.getByTestId('print-module').click();
  expect((await popup).url()).toMatch(/^blob:/);
  await page.getByRole('heading', { level: 1 }).focus();
  // Esc goes back to the desk.
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sportello');
});

test('a request that cannot be identified says why, and the button stays disabled', async ({ page, desk }) => {
  const request = (await requestsWhere(desk, (r) => r.status === 'awaiting-code-confirmation' && r.identificationRequired))[0]!;
  await desk.open(page);
  await signIn(page);
  await page.getByTestId('fiscal-code-input').fill(request.applicant.fiscalCode);
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'Apri la richiesta' }).click();
  await expect(page.getByTestId('request-status')).toHaveText(
    'Il richiedente deve prima confermare online il codice personale temporaneo ricevuto per email.',
  );
  await expect(page.getByTestId('request-status')).toHaveClass(/blocked/);
});

test('an enabled, an annulled and a not-required request: words for anyone, a next step, no modulo to print, no alarm for what is not a problem (#21)', async ({
  page,
  desk,
}) => {
  const [enabled] = await requestsWhere(desk, (r) => r.status === 'enabled' && r.identificationRequired);
  const [annulled] = await requestsWhere(desk, (r) => r.status === 'annulled' && r.identificationRequired);
  const [notRequired] = await requestsWhere(desk, (r) => r.status === 'awaiting-identification' && !r.identificationRequired);
  await desk.open(page);
  await signIn(page);
  const open = async (fiscalCode: string) => {
    await page.goto(`${desk.host.origin}/#/`);
    await page.getByTestId('fiscal-code-input').fill(fiscalCode);
    await page.keyboard.press('Enter');
    // The desk still shows the last result until the new one comes: wait for this code's.
    const result = page.getByTestId('lookup-result');
    await expect(result).toContainText(fiscalCode);
    await result.getByRole('link', { name: 'Apri la richiesta' }).first().click();
  };
  await open(enabled!.applicant.fiscalCode);
  await expect(page.getByTestId('request-status')).toContainText('Abilitazione già attiva dal');
  await expect(page.getByTestId('print-module')).toHaveCount(0);
  await open(annulled!.applicant.fiscalCode);
  await expect(page.getByTestId('request-status')).toContainText('deve presentare una nuova richiesta');
  await expect(page.getByTestId('print-module')).toHaveCount(0);
  await open(notRequired!.applicant.fiscalCode);
  await expect(page.getByTestId('request-status')).toContainText('non serve l’identificazione in presenza');
  await expect(page.getByTestId('request-status')).toHaveClass(/info/);
  await expect(page.getByTestId('request-status')).not.toHaveClass(/blocked/);
  await saveScreenshot(page, 'request-not-required-it');
});

test('a malformed fiscal code is explained next to the field', async ({ page, desk }) => {
  await desk.open(page);
  await signIn(page);
  await expect(page.getByTestId('fiscal-code-input')).toBeFocused();
  await page.keyboard.type('RSSMRA80A01H501X');
  await page.keyboard.press('Enter');
  const input = page.getByTestId('fiscal-code-input');
  await expect(page.getByTestId('lookup-error')).toContainText('carattere di controllo');
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await expect(input).toBeFocused();
  await saveScreenshot(page, 'desk-invalid-it');
});

test('with the central service down, the lookup answers from the local copy and says so', async ({ page, desk }) => {
  const request = (await requestsWhere(desk, (r) => r.status === 'awaiting-identification'))[0]!;
  await desk.open(page);
  await signIn(page);
  await ready(desk.core).sync.pull();
  await desk.central.setFaults({ down: true });
  await page.getByTestId('fiscal-code-input').fill(request.applicant.fiscalCode);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lookup-source')).toContainText('Servizio centrale non raggiungibile: dati dall’archivio locale');
  await expect(page.getByTestId(`status-${request.id}`)).toBeVisible();
  await expect(page.getByTestId('sync-online')).toHaveText('Non in linea');
  await saveScreenshot(page, 'desk-offline-it');
});

test('a request annulled on the central side while queued shows up under Problems, and is marked handled', async ({ page, desk }) => {
  const request = (await requestsWhere(desk, (r) => r.status === 'awaiting-identification' && r.identificationRequired))[1]!;
  await desk.open(page);
  await signIn(page);
  await ready(desk.core).sync.pull();
  await desk.central.setFaults({ down: true });
  ready(desk.core).outcomes.record(submissionFor(request, 'confirmed', ready(desk.core).sync.state.clientId()));
  await expect(page.getByTestId('sync-pending')).toHaveText('1 esito in coda');
  const annul = await fetch(`${desk.central.adminUrl}/admin/requests/${request.id}/annul`, { method: 'POST' });
  expect(annul.status).toBe(200);
  await desk.central.setFaults({ down: false });
  await expect(page.getByTestId('sync-problems')).toHaveText('1 problema', { timeout: 15_000 });
  await expect(page.getByTestId('sync-pending')).toHaveText('Nessun esito in coda');
  await page.getByTestId('sync-badge').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Problemi di invio');
  await expect(page.getByTestId('problem-reason')).toContainText('annullata');
  await saveScreenshot(page, 'problems-it');
  await page.getByRole('button', { name: 'Segna come gestito' }).click();
  await expect(page.getByLabel('Nota (obbligatoria)')).toBeFocused();
  // Esc closes the form without throwing the note away; the button that opened it has the focus (#21).
  await page.keyboard.type('Richiedente');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Segna come gestito' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Nota (obbligatoria)')).toHaveValue('Richiedente');
  await page.getByLabel('Nota (obbligatoria)').fill('');
  await page.keyboard.press('Enter'); // textarea: Enter is a newline; submit with the button
  await page.getByRole('button', { name: 'Conferma' }).click();
  await expect(page.getByLabel('Nota (obbligatoria)')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Nota (obbligatoria)').fill('Richiedente avvisato per telefono');
  await page.getByRole('button', { name: 'Conferma' }).click();
  await expect(page.getByTestId('problems-none')).toBeVisible();
  // The problem left the list: the page's heading has the focus, not the body.
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await expect(page.getByTestId('sync-problems')).toHaveCount(0);
});

test('the archive lists the day, reprints a receipt, and gives the office administrator the register as PDF and CSV', async ({
  page,
  desk,
}) => {
  const request = (await requestsWhere(desk, (r) => r.status === 'awaiting-identification' && r.identificationRequired))[2]!;
  await desk.open(page);
  await signIn(page, { username: 'dirigente', password: 'prova-dirigente' });
  await ready(desk.core).sync.pull();
  ready(desk.core).outcomes.record(submissionFor(request), { office: ready(desk.core).session.current()!.office });
  await page.getByRole('link', { name: 'Archivio' }).click();
  await expect(page.getByTestId('archive-row')).toHaveCount(1);
  await expect(page.getByTestId('archive-row')).toContainText(request.applicant.fiscalCode);
  await expect(page.getByTestId('archive-row')).toContainText(/Inviata|In coda/);
  // The filters are drop-down lists that look like ones: the chevron is drawn (not `appearance: none`).
  for (const select of ['#archive-outcome', '#archive-operator']) await expect(page.locator(select)).not.toHaveCSS('appearance', 'none');
  await saveScreenshot(page, 'archive-it');
  const receipt = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Ristampa la ricevuta' }).click();
  expect((await receipt).url()).toMatch(/^blob:/);
  const download = page.waitForEvent('download');
  await page.getByTestId('register-csv').click();
  expect((await download).suggestedFilename()).toMatch(/^registro-\d{4}-\d{2}-\d{2}\.csv$/);
  const register = page.waitForEvent('popup');
  await page.getByTestId('register-pdf').click();
  expect((await register).url()).toMatch(/^blob:/);
});

test('settings: the office administrator saves them, an operator only reads them', async ({ page, desk }) => {
  await openSettingsAsHeadTeacher(page, desk);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Impostazioni');
  await page.getByLabel('Conservazione dei dati (giorni)').fill('120');
  await page.getByLabel(/Recapiti per l’informativa privacy/).fill('segreteria@scuola.example.it; RPD: rpd@example.org');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-saved')).toContainText('Impostazioni salvate.');
  // Stored for the informativa, which prints them (#17, item 5; its text: tests/integration/informativa.test.ts).
  const stored = await desk.core.call('settings.get', {});
  expect(stored.ok && stored.value.privacyContacts).toBe('segreteria@scuola.example.it; RPD: rpd@example.org');
  await expect(page.getByLabel(/Recapiti per l’informativa privacy/)).toHaveValue('segreteria@scuola.example.it; RPD: rpd@example.org');
  await saveScreenshot(page, 'settings-it');
  await page.getByRole('button', { name: 'Esci' }).click();
  await signIn(page);
  await page.getByRole('link', { name: 'Impostazioni' }).click();
  await expect(page.getByTestId('settings-read-only')).toBeVisible();
  await expect(page.getByLabel('Conservazione dei dati (giorni)')).toHaveValue('120');
  await expect(page.getByLabel('Conservazione dei dati (giorni)')).toBeDisabled();
});

test('settings out of bounds are named beside their fields with the bounds, and the first is focused (#21)', async ({ page, desk }) => {
  await openSettingsAsHeadTeacher(page, desk);
  await page.getByLabel('Conservazione dei dati (giorni)').fill('');
  await page.getByLabel(/Blocco per inattività/).fill('999');
  await page.getByTestId('settings-save').click();
  await expect(page.getByLabel('Conservazione dei dati (giorni)')).toBeFocused();
  await expect(page.getByLabel('Conservazione dei dati (giorni)')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#retention-days-error')).toHaveText(/^Inserire un numero intero da \d+ a \d+\.$/);
  await expect(page.locator('#idle-lock-error')).toHaveText(/^Inserire un numero intero da \d+ a \d+\.$/);
  await expect(page.getByTestId('settings-error')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText(/retentionDays|idleLockMinutes|Dati non validi/);
  await saveScreenshot(page, 'settings-invalid-it');
  await page.getByLabel('Conservazione dei dati (giorni)').fill('120');
  await page.getByLabel(/Blocco per inattività/).fill('5');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-saved')).toContainText('Impostazioni salvate.');
  await expect(page.locator('#retention-days-error')).toHaveCount(0);
});

test('moving back with Shift+Tab, the focused field is in view at once, never under the sticky training banner (#21)', async ({
  page,
  desk,
}) => {
  await page.setViewportSize({ width: 1000, height: 500 });
  await openSettingsAsHeadTeacher(page, desk);
  // From the bottom of the page back up, field by field.
  await page.locator('#erasure-code').focus();
  const banner = (await page.getByTestId('training-banner').boundingBox())!;
  const focused = page.locator(':focus');
  for (let step = 0; step < 12; step++) {
    await page.keyboard.press('Shift+Tab');
    if ((await focused.count()) === 0) continue;
    const what = await focused.evaluate((element) => `${element.tagName}#${element.id} ${element.textContent?.slice(0, 30)}`);
    // In view at once, where the key left it: no smooth scroll for the next key to cut short.
    expect((await focused.boundingBox())?.y ?? Number.POSITIVE_INFINITY, `step ${step}: ${what}`).toBeGreaterThanOrEqual(
      banner.y + banner.height,
    );
  }
});

test('a second scan replaces the code in the field, it is not appended (#21)', async ({ page, desk }) => {
  const [first, second] = await requestsWhere(desk, (r) => r.status === 'awaiting-identification' && r.identificationRequired);
  await desk.open(page);
  await signIn(page);
  const field = page.getByTestId('fiscal-code-input');
  await field.focus();
  await page.keyboard.type(`*${first!.applicant.fiscalCode}*`);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lookup-result')).toContainText(first!.applicant.fiscalCode);
  // The operator clicks back into the field and scans the next card.
  await field.click();
  await page.keyboard.type(`*${second!.applicant.fiscalCode}*`);
  await page.keyboard.press('Enter');
  await expect(field).toHaveValue(`*${second!.applicant.fiscalCode}*`);
  await expect(page.getByTestId('lookup-result')).toContainText(second!.applicant.fiscalCode);
  await expect(page.getByTestId('lookup-error')).toHaveCount(0);
});

test('the desk forgets the applicant after the outcome and at sign-out; the next person sees an empty desk (#21)', async ({
  page,
  desk,
}) => {
  const request = (await requestsWhere(desk, (r) => r.status === 'awaiting-identification' && r.identificationRequired))[3]!;
  await desk.open(page);
  await signIn(page);
  await page.getByTestId('fiscal-code-input').fill(request.applicant.fiscalCode);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lookup-result')).toContainText(request.applicant.surname);
  await page.getByRole('button', { name: 'Esci' }).click();
  await signIn(page, { username: 'dirigente', password: 'prova-dirigente' });
  await expect(page.getByTestId('fiscal-code-input')).toBeVisible();
  await expect(page.getByTestId('lookup-result')).toHaveCount(0);
  expect(await page.content()).not.toContain(request.applicant.fiscalCode);
});

test('a central address that is not a web address is named beside its field, in words, focused, nothing sent (#21)', async ({
  page,
  desk,
}) => {
  await openSettingsAsHeadTeacher(page, desk);
  const field = page.locator('#central-url');
  await field.fill('servizio-centrale.example');
  await page.getByTestId('settings-save').click();
  await expect(field).toBeFocused();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#central-url-error')).toHaveText(
    'Inserire un indirizzo completo che inizi con https:// (per esempio https://servizio.example.it), oppure lasciare vuoto per la modalità di prova.',
  );
  await expect(page.locator('body')).not.toContainText(/centralUrl|Dati non validi/);
  await expect(page.getByTestId('settings-saved')).toHaveCount(0);
  await saveScreenshot(page, 'settings-url-invalid-it');
  await field.fill('');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-saved')).toContainText('Impostazioni salvate.');
  await expect(page.locator('#central-url-error')).toHaveCount(0);
});

test('one left edge on every screen: the header, the menu and each page start at the same line (#21)', async ({ page, desk }) => {
  const request = (await requestsWhere(desk, (r) => r.status === 'awaiting-identification' && r.identificationRequired))[3]!;
  const left = async (selector: string) => Math.round((await page.locator(selector).first().boundingBox())!.x);
  await desk.open(page);
  await expect(page.locator('main h1')).toBeVisible();
  const edges: Record<string, number> = { brand: await left('.it-brand-title'), 'sign-in': await left('main h1') };
  await signIn(page, { username: 'dirigente', password: 'prova-dirigente' });
  await expect(page.locator('main h1')).toHaveText('Sportello');
  edges.menu = await left('.desk-nav .nav-link-item');
  edges.desk = await left('main h1');
  for (const [link, heading] of [
    ['Archivio', 'Archivio'],
    ['Impostazioni', 'Impostazioni'],
  ] as const) {
    await page.getByRole('link', { name: link, exact: true }).click();
    await expect(page.locator('main h1')).toHaveText(heading);
    edges[link] = await left('main h1');
  }
  await page.getByRole('link', { name: 'Sportello', exact: true }).click();
  await startWizard(page, request);
  edges.wizard = await left('main h1');
  await page.getByTestId('guide-link').click();
  await expect(page.locator('main h1')).toHaveText('Guida');
  edges.guide = await left('main h1');
  expect(new Set(Object.values(edges)).size, JSON.stringify(edges)).toBe(1);
});

test('a problem that arrives while the Problems page is open shows at once, without leaving the page', async ({ page, desk }) => {
  const annulled = (await requestsWhere(desk, (r) => r.status === 'annulled'))[0]!;
  await desk.open(page);
  await signIn(page);
  await ready(desk.core).sync.pull();
  await page.getByRole('link', { name: 'Problemi', exact: true }).click();
  await expect(page.getByTestId('problems-none')).toBeVisible();
  ready(desk.core).outcomes.record(submissionFor(annulled, 'confirmed', ready(desk.core).sync.state.clientId()));
  await expect(page.getByTestId('problem')).toBeVisible();
  await expect(page.getByTestId('problem-reason')).toContainText('annullata');
});
