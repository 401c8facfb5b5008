import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, fillDocument, finishWizard, signIn, test } from './fixtures';

/** After a day's work at the desk, the logs hold no personal data. */
test('no fiscal code, name, email or document number reaches the logs', async ({ page, desk }) => {
  const requests = await desk.central.store.officeRequests('ZZIS00100A');
  const request = requests.find(
    (r) => r.status === 'awaiting-identification' && r.identificationRequired && r.declaredDocument.kind === 'cie',
  )!;
  await desk.open(page);
  await signIn(page);
  await page.keyboard.type(request.applicant.fiscalCode, { delay: 60 });
  await page.keyboard.press('Enter');
  await page.getByTestId('desk-start-identification').click();
  await fillDocument(page, 'applicant-document', request.declaredDocument);
  await finishWizard(page, request);
  await expect(page.getByTestId('wizard-result')).toContainText('Abilitazione confermata');
  // A bad lookup and a print, for good measure.
  await page.goto(`${desk.host.origin}/#/`);
  await page.getByTestId('fiscal-code-input').fill('RSSMRA80A01H501X');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lookup-error')).toBeVisible();

  const log = readFileSync(join(desk.dataDirectory, 'logs', 'browser-host.log'), 'utf8');
  expect(log.length).toBeGreaterThan(0);
  const personal = requests.flatMap((r) => [
    r.applicant.fiscalCode,
    r.applicant.email,
    r.declaredDocument.number,
    r.applicant.surname.length > 4 ? r.applicant.surname : '',
  ]);
  const leaked = [...new Set(personal.filter((value) => value && log.includes(value)))];
  expect(leaked).toEqual([]);
  expect(log).not.toContain('RSSMRA80A01H501X');
  expect(log).not.toContain('prova-segreteria');
});
