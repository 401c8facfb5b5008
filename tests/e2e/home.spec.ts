import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, projectRoot, saveScreenshot, test } from './fixtures';

const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

test('the app opens on the sign-in screen, in Italian, in training mode', async ({ page, desk }) => {
  await desk.open(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Accesso allo sportello');
  await expect(page.getByTestId('training-banner')).toContainText('MODALITÀ DI PROVA');
  await expect(page.locator('.it-brand-title')).toHaveText('Sportello Identificazione');
  await expect(page.locator('html')).toHaveAttribute('lang', 'it');
  await expect(page.getByTestId('training-credentials')).toContainText('ZZIS00100A');
  // The one-time code has left the address bar.
  expect(page.url()).not.toContain('launch=');
  await saveScreenshot(page, 'sign-in-it');
});

test('app.info is shown on the about screen with the version', async ({ page, desk }) => {
  await desk.open(page);
  await page.getByTestId('about-link').click();
  await expect(page.getByTestId('app-version')).toHaveText(version);
  // How this copy is updated (#18, item 5): the browser host is no installed copy.
  await expect(page.getByTestId('update-mode')).toHaveText('Copia non installata (sviluppo o uso nel browser): non si aggiorna.');
  await saveScreenshot(page, 'about-it');
  // The third-party notices made at build (#18, item 8): the data's credit, each bundled package and its licence text.
  await page.getByTestId('notices').locator('summary').click();
  const notices = page.getByTestId('notices-text');
  await expect(notices).toContainText("Fonte: ANPR – Ministero dell'Interno");
  await expect(notices).toContainText('CC BY 4.0');
  for (const bundled of ['vue-router', 'pinia', 'zod', 'drizzle-orm', 'better-sqlite3-multiple-ciphers', 'bootstrap-italia'])
    await expect(notices).toContainText(`- ${bundled} `);
  await expect(notices).toContainText('Permission is hereby granted');
  await expect(notices).toContainText('SIL OPEN FONT LICENSE');
  await saveScreenshot(page, 'about-notices-it', { fullPage: false });
  // "Copia diagnostica" (#18, item 3): on the clipboard, what IT needs.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('copy-diagnostics').click();
  await expect(page.getByTestId('diagnostics-copied')).toBeVisible();
  const copied = (await page.evaluate('navigator.clipboard.readText()')) as string;
  expect(copied).toContain(`Sportello Identificazione ${version}`);
  expect(copied).toContain('Ultime righe del registro');
});

test('switching to English and back changes the interface and survives a reload', async ({ page, desk }) => {
  await desk.open(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Accesso allo sportello');

  await page.getByTestId('locale-en').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to the desk');
  await expect(page.getByTestId('training-banner')).toContainText('TRAINING MODE');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('locale-en')).toHaveAttribute('aria-pressed', 'true');
  await saveScreenshot(page, 'sign-in-en');

  // The choice is kept by the core: a reload (same session token) still shows English.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to the desk');

  await page.getByTestId('locale-it').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Accesso allo sportello');
  await expect(page.locator('html')).toHaveAttribute('lang', 'it');
});

test('a window opened without the launch code is told how to get in', async ({ page, desk }) => {
  await page.goto(desk.host.origin + '/');
  await expect(page.getByTestId('app-error')).toContainText('aprire l’indirizzo mostrato all’avvio');
});

test("the first screen asks the host once: its first calls' answers come with the token, no call goes out before the sign-in form (#20)", async ({
  page,
  desk,
}) => {
  const asked: string[] = [];
  page.on('request', (request) => asked.push(new URL(request.url()).pathname));
  await desk.open(page);
  await expect(page.locator('#office-code')).toBeFocused();
  const beforeForm = asked.filter((path) => path.startsWith('/rpc/') || path.startsWith('/auth/'));
  expect(beforeForm).toEqual(['/auth/launch']);
  // Later calls go out as always: signing in works.
  await page.locator('#office-code').fill('ZZIS00100A');
  await page.locator('#username').fill('segreteria');
  await page.locator('#password').fill('prova-segreteria');
  await page.locator('#password').press('Enter');
  await expect(page.getByTestId('fiscal-code-input')).toBeVisible();
  expect(asked).toContain('/rpc/session.signIn');
});

test('a host that refuses the first calls (older than the page): the page exchanges its code again, alone, and opens (#20)', async ({
  page,
  desk,
}) => {
  const exchanges: unknown[] = [];
  await page.route('**/auth/launch', async (route) => {
    const body = route.request().postDataJSON() as { first?: unknown };
    exchanges.push(body);
    if (body.first === undefined) return route.continue();
    // What a host without the first calls answers: the field is not its contract (the code stays good).
    return route.fulfill({
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({ ok: false, error: { code: 'validation', message: 'Dati non validi: first.', paths: ['first'] } }),
    });
  });
  await desk.open(page);
  await expect(page.locator('#office-code')).toBeFocused();
  await expect(page.getByTestId('app-error')).toHaveCount(0);
  expect(exchanges).toHaveLength(2);
  expect(exchanges[1]).toEqual({ code: expect.any(String) });
});

test('every font the first screen uses is fetched with the page, not once its layout asks for it (#20)', async ({ page, desk }) => {
  const fonts: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'font') fonts.push(new URL(request.url()).pathname);
  });
  await desk.open(page);
  await expect(page.locator('#office-code')).toBeFocused();
  // The faces the page has loaded once its fonts are ready: every preload is one of them (none preloaded for nothing).
  const loadedFaces = Number(
    await page.evaluate('document.fonts.ready.then((fonts) => [...fonts].filter((face) => face.status === "loaded").length)'),
  );
  const preloaded = await page
    .locator('head link[rel="preload"][as="font"]')
    .evaluateAll((links) => links.map((link) => new URL((link as unknown as { href: string }).href).pathname));
  expect(fonts.length).toBeGreaterThan(0);
  expect(fonts.filter((font) => !preloaded.includes(font))).toEqual([]);
  // Each fetched once: a preload whose mode did not match the stylesheet's would be fetched twice.
  expect(new Set(fonts).size).toBe(fonts.length);
  expect(preloaded).toHaveLength(loadedFaces);
});

test('no console errors and no CSP violations on load', async ({ page, desk }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await desk.open(page);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(problems).toEqual([]);
});

test('the first screen loads no schema library and no English: the entry carries neither zod, the contract nor the English catalogues (#20)', () => {
  const renderer = join(projectRoot, 'out/renderer');
  const html = readFileSync(join(renderer, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
  // One script for the first screen (#20: the entry holds every module it imports statically).
  expect(initial).toHaveLength(1);
  // zod's schemas all carry `_zod`; the events' schemas load once the page is idle.
  const withZod = initial.filter((file) => readFileSync(join(renderer, file), 'utf8').includes('_zod'));
  expect(withZod).toEqual([]);
  // Nor English: it loads when a desk turns English (an English-only string of its catalogue).
  const withEnglish = initial.filter((file) => readFileSync(join(renderer, file), 'utf8').includes('Skip to main content'));
  expect(withEnglish).toEqual([]);
});
