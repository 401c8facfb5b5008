import type { Page } from '@playwright/test';
import { ready } from '../fixtures/core';
import { italianFragments } from '../fixtures/message-samples';
import { submissionFor } from '../fixtures/outcomes';
import { awaiting, expect, saveScreenshot, signIn, test } from './fixtures';

/**
 * #21, item 5: under the English locale no domain or service message stays Italian.
 * Checked against the catalogue: no piece of the Italian catalogue's words may be on the
 * page, on every screen of a walk that makes the checks and the core speak (sign-in,
 * lookup, the wizard's checks and refusal, the confirmation, the lock screen, Problems
 * and the archive).
 */

const fragments = italianFragments();

async function italianOn(page: Page): Promise<string[]> {
  const text = await page.locator('body').innerText();
  return fragments.filter((fragment) => text.includes(fragment));
}

async function expectNoItalian(page: Page, screen: string) {
  expect(await italianOn(page), screen).toEqual([]);
}

test('English on every screen of the walk: no Italian domain or service message (#21)', async ({ page, desk }) => {
  test.setTimeout(120_000);
  const request = await awaiting(desk, 3);
  await desk.open(page);

  // Italian first: the check finds the catalogue's words where they are.
  await signIn(page, { password: 'sbagliata-1' });
  await expect(page.getByTestId('sign-in-error')).toBeVisible();
  expect(await italianOn(page)).toContain('Codice meccanografico, nome utente o password non corretti');

  // English: the same error, already on the page, is worded again.
  await page.getByTestId('locale-en').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('sign-in-error')).toHaveText('School code, username or password not correct.');
  await expectNoItalian(page, 'sign-in');

  // The desk: a fiscal code that does not read.
  await page.getByLabel('Password', { exact: true }).fill('prova-segreteria');
  await page.getByLabel('Password', { exact: true }).press('Enter');
  await expect(page.getByTestId('fiscal-code-input')).toBeFocused();
  await page.keyboard.type('RSSMRA80A01H501');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lookup-error')).toHaveText('The fiscal code must have 16 characters. It has 15.');
  await expectNoItalian(page, 'desk, code too short');
  await page.getByTestId('fiscal-code-input').fill('RSSMRA80A01H501A');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lookup-error')).toContainText('The check character of the fiscal code is wrong');
  await expectNoItalian(page, 'desk, wrong check character');

  // The wizard: a document that is not the declared one and has expired.
  await page.getByTestId('fiscal-code-input').fill(request.applicant.fiscalCode);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('desk-start-identification')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#applicant-document-number')).toBeVisible();
  await page.locator('#applicant-document-number').fill('CA99999ZZ');
  await page.locator('#applicant-document-issuer').fill('Comune di Altrove');
  await page.locator('#applicant-document-issue-date').fill('2010-01-04');
  await page.locator('#applicant-document-expiry-date').fill('2020-01-04');
  await page.locator('#mrz').fill('NOT AN MRZ');
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('error-summary')).toContainText('Document: Document expired on 04/01/2020.');
  await expect(page.getByTestId('error-summary')).toContainText('differs from the one declared');
  await expect(page.getByTestId('document-validity')).toHaveText('Document expired on 04/01/2020.');
  await expect(page.getByTestId('mrz-mismatches')).toContainText('MRZ not recognised');
  await expectNoItalian(page, 'wizard: document with errors');
  await saveScreenshot(page, 'english-wizard-document-en');

  // The refusal form: the reasons the checks saw, with what they saw, in English.
  await page.getByTestId('wizard-refuse').click();
  await expect(page.getByTestId('refusal')).toContainText('Document: Document expired on 04/01/2020.');
  await expectNoItalian(page, 'wizard: refusal');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('refusal')).toBeHidden();

  // The declared document, with another issuer (a warning); then another person's card.
  await page.locator('#mrz').fill('');
  await page.locator('#applicant-document-number').fill(request.declaredDocument.number);
  await page.locator('#applicant-document-issue-date').fill(request.declaredDocument.issueDate);
  await page.locator('#applicant-document-expiry-date').fill(request.declaredDocument.expiryDate ?? '');
  await page.getByTestId('wizard-next').click();
  await expect(page.locator('#card-fiscal-code')).toBeVisible();
  const other = (await awaiting(desk, 4)).applicant.fiscalCode;
  await page.locator('#card-fiscal-code').fill(other);
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('card-problem').first()).toContainText(`The fiscal code on the card (${other}) differs from the request’s`);
  await expectNoItalian(page, 'wizard: fiscal-code card');
  await page.locator('#card-fiscal-code').fill(request.applicant.fiscalCode);
  await page.getByTestId('wizard-next').click();

  // The papers, not ticked: the instructions, in English.
  await expect(page.locator('#tick-module-signed')).toBeAttached();
  await page.locator('#operator-password').fill('sbagliata-2');
  await page.getByTestId('wizard-confirm').click();
  await expect(page.getByTestId('error-summary')).toContainText('The applicant must sign the adhesion module in front of the operator.');
  await expectNoItalian(page, 'wizard: papers');
  await page.locator('label[for="tick-module-signed"]').click();
  await page.locator('label[for="tick-photocopies"]').click();

  // The confirmation: the warning to acknowledge, and a wrong password.
  await expect(page.getByTestId('warnings')).toContainText('The issuing authority differs from the one declared in the request.');
  const acknowledgements = page.getByTestId('warnings').locator('label');
  for (let i = 0; i < (await acknowledgements.count()); i++) await acknowledgements.nth(i).click();
  await page.locator('#operator-password').fill('sbagliata-2');
  await page.getByTestId('wizard-confirm').click();
  await expect(page.getByTestId('confirm-error')).toContainText('Wrong password: the confirmation was not recorded.');
  await expectNoItalian(page, 'wizard: confirm');
  await saveScreenshot(page, 'english-wizard-confirm-en');

  // The lock screen: a wrong password.
  await page.getByTestId('lock-button').click();
  await expect(page.getByTestId('unlock-password')).toBeFocused();
  await page.keyboard.type('sbagliata-3');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('unlock-error')).toContainText('Wrong password: the session stays locked.');
  await expectNoItalian(page, 'lock screen');
  await page.getByTestId('unlock-password').fill('prova-segreteria');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('unlock-password')).toBeHidden();

  // Problems and the archive: an outcome the central service did not accept.
  await ready(desk.core).sync.pull();
  const annulled = (await desk.central.store.officeRequests('ZZIS00100A')).find((r) => r.status === 'annulled')!;
  ready(desk.core).outcomes.record(submissionFor(annulled, 'confirmed', ready(desk.core).sync.state.clientId()));
  await page.goto(`${desk.host.origin}/#/problemi`);
  await expect(page.getByTestId('problem-reason')).toHaveText(
    'The request was annulled on the central service before the confirmation arrived: the applicant must submit a new request.',
    { timeout: 15_000 },
  );
  await expectNoItalian(page, 'problems');
  await page.goto(`${desk.host.origin}/#/archivio`);
  await expect(page.getByTestId('archive-row').first()).toContainText('The request was annulled on the central service');
  await expectNoItalian(page, 'archive');

  // A refusal at the desk: its reasons in the archive and on the desk, in English.
  const refused = await awaiting(desk, 5);
  await page.getByRole('link', { name: 'Desk', exact: true }).click();
  await page.getByTestId('fiscal-code-input').fill(refused.applicant.fiscalCode);
  await page.keyboard.press('Enter');
  await page.getByTestId('desk-start-identification').click();
  await expect(page.locator('#applicant-document-number')).toBeVisible();
  await page.getByTestId('wizard-refuse').click();
  await page.locator('label[for="reason-photo-mismatch"]').click();
  await expect(page.getByLabel('The person at the desk does not match the photo on the document.')).toBeChecked();
  await page.getByTestId('refusal-submit').click();
  await expect(page.getByTestId('wizard-result')).toBeVisible();
  await page.goto(`${desk.host.origin}/#/archivio`);
  await expect(page.getByTestId('archive-table')).toContainText(
    'Reasons: The person at the desk does not match the photo on the document.',
  );
  await expectNoItalian(page, 'archive with a refusal');
  await saveScreenshot(page, 'english-archive-en');
});
