import type { EnablementRequest } from '../../shared/contract/central-api';
import { recordIdentification } from '../../src-main/core/identifications';
import { submissionFor } from '../fixtures/outcomes';
import { expect, expectAccessible, saveScreenshot, signIn, test } from './fixtures';

/** Every screen, in both locales: axe finds no serious or critical violation. */
for (const locale of ['it', 'en'] as const) {
  test(`every screen is accessible (${locale})`, async ({ page, desk }) => {
    const requests = desk.central.store.allRequestIds().map((id) => desk.central.store.getRequest(id)!);
    const request = requests.find((r) => r.status === 'awaiting-identification' && r.identificationRequired) as EnablementRequest;
    await desk.open(page);
    if (locale === 'en') await page.getByTestId('locale-en').click();
    await expect(page.locator('h1')).toBeVisible();
    await expectAccessible(page, 'sign-in');
    await signIn(page);
    await expect(page.getByTestId('fiscal-code-input')).toBeFocused();
    await expectAccessible(page, 'desk');
    await page.keyboard.type(request.applicant.fiscalCode);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('lookup-result')).toBeVisible();
    await expectAccessible(page, 'desk with result');
    await saveScreenshot(page, `desk-result-${locale}`);
    await page.getByTestId('lookup-result').getByRole('link').last().click();
    await expect(page.getByTestId('request-status')).toBeVisible();
    await expectAccessible(page, 'request');
    await saveScreenshot(page, `request-${locale}`);
    await page.getByTestId('start-identification').click();
    await expect(page.locator('#step-heading')).toBeVisible();
    await expectAccessible(page, 'wizard: presenter');
    await page.getByTestId('wizard-next').click();
    await expectAccessible(page, 'wizard: document');
    await saveScreenshot(page, `wizard-document-${locale}`);
    await page.getByTestId('wizard-next').click();
    await expect(page.getByTestId('error-summary')).toBeVisible();
    await expectAccessible(page, 'wizard: document with errors');
    await page.getByTestId('wizard-refuse').click();
    await expectAccessible(page, 'wizard: refusal');
    await saveScreenshot(page, `wizard-refusal-${locale}`);
    // The remaining steps, filled as at the desk.
    await page.locator('#applicant-document-number').fill(request.declaredDocument.number);
    await page.locator('#applicant-document-issuer').fill(request.declaredDocument.issuer);
    await page.locator('#applicant-document-issue-date').fill(request.declaredDocument.issueDate);
    await page.locator('#applicant-document-expiry-date').fill(request.declaredDocument.expiryDate ?? '');
    await page.getByTestId('wizard-next').click();
    await expect(page.locator('#card-fiscal-code')).toBeVisible();
    await expectAccessible(page, 'wizard: fiscal-code card');
    await page.locator('#card-fiscal-code').fill(request.applicant.fiscalCode);
    await page.getByTestId('wizard-next').click();
    await expect(page.locator('#tick-module-signed')).toBeAttached();
    await expectAccessible(page, 'wizard: papers');
    await page.locator('label[for="tick-module-signed"]').click();
    await page.locator('label[for="tick-photocopies"]').click();
    await page.getByTestId('wizard-next').click();
    await expect(page.getByTestId('confirm-summary')).toBeVisible();
    await expectAccessible(page, 'wizard: confirm');
    await saveScreenshot(page, `wizard-confirm-${locale}`);
    // Problems, with one in the list.
    await desk.core.sync!.pull();
    const annulled = requests.find((r) => r.status === 'annulled')!;
    recordIdentification(desk.core.sync!, submissionFor(annulled));
    await page.goto(`${desk.host.origin}/#/problemi`);
    await expect(page.getByTestId('problem')).toBeVisible({ timeout: 15_000 });
    await expectAccessible(page, 'problems');
    await saveScreenshot(page, `problems-${locale}`);
    await page.goto(`${desk.host.origin}/#/archivio`);
    await expect(page.locator('h1')).toBeVisible();
    await expectAccessible(page, 'archive');
    await saveScreenshot(page, `archive-${locale}`);
    await page.goto(`${desk.host.origin}/#/impostazioni`);
    await expect(page.locator('#retention-days')).toBeVisible();
    await expectAccessible(page, 'settings');
    await saveScreenshot(page, `settings-${locale}`);
    await page.getByTestId('about-link').click();
    await expectAccessible(page, 'about');
  });
}
