import type { Page } from '@playwright/test';
import type { EnablementRequest } from '../../shared/contract/central-api';
import { omocodeVariant } from '../../shared/domain/fiscal-code';
import { readQrCode } from '../fixtures/pdf-codes';
import { awaiting, expect, type DeskFixture, expectAccessible, fillDocument, saveScreenshot, signIn, test } from './fixtures';

/**
 * Fewer actions at the desk (#17, item 3): the card read at the desk's lookup is the card
 * step, done; the modulo's QR code, read in the lookup field, opens its request.
 */

test('a lookup by the tessera sanitaria’s barcode fills the card step: seen ticked, and undone on request', async ({ page, desk }) => {
  const request = await awaiting(desk);
  const code = request.applicant.fiscalCode;
  await desk.open(page);
  await signIn(page);
  // A USB reader: the Code 39 with its start and stop characters, in a burst, then Enter.
  await page.getByTestId('fiscal-code-input').focus();
  await page.keyboard.type(`*${code}*`, { delay: 2 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lookup-card-read')).toContainText(code);
  await expect(page.getByTestId('desk-start-identification')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#step-heading')).toHaveText('Documento di riconoscimento');
  await expect(page.getByTestId('stepper-fiscal-code-card')).toContainText('letta al banco');
  await fillDocument(page, 'applicant-document', request.declaredDocument);
  await page.locator('#applicant-document-number').press('Enter');
  // Past the card: it was read already.
  await expect(page.locator('#step-heading')).toHaveText('Moduli, fotocopie e conferma');
  await expect(page.getByTestId('confirm-summary')).toContainText(`${code} (letta al banco)`);
  // Enter from the step's heading: the papers first (beside them), then the password.
  await expect(page.locator('#step-heading')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#tick-module-signed')).toBeFocused();
  await expect(page.locator('#tick-module-signed-error')).toBeVisible();
  await page.locator('label[for="tick-module-signed"]').click();
  await page.locator('label[for="tick-photocopies"]').click();
  await page.locator('#step-heading').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#operator-password')).toBeFocused();
  await saveScreenshot(page, 'wizard-final-step-it');
  await expectAccessible(page, 'final step');
  // Back: the card step shows what the reader read, ticked, and lets the operator undo it.
  await page.getByRole('button', { name: 'Indietro' }).click();
  await expect(page.locator('#step-heading')).toHaveText('Tessera del codice fiscale');
  await expect(page.locator('#card-fiscal-code')).toHaveValue(code);
  await expect(page.getByTestId('card-read-at-desk')).toContainText('Letta con il lettore al banco');
  await saveScreenshot(page, 'wizard-card-read-at-desk-it');
  await expectAccessible(page, 'card step read at the desk');
  await page.getByTestId('card-undo-read').click();
  await expect(page.locator('#card-fiscal-code')).toHaveValue('');
  await expect(page.locator('#card-fiscal-code')).toBeFocused();
  await expect(page.getByTestId('card-read-at-desk')).toHaveCount(0);
  await expect(page.getByTestId('stepper-fiscal-code-card')).not.toContainText('letta al banco');
  // Undone, the card is asked for again: Next stays here.
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('error-summary')).toContainText('Codice fiscale sulla tessera');
  await expect(page.locator('#step-heading')).toHaveText('Tessera del codice fiscale');
});

test('a code typed by hand at the desk is not a card read: the card step asks for the card', async ({ page, desk }) => {
  const request = await awaiting(desk);
  // A person's pace, without a reader's start and stop characters.
  await typedAtDeskNotCardRead(page, desk, request, request.applicant.fiscalCode, 60);
  await expect(page.getByTestId('stepper-fiscal-code-card')).not.toContainText('letta al banco');
});

test('the modulo di adesione’s QR code, read in the desk’s field, opens its request', async ({ page, desk }) => {
  const request = await awaiting(desk, 1);
  await desk.open(page);
  await signIn(page);
  const rendered = await desk.core.call('documents.render', { kind: 'modulo-adesione', requestId: request.id, presenter: 'applicant' });
  if (!rendered.ok) throw new Error(rendered.error.message);
  // The QR as poppler draws it and a decoder reads it: what a 2D reader would type.
  const qr = readQrCode(Buffer.from(rendered.value.base64, 'base64'));
  expect(qr).toContain(request.id);
  await page.getByTestId('fiscal-code-input').focus();
  await page.keyboard.type(qr!, { delay: 2 });
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/richiesta/${request.id}$`));
  await expect(page.getByTestId('request-id')).toContainText(request.id);
  // A modulo of a request that is not there: said, nothing opened.
  await page.goto(`${desk.host.origin}/#/`);
  await page.getByTestId('fiscal-code-input').focus();
  await page.keyboard.type(qr!.replace(request.id, 'REQ-9999999'), { delay: 2 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lookup-error')).toContainText('REQ-9999999');
  await saveScreenshot(page, 'desk-modulo-not-found-it');
});

test('the card of an omocodia variant, read at the desk, finds the request but is not the applicant’s card: the card step asks', async ({
  page,
  desk,
}) => {
  const request = await awaiting(desk, 2);
  const variant = omocodeVariant(request.applicant.fiscalCode, 1);
  await typedAtDeskNotCardRead(page, desk, request, `*${variant}*`, 2);
  // Read again at the card step, the variant is named for what it is.
  await page.locator('#card-fiscal-code').focus();
  await page.keyboard.type(`*${variant}*`, { delay: 2 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('card-problem').first()).toContainText('omocodia');
});

/**
 * Types `text` in the desk's field (a key every `delay` ms) and goes on to the card step:
 * the lookup finds the request, no card is taken as read, and the card step is empty.
 */
async function typedAtDeskNotCardRead(page: Page, desk: DeskFixture, request: EnablementRequest, text: string, delay: number) {
  await desk.open(page);
  await signIn(page);
  await page.getByTestId('fiscal-code-input').focus();
  await page.keyboard.type(text, { delay });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('desk-start-identification')).toBeFocused();
  await expect(page.getByTestId('lookup-card-read')).toHaveCount(0);
  await page.keyboard.press('Enter');
  await fillDocument(page, 'applicant-document', request.declaredDocument);
  await page.locator('#applicant-document-number').press('Enter');
  await expect(page.locator('#step-heading')).toHaveText('Tessera del codice fiscale');
  await expect(page.locator('#card-fiscal-code')).toHaveValue('');
}
