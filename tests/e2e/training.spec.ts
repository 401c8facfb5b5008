import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainingExerciseKinds, type TrainingExercise } from '../../shared/contract/central-api';
import { formatItalianDate } from '../../shared/domain/dates';
import { readCode39 } from '../fixtures/pdf-codes';
import { expect, expectAccessible, saveScreenshot, signIn, test } from './fixtures';

/** #17, item 2: Esercitazioni, in training mode; one case walked with its kit's barcode and MRZ. */
test.use({ trainingService: true });

/** The kit's MRZ lines, as pdftotext reads them off the PDF (what a trainee types or an MRZ reader reads). */
function mrzLines(pdf: Uint8Array): string[] {
  const directory = mkdtempSync(join(tmpdir(), 'kit-'));
  try {
    writeFileSync(join(directory, 'kit.pdf'), pdf);
    const text = execFileSync('pdftotext', ['-layout', '-f', '1', '-l', '1', join(directory, 'kit.pdf'), '-'], { encoding: 'utf8' });
    return text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^[A-Z0-9<]{30}$/.test(line));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

test('the exercises: each case with what to expect; the happy path walked with its kit’s barcode and MRZ', async ({ page, desk }) => {
  await desk.open(page);
  await signIn(page);
  await page.getByTestId('nav-training').click();
  await expect(page.locator('main h1')).toHaveText('Esercitazioni');
  for (const kind of trainingExerciseKinds) await expect(page.getByTestId(`exercise-${kind}`)).toBeVisible();
  await expect(page.getByTestId('exercise-expired-document')).toContainText('Documento scaduto');
  await expectAccessible(page, 'exercises');
  await saveScreenshot(page, 'training-it');
  // The kit prints from the list.
  const popup = page.waitForEvent('popup');
  await page.getByTestId('exercise-kit-happy-path').click();
  expect((await popup).url()).toMatch(/^blob:/);

  // The kit as the trainee holds it: the card's barcode and the document's MRZ, read off the PDF.
  const listed = await desk.core.call('training.exercises', {});
  if (!listed.ok) throw new Error(listed.error.message);
  const happy = listed.value.items.find((item: TrainingExercise) => item.kind === 'happy-path')!;
  const kit = await desk.core.call('documents.render', { kind: 'training-kit', requestId: happy.requestId });
  if (!kit.ok) throw new Error(kit.error.message);
  const pdf = Buffer.from(kit.value.base64, 'base64');
  const barcode = readCode39(pdf, 1);
  const mrz = mrzLines(pdf);
  expect(barcode).toBe(happy.applicant.fiscalCode);
  expect(mrz).toEqual(happy.applicant.mrz);

  // At the desk: the reader reads the card (with Code 39's start and stop characters), Enter.
  await page.getByRole('link', { name: 'Sportello', exact: true }).click();
  await page.getByTestId('fiscal-code-input').focus();
  await page.keyboard.type(`*${barcode}*`, { delay: 2 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lookup-card-read')).toBeVisible();
  await page.keyboard.press('Enter');
  await page.locator('#applicant-document-issuer').fill(happy.applicant.document.issuer);
  await page.locator('#applicant-document-issue-date').fill(formatItalianDate(happy.applicant.document.issueDate));
  // The MRZ's three lines, as a reader types them, then Enter: on to the last step (the card was read).
  await page.locator('#mrz').focus();
  await page.keyboard.type(mrz.join('\n'), { delay: 1 });
  await page.keyboard.press('Enter');
  await expect(page.locator('#step-heading')).toHaveText('Moduli, fotocopie e conferma');
  await page.locator('label[for="tick-module-signed"]').click();
  await page.locator('label[for="tick-photocopies"]').click();
  await page.locator('#operator-password').fill('prova-segreteria');
  await page.locator('#operator-password').press('Enter');
  await expect(page.getByTestId('wizard-result')).toContainText('Abilitazione confermata e inviata al servizio centrale.');

  // Done once, the case is new again after a reset.
  await page.getByTestId('nav-training').click();
  await page.getByTestId('training-reset').click();
  await expect(page.getByTestId('training-said')).toHaveText('Esercitazioni ripristinate: ogni caso è di nuovo da fare.');
  await expect.poll(async () => (await desk.central.store.getRequest(happy.requestId))!.status).toBe('awaiting-identification');
});

test('the central service down on purpose, and back', async ({ page, desk }) => {
  await desk.open(page);
  await signIn(page);
  await page.getByTestId('nav-training').click();
  const toggle = page.getByTestId('training-outage-toggle');
  await toggle.click();
  await expect(page.getByTestId('training-outage')).toBeVisible();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(toggle).toBeFocused();
  await expect(page.getByTestId('sync-badge')).toContainText('Non in linea');
  await saveScreenshot(page, 'training-outage-it');
  await toggle.click();
  await expect(page.getByTestId('training-outage')).toHaveCount(0);
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('sync-badge')).toContainText('In linea');
});

test('the exercises in English', async ({ page, desk }) => {
  await desk.open(page);
  await page.getByTestId('locale-en').click();
  await signIn(page);
  await page.getByTestId('nav-training').click();
  await expect(page.locator('main h1')).toHaveText('Exercises');
  await expect(page.getByTestId('exercise-delegate')).toContainText('With a delegate');
  await expectAccessible(page, 'exercises (en)');
  await saveScreenshot(page, 'training-en');
});
