import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import postcss from 'postcss';
import { test as base, expect as baseExpect, type Page } from '@playwright/test';
import type { EnablementRequest } from '../../shared/contract/central-api';
import type { CentralService } from '../../central/server';
import { startTestCentral } from '../fixtures/central';
import { selectorClasses, structuralSelector, stylesheetSelectors } from '../fixtures/stylesheet-selectors';
import { trimBootstrapItalia } from '../../scripts/trim-bootstrap-italia';
import { startBrowserHost, type BrowserHost } from '../../src-main/browser-host/server';
import { createCore, type Core } from '../../src-main/core/app';
import { databaseKey } from '../../src-main/core/store/key';
import { createLogger } from '../../src-main/core/log';
import { readMachineConfig, type MachineConfigState } from '../../src-main/core/settings/machine-config';

export const projectRoot = join(import.meta.dirname, '../..');
export const rendererDirectory = join(projectRoot, 'out/renderer');
export const screenshotDirectory = join(projectRoot, 'test-results/screenshots');

export interface DeskFixture {
  host: BrowserHost;
  core: Core;
  /** The reference central service, seeded, with admin controls (faults, annul, clock). */
  central: CentralService;
  dataDirectory: string;
  /** Opens the app the way a person does: the printed URL with its one-time code. */
  open(page: Page): Promise<void>;
}

/**
 * The init script that watches every page for elements a trimmed rule would style: Bootstrap
 * Italia's selectors that the build's trim drops (#20), each without its pseudo-classes (the
 * elements it styles in some state) and with the classes it names, then the watcher
 * (trimmed-rules.js). The trim keeps every rule its sources can match; an element that one of
 * these matches is an element that lost its style. Made once per worker, with the build's own
 * trim over the same sources.
 */
let trimmedRulesScript: Promise<string> | undefined;
function trimmedRulesWatcher() {
  trimmedRulesScript ??= (async () => {
    const wholePath = createRequire(import.meta.url).resolve('bootstrap-italia/dist/css/bootstrap-italia.min.css');
    const whole = readFileSync(wholePath, 'utf8');
    const kept = stylesheetSelectors((await postcss([trimBootstrapItalia(projectRoot)]).process(whole, { from: wholePath })).css);
    const dropped = [...stylesheetSelectors(whole)]
      .filter((selector) => !kept.has(selector))
      .map((selector) => ({ selector, structural: structuralSelector(selector), classes: selectorClasses(selector) }))
      .filter((entry) => entry.structural !== '');
    const watcher = readFileSync(join(import.meta.dirname, 'trimmed-rules.js'), 'utf8');
    return `window.__sportelloTrimmed = ${JSON.stringify(dropped)};\n${watcher}`;
  })();
  return trimmedRulesScript;
}

/** Each test gets its own browser host, core and data folder: real parts, no sharing. */
export const test = base.extend<{ desk: DeskFixture; machineConfigJson: string | null; trainingService: boolean }>({
  /** The machine-wide configuration file's text for this test (`test.use`), or none. */
  machineConfigJson: [null, { option: true }],
  /** The central service is a training service, with its practice cases (`test.use`). */
  trainingService: [false, { option: true }],
  /** No element of the test's pages, at any moment, is one that a trimmed Bootstrap Italia rule would style. */
  context: async ({ context }, use) => {
    const matched = new Set<string>();
    await context.exposeBinding('__sportelloTrimmedMatched', (_source, selectors: string[]) => {
      for (const selector of selectors) matched.add(selector);
    });
    await context.addInitScript({ content: await trimmedRulesWatcher() });
    await use(context);
    // What the last changes showed, before the pages close.
    for (const page of context.pages())
      await page
        .evaluate(() => (globalThis as unknown as { __sportelloCheckTrimmed?: () => void }).__sportelloCheckTrimmed?.())
        .catch(() => {});
    baseExpect([...matched].sort(), 'elements that a Bootstrap Italia rule trimmed from the build would style').toEqual([]);
  },
  desk: async ({ machineConfigJson, trainingService }, use) => {
    if (!existsSync(join(rendererDirectory, 'index.html'))) throw new Error('out/renderer missing: run `npm run build` first');
    const dataDirectory = mkdtempSync(join(tmpdir(), 'sportello-e2e-'));
    let machineConfig: MachineConfigState = { status: 'absent', path: '' };
    if (machineConfigJson !== null) {
      const path = join(dataDirectory, 'config.json');
      writeFileSync(path, machineConfigJson);
      machineConfig = readMachineConfig(path);
    }
    const central = await startTestCentral({ seed: 300, seedValue: 2026, admin: true, training: trainingService });
    const logger = createLogger({ file: join(dataDirectory, 'logs', 'browser-host.log') });
    const core = createCore({
      dataDirectory,
      version: '0.1.0',
      mode: 'training',
      logger,
      centralUrl: central.url,
      databaseKey: databaseKey(join(dataDirectory, 'desk.key')),
      machineConfig,
      resourcesDirectory: join(projectRoot, 'resources'),
      sync: { probeIntervalMs: 500, backoff: { baseMs: 200, capMs: 2000 } },
    });
    const host = await startBrowserHost({ core, logger, rendererDirectory });
    await use({
      host,
      core,
      central,
      dataDirectory,
      open: async (page) => {
        await page.goto(host.issueLaunchUrl());
      },
    });
    await host.close();
    await core.close();
    await central.close();
    rmSync(dataDirectory, { recursive: true, force: true });
  },
});

/** Signs in with the training operator, with the keyboard only, and waits for the desk. */
/** The desk opened, the head teacher signed in, on the settings page. */
export async function openSettingsAsHeadTeacher(page: Page, desk: DeskFixture): Promise<void> {
  await desk.open(page);
  await signIn(page, { username: 'dirigente', password: 'prova-dirigente' });
  await page.getByRole('link', { name: 'Impostazioni' }).click();
}

export async function signIn(page: Page, options: { username?: string; password?: string } = {}): Promise<void> {
  await page.getByLabel('Codice meccanografico').fill('');
  await page.getByLabel('Codice meccanografico').focus();
  await page.keyboard.type('ZZIS00100A');
  await page.keyboard.press('Tab');
  await page.keyboard.type(options.username ?? 'segreteria');
  await page.keyboard.press('Tab');
  await page.keyboard.type(options.password ?? 'prova-segreteria');
  await page.keyboard.press('Enter');
  // As a person does: wait for the next screen before typing into it.
  if (!options.password || options.password === 'prova-segreteria' || options.password === 'prova-dirigente') {
    await page.locator('[data-testid="fiscal-code-input"], [data-testid="sign-in-error"]').first().waitFor();
  }
}

/** axe-core (WCAG 2.1 A/AA rules): no serious or critical violation on the screen as it is now. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
  baseExpect(serious, `accessibility of ${screen}`).toEqual([]);
}

/** `fullPage: false` for screens that cover the window (a full-page capture stretches the page under them). */
export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(screenshotDirectory, { recursive: true });
  const path = join(screenshotDirectory, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  return path;
}

export async function awaiting(desk: DeskFixture, index = 0): Promise<EnablementRequest> {
  return (await desk.central.store.officeRequests('ZZIS00100A')).filter(
    (r) => r.status === 'awaiting-identification' && r.identificationRequired && r.declaredDocument.kind === 'cie',
  )[index]!;
}

/**
 * From the desk: type the code at a person's pace (not a card read: the card step will ask
 * for the card) and start the identification (applicant in person) with Enter, or with a delegate.
 */
export async function startWizard(page: Page, request: EnablementRequest, presenter: 'applicant' | 'delegate' = 'applicant') {
  await baseExpect(page.getByTestId('fiscal-code-input')).toBeFocused();
  await page.keyboard.type(request.applicant.fiscalCode, { delay: 60 });
  await page.keyboard.press('Enter');
  // One request awaiting identification: "start the identification" has the focus.
  await baseExpect(page.getByTestId('desk-start-identification')).toBeFocused();
  if (presenter === 'applicant') await page.keyboard.press('Enter');
  else await page.getByTestId('desk-start-with-delegate').click();
  await baseExpect(page.locator('#step-heading')).toHaveText('Documento di riconoscimento');
}

/** Types a document's details into the wizard's document form (`applicant-document` or `delegate-document`). */
export async function fillDocument(
  page: Page,
  prefix: string,
  document: { number: string; issuer: string; issueDate: string; expiryDate: string | null },
) {
  await page.locator(`#${prefix}-number`).fill(document.number);
  await page.locator(`#${prefix}-issuer`).fill(document.issuer);
  await page.locator(`#${prefix}-issue-date`).fill(document.issueDate);
  await page.locator(`#${prefix}-expiry-date`).fill(document.expiryDate ?? '');
}

/** From the document step on, as at the desk: the applicant's fiscal-code card, then, on the last step, both papers ticked. */
export async function toConfirmStep(page: Page, request: EnablementRequest) {
  await page.getByTestId('wizard-next').click();
  await page.locator('#card-fiscal-code').fill(request.applicant.fiscalCode);
  await page.getByTestId('wizard-next').click();
  await page.locator('label[for="tick-module-signed"]').click();
  await page.locator('label[for="tick-photocopies"]').click();
}

/** From the document step on: `toConfirmStep`, then the password and confirm. */
export async function finishWizard(page: Page, request: EnablementRequest) {
  await toConfirmStep(page, request);
  await page.locator('#operator-password').fill('prova-segreteria');
  await page.getByTestId('wizard-confirm').click();
}

export { expect } from '@playwright/test';
