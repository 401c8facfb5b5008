import { readFileSync } from 'node:fs';
import { ready } from '../fixtures/core';
import { submissionFor } from '../fixtures/outcomes';
import type { EnablementRequest } from '../../shared/contract/central-api';
import { shiftDay } from '../../shared/domain/archive-query';
import { formatItalianDate, todayIn } from '../../shared/domain/dates';
import { expect, expectAccessible, saveScreenshot, signIn, test, type DeskFixture } from './fixtures';

/** #17, item 4: the archive over a range of days, searched and filtered; the office's statistics. */

/** Calendar days in Italy from today (never 24-hour steps: the clocks change). */
const daysFromToday = (days: number) => shiftDay(todayIn(), days);

async function identifiable(desk: DeskFixture): Promise<EnablementRequest[]> {
  return (await desk.central.store.officeRequests('ZZIS00100A')).filter(
    (r) => r.status === 'awaiting-identification' && r.identificationRequired,
  );
}

test('the archive over a range: days, search, filters, the CSV of what is shown, the statistics', async ({ page, desk }) => {
  const [refusedEarlier, confirmedToday] = await identifiable(desk);
  await desk.open(page);
  await signIn(page, { username: 'dirigente', password: 'prova-dirigente' });
  await ready(desk.core).sync.pull();
  const office = ready(desk.core).session.current()!.office;
  // A refusal two days ago (sent then), a confirmation today.
  const twoDaysAgo = new Date(`${daysFromToday(-2)}T11:00:00Z`);
  ready(desk.core).outcomes.record(
    {
      ...submissionFor(refusedEarlier!, 'refused'),
      refusal: { reasons: ['document-invalid'], note: '' },
      capturedAt: twoDaysAgo.toISOString(),
    },
    { office },
  );
  ready(desk.core).outcomes.record(submissionFor(confirmedToday!), { office });

  await page.getByRole('link', { name: 'Archivio' }).click();
  // Today, as before: one row.
  await expect(page.locator('#archive-from')).toHaveValue(formatItalianDate(todayIn()));
  await expect(page.locator('#archive-to')).toHaveValue(formatItalianDate(todayIn()));
  await expect(page.getByTestId('archive-row')).toHaveCount(1);
  // The last seven days: both, each with its date.
  await page.getByTestId('archive-last-7').click();
  await expect(page.getByTestId('archive-row')).toHaveCount(2);
  await expect(page.getByTestId('archive-row').first()).toContainText(formatItalianDate(todayIn('Europe/Rome', twoDaysAgo)));
  await expect(page.getByTestId('archive-shown')).toHaveText('2 identificazioni nel periodo.');
  await expectAccessible(page, 'archive over a range');
  await saveScreenshot(page, 'archive-range-it');

  // Search by name (case and accents aside), then by a piece of the fiscal code.
  await page.locator('#archive-search').fill(refusedEarlier!.applicant.surname.toLowerCase());
  await expect(page.getByTestId('archive-row')).toHaveCount(1);
  await expect(page.getByTestId('archive-row')).toContainText(refusedEarlier!.applicant.fiscalCode);
  await expect(page.getByTestId('archive-shown')).toHaveText('1 identificazione su 2 nel periodo.');
  await page.locator('#archive-search').fill(confirmedToday!.applicant.fiscalCode.slice(0, 9));
  await expect(page.getByTestId('archive-row')).toContainText(confirmedToday!.applicant.fiscalCode);
  await page.locator('#archive-search').fill('');
  // Filters: the outcome, the delivery.
  await page.locator('#archive-outcome').selectOption('refused');
  await expect(page.getByTestId('archive-row')).toHaveCount(1);
  await expect(page.getByTestId('archive-row')).toContainText(refusedEarlier!.applicant.fiscalCode);
  // The CSV is what is shown: the refusal only, Italian time and words.
  const download = page.waitForEvent('download');
  await page.getByTestId('register-csv').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`registro-${daysFromToday(-6)}_${todayIn()}.csv`);
  const csv = readFileSync((await file.path())!, 'utf8');
  const rows = csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  expect(rows).toHaveLength(2);
  expect(rows[1]).toContain(refusedEarlier!.id);
  expect(rows[1]).toMatch(/^"\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}";/);
  expect(rows[1]).toContain('Rifiutata allo sportello');
  await page.locator('#archive-outcome').selectOption('all');
  // The register of the range (PDF) opens.
  const register = page.waitForEvent('popup');
  await page.getByTestId('register-pdf').click();
  expect((await register).url()).toMatch(/^blob:/);

  // A date being typed: nothing of an older range is listed, printed or exported.
  await page.locator('#archive-to').fill('3');
  await expect(page.getByTestId('register-csv')).toBeDisabled();
  await expect(page.getByTestId('register-pdf')).toBeDisabled();
  await expect(page.getByTestId('archive-row')).toHaveCount(0);
  await page.getByTestId('archive-last-7').click();
  await expect(page.locator('#archive-to')).toHaveValue(formatItalianDate(todayIn()));
  await expect(page.getByTestId('archive-row')).toHaveCount(2);

  // The office's statistics for the same range.
  await page.getByTestId('archive-statistics-link').click();
  await expect(page.locator('main h1')).toHaveText('Statistiche dell’ufficio');
  await expect(page.locator('#statistics-from')).toHaveValue(formatItalianDate(daysFromToday(-6)));
  await expect(page.getByTestId('statistics-day')).toHaveCount(2);
  await expect(page.getByTestId('statistics-operator')).toHaveCount(1);
  await expect(page.getByTestId('statistics-reasons')).toContainText('Il documento di riconoscimento è scaduto o non ancora valido.');
  await expect(page.getByTestId('statistics-queue')).toBeVisible();
  await expectAccessible(page, 'statistics');
  await saveScreenshot(page, 'statistics-it');
});

test('an operator has the archive but not the statistics; a range the wrong way round is said, not asked', async ({ page, desk }) => {
  await desk.open(page);
  await signIn(page);
  await page.getByRole('link', { name: 'Archivio' }).click();
  await expect(page.getByTestId('archive-statistics-link')).toHaveCount(0);
  await expect(page.getByTestId('archive-shown')).toContainText('nel periodo');
  const asked: string[] = [];
  page.on('request', (sent) => sent.url().includes('/rpc/identifications.list') && asked.push(sent.url()));
  await page.locator('#archive-from').fill(formatItalianDate(daysFromToday(3)));
  await expect(page.getByTestId('archive-range-error')).toHaveText(
    'La data di inizio del periodo deve precedere (o essere uguale a) quella di fine.',
  );
  expect(asked).toEqual([]);
  await page.goto(`${desk.host.origin}/#/statistiche`);
  await expect(page.getByTestId('statistics-forbidden')).toBeVisible();
});
