import type { Page } from '@playwright/test';
import { ready } from '../fixtures/core';
import type { EnablementRequest } from '../../shared/contract/central-api';
import type { IdentificationDraft } from '../../shared/contract/identification';
import { formatItalianDate } from '../../shared/domain/dates';
import { buildTd1 } from '../../shared/domain/mrz';
import { awaiting, expect, fillDocument, finishWizard, saveScreenshot, signIn, startWizard, test, type DeskFixture } from './fixtures';

test('happy path in person, keyboard only: confirmed and sent, receipt printable', async ({ page, desk }) => {
  const request = await awaiting(desk);
  await desk.open(page);
  await signIn(page);
  await startWizard(page, request);
  await fillDocument(page, 'applicant-document', request.declaredDocument);
  await expect(page.getByTestId('document-validity')).toContainText('Valido fino al');
  await saveScreenshot(page, 'wizard-document-it');
  await page.locator('#applicant-document-number').press('Enter');
  await expect(page.locator('#step-heading')).toHaveText('Tessera del codice fiscale');
  await page.locator('#card-fiscal-code').focus();
  await page.keyboard.type(`*${request.applicant.fiscalCode}*`, { delay: 5 });
  await page.keyboard.press('Enter');
  // The papers and the confirmation are one step: tick, tick, password, Enter (#17, item 3).
  await expect(page.locator('#step-heading')).toHaveText('Moduli, fotocopie e conferma');
  await expect(page.getByTestId('papers-left')).toBeVisible();
  await page.locator('#tick-module-signed').focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('all-clear')).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.locator('#operator-password')).toBeFocused();
  await page.keyboard.type('prova-segreteria');
  await saveScreenshot(page, 'wizard-confirm-it');
  await page.locator('#operator-password').press('Enter');
  await expect(page.getByTestId('wizard-result')).toContainText('Abilitazione confermata e inviata al servizio centrale.');
  await expect(page.locator('#result-message')).toBeFocused();
  await saveScreenshot(page, 'wizard-sent-it');
  expect((await desk.central.store.getRequest(request.id))!.status).toBe('enabled');
  const popup = page.waitForEvent('popup');
  await page.getByTestId('print-receipt').click();
  expect((await popup).url()).toMatch(/^blob:/);
  // Back at the desk, the applicant's card (now out of date) is gone (#21).
  await page.getByRole('link', { name: 'Torna allo sportello' }).click();
  await expect(page.getByTestId('fiscal-code-input')).toBeFocused();
  await expect(page.getByTestId('lookup-result')).toHaveCount(0);
});

test('a document number that differs from the declared one blocks, beside the field and in the summary', async ({ page, desk }) => {
  const request = await awaiting(desk, 1);
  await desk.open(page);
  await signIn(page);
  await startWizard(page, request);
  await fillDocument(page, 'applicant-document', { ...request.declaredDocument, number: 'CZ99999ZZ' });
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('error-summary')).toContainText('diverso da quello dichiarato');
  await expect(page.locator('#applicant-document-number')).toBeFocused();
  await expect(page.locator('#applicant-document-number')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#step-heading')).toHaveText('Documento di riconoscimento');
  await saveScreenshot(page, 'wizard-mismatch-it');
});

test('an expired document is refused, with reasons and a refusal receipt', async ({ page, desk }) => {
  const request = await awaiting(desk, 2);
  await desk.open(page);
  await signIn(page);
  await startWizard(page, request);
  await fillDocument(page, 'applicant-document', { ...request.declaredDocument, expiryDate: '2025-01-31' });
  await expect(page.getByTestId('document-validity')).toContainText('Documento scaduto il 31/01/2025');
  await page.getByTestId('wizard-refuse').click();
  await expect(page.locator('#refusal-title')).toBeFocused();
  await expect(page.getByLabel('Documento: Documento scaduto il 31/01/2025.')).toBeChecked();
  // Only the reason the checks saw is chosen; the operator's instructions are never reasons (#21).
  await expect(page.getByLabel('La persona allo sportello non corrisponde alla fotografia del documento.')).not.toBeChecked();
  await expect(page.locator('[data-testid="refusal"] input:checked')).toHaveCount(1);
  await expect(page.getByTestId('refusal')).not.toContainText('Raccogliere le fotocopie');
  await expect(page.getByTestId('refusal')).not.toContainText('Leggere o inserire il codice fiscale');
  await page.locator('#refusal-note').fill('Tornerà con la carta rinnovata.');
  await saveScreenshot(page, 'wizard-refusal-it');
  await page.getByTestId('refusal-submit').click();
  await expect(page.getByTestId('wizard-result')).toContainText('Rifiuto registrato');
  expect(await desk.central.store.effects()).toEqual([expect.objectContaining({ requestId: request.id, outcome: 'refused' })]);
  const popup = page.waitForEvent('popup');
  await page.getByTestId('print-receipt').click();
  expect((await popup).url()).toMatch(/^blob:/);
  // The applicant comes back: looked up again, the refusal shows with its reasons, on the card and the request (#21).
  await page.getByRole('link', { name: 'Torna allo sportello' }).click();
  await expect(page.getByTestId('fiscal-code-input')).toBeFocused();
  await page.keyboard.type(request.applicant.fiscalCode, { delay: 60 });
  await page.keyboard.press('Enter');
  const history = page.getByTestId(`history-${request.id}`);
  await expect(history).toContainText('Rifiutata allo sportello');
  await expect(history).toContainText('Documento scaduto il 31/01/2025');
  await saveScreenshot(page, 'desk-history-it');
  await page.getByRole('link', { name: 'Apri la richiesta' }).click();
  await expect(page.getByTestId(`history-${request.id}`)).toContainText('Tornerà con la carta rinnovata.');
});

test('a fiscal-code card that differs from the request blocks', async ({ page, desk }) => {
  const request = await awaiting(desk, 3);
  const other = await awaiting(desk, 4);
  await desk.open(page);
  await signIn(page);
  await startWizard(page, request);
  await fillDocument(page, 'applicant-document', request.declaredDocument);
  await page.getByTestId('wizard-next').click();
  await page.locator('#card-fiscal-code').fill(other.applicant.fiscalCode);
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('error-summary')).toContainText('è diverso da quello della richiesta');
  await expect(page.locator('#card-fiscal-code')).toBeFocused();
});

test('the wizard survives a reload of the window', async ({ page, desk }) => {
  const request = await awaiting(desk, 5);
  await desk.open(page);
  await signIn(page);
  await startWizard(page, request);
  // The draft is saved 200 ms after the last change: wait for the save that holds the whole document.
  const declared = request.declaredDocument;
  const saved = page.waitForResponse((response) => {
    if (!response.url().endsWith('/rpc/drafts.save')) return false;
    const document = (response.request().postDataJSON() as IdentificationDraft).document;
    return (
      document?.number === declared.number &&
      document.issuer === declared.issuer &&
      document.issueDate === declared.issueDate &&
      document.expiryDate === (declared.expiryDate ?? null)
    );
  });
  await fillDocument(page, 'applicant-document', declared);
  expect(await (await saved).json()).toEqual({ ok: true, value: null });
  await page.reload();
  await page.getByTestId('wizard-next').click();
  await expect(page.locator('#step-heading')).toHaveText('Documento di riconoscimento');
  await expect(page.locator('#applicant-document-number')).toHaveValue(request.declaredDocument.number);
});

/** Signed in, the wizard started with a delegate, the applicant's document and card filled: at the delegate's step. */
async function toDelegateStep(page: Page, desk: DeskFixture, request: EnablementRequest) {
  await desk.open(page);
  await signIn(page);
  await startWizard(page, request, 'delegate');
  await fillDocument(page, 'applicant-document', request.declaredDocument);
  await page.getByTestId('wizard-next').click();
  await page.locator('#card-fiscal-code').fill(request.applicant.fiscalCode);
  await page.getByTestId('wizard-next').click();
  await expect(page.locator('#step-heading')).toHaveText('Delegato');
}

test('delegate path: the delegate’s own document and the delegation form are checked, then confirmed', async ({ page, desk }) => {
  const request = await awaiting(desk, 6);
  await toDelegateStep(page, desk, request);
  await page.locator('#delegate-fiscal-code').fill('RSSMRA80A01H501U');
  await expect(page.locator('#delegate-code-hint')).toContainText('01/01/1980');
  await page.locator('#delegate-surname').fill('Rossi');
  await page.locator('#delegate-name').fill('Mario');
  await fillDocument(page, 'delegate-document', {
    number: 'CA12345BB',
    issuer: 'Comune di Roma',
    issueDate: '2022-05-10',
    expiryDate: '2033-01-01',
  });
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('error-summary')).toContainText('modulo di delega');
  await page.locator('label[for="tick-delegation-form"]').click();
  await saveScreenshot(page, 'wizard-delegate-it');
  await page.getByTestId('wizard-next').click();
  // Asked to confirm with the papers not ticked: said beside them, nothing sent.
  await page.locator('#operator-password').fill('prova-segreteria');
  await page.getByTestId('wizard-confirm').click();
  await expect(page.locator('#tick-module-signed')).toBeFocused();
  await expect(page.locator('#tick-photocopies-error')).toContainText('delegato');
  expect(await desk.central.store.effects()).toEqual([]);
  // With a delegate, one bundle of photocopies, both persons': one tick (#17, item 3).
  await page.locator('label[for="tick-module-signed"]').click();
  await page.locator('label[for="tick-photocopies"]').click();
  await expect(page.getByTestId('all-clear')).toBeVisible();
  await page.locator('#operator-password').fill('prova-segreteria');
  await page.getByTestId('wizard-confirm').click();
  await expect(page.getByTestId('wizard-result')).toContainText('Abilitazione confermata e inviata');
});

test('offline: the confirmation is queued, the badge shows it, and it is sent when the service returns', async ({ page, desk }) => {
  const request = await awaiting(desk, 7);
  await desk.open(page);
  await signIn(page);
  await startWizard(page, request);
  await desk.central.setFaults({ down: true });
  await fillDocument(page, 'applicant-document', request.declaredDocument);
  await finishWizard(page, request);
  await expect(page.getByTestId('wizard-result')).toContainText('sarà inviata al servizio centrale appena torna la connessione');
  await expect(page.getByTestId('sync-pending')).toHaveText('1 esito in coda');
  await saveScreenshot(page, 'wizard-queued-it');
  await desk.central.setFaults({ down: false });
  await expect(page.getByTestId('sync-pending')).toHaveText('Nessun esito in coda', { timeout: 20_000 });
  await expect(page.getByTestId('sync-online')).toHaveText('In linea');
  expect((await desk.central.store.getRequest(request.id))!.status).toBe('enabled');
  // The archive says so.
  await page.getByRole('link', { name: 'Archivio' }).click();
  await expect(page.getByTestId('archive-row')).toContainText('Inviata');
});

test('an MRZ read fills the document and names what does not match the request', async ({ page, desk }) => {
  const request = await awaiting(desk, 8);
  await desk.open(page);
  await signIn(page);
  await startWizard(page, request);
  const mrz = buildTd1({
    surname: request.applicant.surname,
    name: request.applicant.name,
    sex: request.applicant.sex,
    birthDate: '1970-01-01', // not the applicant's
    documentNumber: request.declaredDocument.number,
    expiryDate: request.declaredDocument.expiryDate!,
  });
  await page.locator('#mrz').fill(mrz.join('\n'));
  await expect(page.locator('#applicant-document-number')).toHaveValue(request.declaredDocument.number);
  await expect(page.locator('#applicant-document-expiry-date')).toHaveValue(formatItalianDate(request.declaredDocument.expiryDate!));
  await expect(page.getByTestId('mrz-mismatches')).toContainText('La data di nascita nella MRZ è diversa da quella della richiesta.');
  await saveScreenshot(page, 'wizard-mrz-it');
});

test('annulled on the central side while confirming: the desk says not accepted, offers a notice, never counts it as confirmed (#21)', async ({
  page,
  desk,
}) => {
  const request = await awaiting(desk, 6);
  await desk.open(page);
  await signIn(page);
  await startWizard(page, request);
  await fillDocument(page, 'applicant-document', request.declaredDocument);
  await page.locator('#applicant-document-number').press('Enter');
  await page.locator('#card-fiscal-code').fill(request.applicant.fiscalCode);
  await page.keyboard.press('Enter');
  await page.locator('label[for="tick-module-signed"]').click();
  await page.locator('label[for="tick-photocopies"]').click();
  await expect(page.getByTestId('all-clear')).toBeVisible();
  // Meanwhile the request is annulled on the central side.
  expect((await fetch(`${desk.central.adminUrl}/admin/requests/${request.id}/annul`, { method: 'POST' })).status).toBe(200);
  await page.locator('#operator-password').fill('prova-segreteria');
  await page.locator('#operator-password').press('Enter');
  await expect(page.getByTestId('wizard-result')).toContainText('Il servizio centrale non ha accettato la conferma');
  await expect(page.getByTestId('print-receipt')).toHaveText('Stampa l’avviso per il richiedente (abilitazione non confermata)');
  await saveScreenshot(page, 'wizard-not-accepted-it');
  await page.getByRole('link', { name: 'Torna allo sportello' }).click();
  // Counted as label and number, so one outcome reads right too (not "1 non accettate").
  await expect(page.getByTestId('today-counts')).toHaveText(
    'Oggi — accettate: 0 · in coda: 0 · non accettate: 1 · rifiutate allo sportello: 0',
  );
  // Looked up again, the request says what happened to that confirmation and why; that view is audited.
  await page.keyboard.type(request.applicant.fiscalCode, { delay: 60 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId(`history-${request.id}`)).toContainText('Conferma non accettata');
  await expect(page.getByTestId(`history-${request.id}`)).toContainText('annullata');
  const audited = ready(desk.core)
    .store.sqlite.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'view-history' AND subject = ?`)
    .get(request.id) as { n: number };
  expect(audited.n).toBeGreaterThan(0);
});

test('from a stale card the wizard says at once that the applicant is already enabled (#21)', async ({ page, desk }) => {
  const request = await awaiting(desk, 7);
  await desk.open(page);
  await signIn(page);
  await page.getByTestId('fiscal-code-input').fill(request.applicant.fiscalCode);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId(`status-${request.id}`)).toContainText('In attesa di identificazione');
  // Enabled elsewhere meanwhile: the card on screen is stale.
  expect((await fetch(`${desk.central.adminUrl}/admin/requests/${request.id}/enable`, { method: 'POST' })).status).toBe(200);
  await page.getByTestId('desk-start-identification').click();
  await expect(page.getByTestId('request-blocked')).toContainText('Il richiedente risulta già abilitato.');
  await expect(page.locator('#step-heading')).toHaveText('Documento di riconoscimento');
  await saveScreenshot(page, 'wizard-stale-card-it');
});

test('delegate path: nothing flagged when the step opens, then each problem beside its field and once in the summary; the delega printable before its tick; the summary names the delegate and their document (#21)', async ({
  page,
  desk,
}) => {
  const request = await awaiting(desk, 8);
  await toDelegateStep(page, desk, request);
  await expect(page.locator('.invalid-feedback:visible')).toHaveCount(0);
  await expect(page.locator('[aria-invalid="true"]')).toHaveCount(0);
  // Printed from the delegate's data: not before they are typed.
  await expect(page.getByTestId('wizard-print-delega')).toBeDisabled();
  await page.getByTestId('wizard-next').click();
  for (const id of ['delegate-fiscal-code', 'delegate-surname', 'delegate-name', 'tick-delegation-form'])
    await expect(page.locator(`#${id}`)).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#delegate-surname-error')).toHaveText('Cognome: Campo obbligatorio.');
  // The document's own fields too (its number and issue date are required).
  await expect(page.locator('#delegate-document-number')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#delegate-document-number-error')).toHaveText('Numero: Campo obbligatorio.');
  await expect(page.locator('#tick-delegation-form-error')).toHaveText('Serve il modulo di delega firmato dal richiedente.');
  // The fiscal code is named once in the summary, not as "required" and again as "invalid".
  await expect(page.getByTestId('error-summary').getByRole('link', { name: /Codice fiscale del delegato/ })).toHaveCount(1);
  await expect(page.locator('#delegate-fiscal-code')).toBeFocused();
  await saveScreenshot(page, 'wizard-delegate-errors-it');
  // With the issue date typed, an empty number is still named as missing beside it (the check's words wait).
  await page.locator('#delegate-document-issue-date').fill('2020-01-01');
  await page.getByTestId('wizard-next').click();
  await expect(page.locator('#delegate-document-number-error')).toHaveText('Numero: Campo obbligatorio.');
  await page.locator('#delegate-surname').fill('Rossi');
  await page.locator('#delegate-name').fill('Mario');
  await page.locator('#delegate-document-kind').selectOption('passport');
  await fillDocument(page, 'delegate-document', {
    number: 'YA1234567',
    issuer: 'Questura di Roma',
    issueDate: '2020-01-01',
    expiryDate: '2030-01-01',
  });
  // A code with a wrong check character gives no birth data: no delega to print from it.
  await page.locator('#delegate-fiscal-code').fill('RSSMRA80A01H501X');
  await expect(page.getByTestId('wizard-print-delega')).toBeDisabled();
  await page.locator('#delegate-fiscal-code').fill('RSSMRA80A01H501U');
  // The delega is what the applicant signs: it can be printed before it is ticked as handed in.
  const delega = page.waitForEvent('popup');
  await page.getByTestId('wizard-print-delega').click();
  expect((await delega).url()).toMatch(/^blob:/);
  await page.locator('label[for="tick-delegation-form"]').click();
  await page.getByTestId('wizard-next').click();
  // Papers for an applicant who is not here: no "in my presence", no "if the applicant did not bring them".
  await expect(page.getByTestId('papers-hint')).toHaveText(
    'Stampare solo se il delegato non li ha portati: il modulo di adesione va firmato dal richiedente.',
  );
  await expect(page.locator('label[for="tick-photocopies"]')).toHaveText(
    'Fotocopie (fronte e retro) del documento e del codice fiscale del richiedente e del delegato raccolte',
  );
  await page.locator('label[for="tick-module-signed"]').click();
  await page.locator('label[for="tick-photocopies"]').click();
  const summary = page.getByTestId('confirm-summary');
  await expect(summary).toContainText('Rossi Mario (delegato)');
  await expect(summary).toContainText('Documento del delegato');
  await expect(summary).toContainText('Documento del richiedente');
  await expect(summary).toContainText('Passaporto YA1234567');
  await saveScreenshot(page, 'wizard-delegate-summary-it');
});
