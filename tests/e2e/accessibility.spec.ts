import type { Page } from '@playwright/test';
import type { EnablementRequest } from '../../shared/contract/central-api';
import { ready } from '../fixtures/core';
import { submissionFor } from '../fixtures/outcomes';
import { expect, expectAccessible, saveScreenshot, signIn, test, type DeskFixture } from './fixtures';

/**
 * Every screen, in both locales: axe finds no serious or critical violation. One screen
 * a test, each with its own desk and its own time budget, so a loaded machine slows a
 * screen down without failing the walk through all of them.
 */

const locales = ['it', 'en'] as const;
type Locale = (typeof locales)[number];

async function requestsOf(desk: DeskFixture): Promise<EnablementRequest[]> {
  return await desk.central.store.officeRequests('ZZIS00100A');
}

async function identifiable(desk: DeskFixture): Promise<EnablementRequest> {
  return (await requestsOf(desk)).find((r) => r.status === 'awaiting-identification' && r.identificationRequired)!;
}

/** Opens the app in the locale, on the sign-in screen. */
async function openIn(page: Page, desk: DeskFixture, locale: Locale) {
  await desk.open(page);
  if (locale === 'en') await page.getByTestId('locale-en').click();
  await expect(page.locator('html')).toHaveAttribute('lang', locale);
  await expect(page.locator('h1')).toBeVisible();
}

/** Signed in, on the desk, with the request looked up. */
async function lookUp(page: Page, request: EnablementRequest) {
  await signIn(page);
  await expect(page.getByTestId('fiscal-code-input')).toBeFocused();
  // Typed (not read from a card): the wizard's card step is there to be checked.
  await page.keyboard.type(request.applicant.fiscalCode, { delay: 60 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lookup-result')).toBeVisible();
}

/** From the looked-up request, through its page, to the wizard's first step. */
async function openWizard(page: Page, request: EnablementRequest) {
  await lookUp(page, request);
  await page.getByTestId('lookup-result').getByRole('link').last().click();
  await expect(page.getByTestId('request-status')).toBeVisible();
  await page.getByTestId('start-identification').click();
  await expect(page.locator('#step-heading')).toBeVisible();
}

/** On to the document step, then Next with nothing typed: the error summary shows. */
async function toDocumentErrors(page: Page) {
  await page.getByTestId('wizard-next').click();
  await expect(page.locator('#applicant-document-number')).toBeVisible();
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('error-summary')).toBeVisible();
}

/** The document typed as declared, on to the fiscal-code card. */
async function toCard(page: Page, request: EnablementRequest) {
  await toDocumentErrors(page);
  await page.locator('#applicant-document-number').fill(request.declaredDocument.number);
  await page.locator('#applicant-document-issuer').fill(request.declaredDocument.issuer);
  await page.locator('#applicant-document-issue-date').fill(request.declaredDocument.issueDate);
  await page.locator('#applicant-document-expiry-date').fill(request.declaredDocument.expiryDate ?? '');
  await page.getByTestId('wizard-next').click();
  await expect(page.locator('#card-fiscal-code')).toBeVisible();
}

async function toPapers(page: Page, request: EnablementRequest) {
  await toCard(page, request);
  await page.locator('#card-fiscal-code').fill(request.applicant.fiscalCode);
  await page.getByTestId('wizard-next').click();
  await expect(page.locator('#tick-module-signed')).toBeAttached();
}

for (const locale of locales) {
  test.describe(`every screen is accessible (${locale})`, () => {
    test('sign-in', async ({ page, desk }) => {
      await openIn(page, desk, locale);
      await expectAccessible(page, 'sign-in');
    });

    test('desk, empty and with a result', async ({ page, desk }) => {
      await openIn(page, desk, locale);
      await signIn(page);
      await expect(page.getByTestId('fiscal-code-input')).toBeFocused();
      await expectAccessible(page, 'desk');
      const request = await identifiable(desk);
      // Read from the card by a reader: the result says so.
      await page.keyboard.type(`*${request.applicant.fiscalCode}*`, { delay: 2 });
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('lookup-card-read')).toBeVisible();
      await expectAccessible(page, 'desk with result');
      await saveScreenshot(page, `desk-result-${locale}`);
    });

    test('request', async ({ page, desk }) => {
      await openIn(page, desk, locale);
      await lookUp(page, await identifiable(desk));
      await page.getByTestId('lookup-result').getByRole('link').last().click();
      await expect(page.getByTestId('request-status')).toBeVisible();
      await expectAccessible(page, 'request');
      await saveScreenshot(page, `request-${locale}`);
    });

    test('wizard: presenter', async ({ page, desk }) => {
      await openIn(page, desk, locale);
      await openWizard(page, await identifiable(desk));
      await expectAccessible(page, 'wizard: presenter');
    });

    test('wizard: document, empty and with errors', async ({ page, desk }) => {
      await openIn(page, desk, locale);
      await openWizard(page, await identifiable(desk));
      await page.getByTestId('wizard-next').click();
      await expect(page.locator('#applicant-document-number')).toBeVisible();
      await expectAccessible(page, 'wizard: document');
      await saveScreenshot(page, `wizard-document-${locale}`);
      await page.getByTestId('wizard-next').click();
      await expect(page.getByTestId('error-summary')).toBeVisible();
      await expectAccessible(page, 'wizard: document with errors');
    });

    test('wizard: refusal', async ({ page, desk }) => {
      await openIn(page, desk, locale);
      await openWizard(page, await identifiable(desk));
      await toDocumentErrors(page);
      await page.getByTestId('wizard-refuse').click();
      await expect(page.locator('#refusal-title')).toBeFocused();
      await expectAccessible(page, 'wizard: refusal');
      await saveScreenshot(page, `wizard-refusal-${locale}`);
    });

    test('wizard: fiscal-code card', async ({ page, desk }) => {
      const request = await identifiable(desk);
      await openIn(page, desk, locale);
      await openWizard(page, request);
      await toCard(page, request);
      await expectAccessible(page, 'wizard: fiscal-code card');
    });

    test('wizard: papers', async ({ page, desk }) => {
      const request = await identifiable(desk);
      await openIn(page, desk, locale);
      await openWizard(page, request);
      await toPapers(page, request);
      await expectAccessible(page, 'wizard: papers');
    });

    test('wizard: confirm', async ({ page, desk }) => {
      const request = await identifiable(desk);
      await openIn(page, desk, locale);
      await openWizard(page, request);
      await toPapers(page, request);
      await page.locator('label[for="tick-module-signed"]').click();
      await page.locator('label[for="tick-photocopies"]').click();
      await expect(page.getByTestId('all-clear')).toBeVisible();
      await expectAccessible(page, 'wizard: confirm');
      await saveScreenshot(page, `wizard-confirm-${locale}`);
    });

    test('problems, with one in the list, and the archive', async ({ page, desk }) => {
      await openIn(page, desk, locale);
      await signIn(page);
      await ready(desk.core).sync.pull();
      const annulled = (await requestsOf(desk)).find((r) => r.status === 'annulled')!;
      ready(desk.core).outcomes.record(submissionFor(annulled, 'confirmed', ready(desk.core).sync.state.clientId()));
      await page.goto(`${desk.host.origin}/#/problemi`);
      await expect(page.getByTestId('problem')).toBeVisible({ timeout: 15_000 });
      await expectAccessible(page, 'problems');
      await saveScreenshot(page, `problems-${locale}`);
      await page.goto(`${desk.host.origin}/#/archivio`);
      await expect(page.locator('[data-testid="archive-table"], [data-testid="archive-none"]')).toBeVisible();
      await expectAccessible(page, 'archive');
      await saveScreenshot(page, `archive-${locale}`);
    });

    test('the archive over a range, and the office statistics', async ({ page, desk }) => {
      await openIn(page, desk, locale);
      await signIn(page, { username: 'dirigente', password: 'prova-dirigente' });
      await page.goto(`${desk.host.origin}/#/archivio`);
      await page.getByTestId('archive-last-30').click();
      await expect(page.getByTestId('archive-shown')).toBeVisible();
      await expectAccessible(page, 'archive over a range');
      await page.getByTestId('archive-statistics-link').click();
      await expect(page.getByTestId('statistics-queue')).toBeVisible();
      await expectAccessible(page, 'statistics');
      await saveScreenshot(page, `statistics-${locale}`);
    });

    test('wizard: the card read at the desk', async ({ page, desk }) => {
      const request = await identifiable(desk);
      await openIn(page, desk, locale);
      await signIn(page);
      await page.keyboard.type(`*${request.applicant.fiscalCode}*`, { delay: 2 });
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('lookup-card-read')).toBeVisible();
      await page.keyboard.press('Enter');
      await page.locator('#applicant-document-number').fill(request.declaredDocument.number);
      await page.locator('#applicant-document-issue-date').fill(request.declaredDocument.issueDate);
      await page.locator('#applicant-document-expiry-date').fill(request.declaredDocument.expiryDate ?? '');
      await page.getByTestId('wizard-next').click();
      await expect(page.locator('#tick-module-signed')).toBeAttached();
      await page.getByRole('button', { name: locale === 'it' ? 'Indietro' : 'Back' }).click();
      await expect(page.getByTestId('card-read-at-desk')).toBeVisible();
      await expectAccessible(page, 'wizard: card read at the desk');
      await saveScreenshot(page, `wizard-card-read-at-desk-${locale}`);
    });

    test('settings', async ({ page, desk }) => {
      await openIn(page, desk, locale);
      await signIn(page);
      await page.goto(`${desk.host.origin}/#/impostazioni`);
      await expect(page.locator('#retention-days')).toBeVisible();
      await expectAccessible(page, 'settings');
      await saveScreenshot(page, `settings-${locale}`);
    });

    test('about', async ({ page, desk }) => {
      await openIn(page, desk, locale);
      await signIn(page);
      await page.getByTestId('about-link').click();
      await expect(page.getByTestId('app-version')).toBeVisible();
      // CC-BY 4.0: the birth places' source is credited in what ships (#13).
      await expect(page.getByTestId('data-credits')).toContainText('Fonte: ANPR – Ministero dell’Interno');
      await expectAccessible(page, 'about');
      await saveScreenshot(page, `about-${locale}`);
    });

    test('lock screen', async ({ page, desk }) => {
      await openIn(page, desk, locale);
      await signIn(page);
      await page.getByTestId('lock-button').click();
      await expect(page.getByTestId('unlock-password')).toBeFocused();
      await expectAccessible(page, 'lock screen');
      await saveScreenshot(page, `lock-screen-${locale}`, { fullPage: false });
    });
  });
}
