import { formatItalianDate, todayIn } from '../../shared/domain/dates';
import { awaiting, expect, saveScreenshot, signIn, startWizard, test } from './fixtures';

/**
 * #17, item 1: dates typed gg/mm/aaaa whatever the browser's language. The browser here
 * speaks American English: a `type="date"` field would read and show mm/dd/yyyy.
 */
test.use({ locale: 'en-US' });

test('dates are typed gg/mm/aaaa in every form: slashes as one types, pasted forms read, impossible dates named (#17)', async ({
  page,
  desk,
}) => {
  const request = await awaiting(desk, 7);
  await desk.open(page);
  await signIn(page);
  await startWizard(page, request);
  await expect(page.locator('input[type="date"]')).toHaveCount(0);

  // Typed digit by digit: the slashes come by themselves; Backspace takes digits away.
  const issue = page.locator('#applicant-document-issue-date');
  await expect(issue).toHaveAttribute('placeholder', 'gg/mm/aaaa');
  await issue.click();
  await page.keyboard.type('2711201', { delay: 5 });
  await expect(issue).toHaveValue('27/11/201');
  await page.keyboard.type('9');
  await expect(issue).toHaveValue('27/11/2019');
  for (let i = 0; i < 6; i++) await page.keyboard.press('Backspace');
  await expect(issue).toHaveValue('27/1');

  // Pasted in any of the usual ways, it reads the same (the declared expiry is then typed).
  for (const pasted of ['27/11/2019', '27.11.2019', '27-11-2019', '27112019', '2019-11-27']) {
    await issue.fill(pasted);
    await expect(issue, pasted).toHaveValue('27/11/2019');
  }

  // An edit in the middle: a digit of the month taken out leaves room for the right one;
  // Delete before a slash takes the digit after it, never sticks.
  await issue.fill('27/11/2019');
  await issue.press('End');
  for (let i = 0; i < 5; i++) await issue.press('ArrowLeft');
  await issue.press('Backspace');
  await expect(issue).toHaveValue('27/1/2019');
  await page.keyboard.type('0');
  await expect(issue).toHaveValue('27/10/2019');
  await issue.press('Home');
  await issue.press('ArrowRight');
  await issue.press('ArrowRight');
  await issue.press('Delete');
  await expect(issue).toHaveValue('27/0/2019');

  // An impossible date is named at once, beside the field, and stops Next.
  await issue.fill('');
  await page.keyboard.type('31022019');
  await expect(issue).toHaveValue('31/02/2019');
  await expect(page.locator('#applicant-document-issue-error')).toHaveText('La data 31/02/2019 non esiste: controllarla.');
  await expect(issue).toHaveAttribute('aria-invalid', 'true');
  // An incomplete one once the field is left, or on Enter, which goes on (not as "missing").
  const expiry = page.locator('#applicant-document-expiry-date');
  await expiry.click();
  await page.keyboard.type('1209');
  await page.keyboard.press('Enter');
  await expect(page.locator('#applicant-document-expiry-error')).toContainText('Data incompleta: scriverla come gg/mm/aaaa');
  await expect(page.getByTestId('error-summary')).toContainText('Data di rilascio: La data 31/02/2019 non esiste');
  await expect(page.getByTestId('error-summary')).toContainText('Data di scadenza: Data incompleta');
  await saveScreenshot(page, 'dates-typed-it');

  // The declared dates typed as at the desk: the step passes.
  await page.locator('#applicant-document-number').fill(request.declaredDocument.number);
  await page.locator('#applicant-document-issuer').fill(request.declaredDocument.issuer);
  await issue.fill('');
  await issue.pressSequentially(formatItalianDate(request.declaredDocument.issueDate).replaceAll('/', ''));
  await expiry.fill('');
  await expiry.pressSequentially(formatItalianDate(request.declaredDocument.expiryDate!).replaceAll('/', ''));
  await expect(page.getByTestId('document-validity')).toContainText(
    `Valido fino al ${formatItalianDate(request.declaredDocument.expiryDate!)}`,
  );
  await page.getByTestId('wizard-next').click();
  await expect(page.locator('#card-fiscal-code')).toBeVisible();

  // The archive's day, typed the same way.
  await page.goto(`${desk.host.origin}/#/archivio`);
  const from = page.locator('#archive-from');
  await expect(from).toHaveValue(formatItalianDate(todayIn()));
  await expect(page.locator('#archive-to')).toHaveValue(formatItalianDate(todayIn()));
  await from.fill('');
  await page.keyboard.type('30022026');
  await expect(page.locator('#archive-date-error')).toHaveText('La data 30/02/2026 non esiste: controllarla.');
  await from.fill('01/01/2020');
  await page.locator('#archive-to').fill('31.01.2020');
  await expect(page.locator('#archive-date-error')).toBeHidden();
  await expect(page.getByTestId('archive-range-error')).toBeHidden();
  await expect(page.getByTestId('archive-none')).toHaveText('Nessuna identificazione in questo periodo.');
});
