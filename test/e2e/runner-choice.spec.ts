/**
 * Where code runs. WebContainers boot from StackBlitz's servers, which this offline machine
 * cannot reach, so here the in-browser runner never starts: automatic mode must grade on the
 * local runner without waiting for it, say why, and remember; without a local runner it must
 * say so quickly; forcing in-browser mode must say clearly that it cannot boot.
 */
import { expect, test, type Page } from '@playwright/test';
import {
  LESSON_URL,
  exercisePanel,
  readRepoFile,
  runAndWait,
  runStatus,
  testNamesIn,
} from './helpers.ts';

const BOOT_BOUND_MS = 20_000;
/** "n of N tests pass", N read from the exercise, so adding a test does not break this file. */
const SUMMARY = new RegExp(
  `\\d+ of ${testNamesIn(readRepoFile('exercises/04-streams/lines/lines.test.ts')).length} tests pass`,
);

function isWebContainerRequest(url: string): boolean {
  return /stackblitz|webcontainer|staticblitz/.test(new URL(url).hostname);
}

function rememberedBootFailure(page: Page): Promise<string | null> {
  return page.evaluate(() => localStorage.getItem('workbench:v1:webcontainer-failure'));
}

async function countBootAttempts(page: Page): Promise<() => number> {
  let attempts = 0;
  page.on('request', (request) => {
    if (isWebContainerRequest(request.url())) attempts += 1;
  });
  return () => attempts;
}

test('automatic mode answers from the local runner without waiting for a boot, then says why and remembers', async ({
  page,
}) => {
  const bootAttempts = await countBootAttempts(page);
  await page.goto(LESSON_URL);
  const panel = exercisePanel(page);
  await expect(panel.getByRole('combobox', { name: 'Run code' })).toHaveValue('auto');
  const fallback = panel.getByText(/so your code runs on the local runner instead\./);

  // The first run is graded by the local runner while the WebContainer is still being tried:
  // had it waited for the boot to fail, the fallback notice would be there already.
  await runAndWait(page);
  await expect(runStatus(page)).toContainText(SUMMARY);
  await expect(panel.getByText(/Ran on: Local runner · Node \d+/)).toBeVisible();
  await expect(fallback).toBeHidden();
  expect(bootAttempts()).toBeGreaterThan(0);

  // Offline, the check that StackBlitz answers fails, and is remembered; from then on the runs
  // say why they are not in the browser.
  await expect.poll(() => rememberedBootFailure(page)).toContain("StackBlitz's servers");
  await runAndWait(page);
  await expect(fallback).toBeVisible();
  await expect(fallback).toContainText("StackBlitz's servers");
  const attemptsAfterFailure = bootAttempts();

  // Moving between pages keeps the tab's runner: no second attempt.
  await page.getByRole('link', { name: 'Course' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'Transform streams', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Transform streams' })).toBeVisible();
  await runAndWait(page);
  await expect(runStatus(page)).toContainText(SUMMARY);
  expect(bootAttempts()).toBe(attemptsAfterFailure);

  // Nor after a full reload: the failure is remembered for a while.
  await page.reload();
  await runAndWait(page);
  await expect(
    exercisePanel(page).getByText(/so your code runs on the local runner instead\./),
  ).toBeVisible();
  expect(bootAttempts()).toBe(attemptsAfterFailure);
  expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
});

test('forcing in-browser mode says clearly that Node cannot start here, and is remembered', async ({
  page,
}) => {
  test.setTimeout(BOOT_BOUND_MS * 2 + 60_000);
  await page.goto(LESSON_URL);
  const panel = exercisePanel(page);
  await panel.getByRole('combobox', { name: 'Run code' }).selectOption('webcontainer');
  await runAndWait(page);
  await expect(runStatus(page)).toContainText('Node did not start in this browser');
  await expect(runStatus(page)).toContainText('local runner');
  await expect(panel.getByRole('list', { name: 'Test results' })).toBeHidden();

  await page.reload();
  await expect(exercisePanel(page).getByRole('combobox', { name: 'Run code' })).toHaveValue(
    'webcontainer',
  );
});

test('every response carries the cross-origin isolation headers', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('workbench:v1:runner-mode', 'local'));
  const responses: Array<{ url: string; coop?: string; coep?: string }> = [];
  page.on('response', (response) => {
    if (new URL(response.url()).origin !== new URL(page.url() || 'http://localhost').origin) return;
    const headers = response.headers();
    responses.push({
      url: response.url(),
      ...(headers['cross-origin-opener-policy']
        ? { coop: headers['cross-origin-opener-policy'] }
        : {}),
      ...(headers['cross-origin-embedder-policy']
        ? { coep: headers['cross-origin-embedder-policy'] }
        : {}),
    });
  });
  await page.goto('/');
  await page.getByRole('link', { name: 'Transform streams', exact: true }).click();
  const panel = exercisePanel(page);
  await panel.scrollIntoViewIfNeeded();
  await expect(panel.getByRole('textbox', { name: 'Code editor' })).toBeAttached();
  await runAndWait(page);
  const fetched = await page.request.get('/webcontainer/manifest.json');
  expect(fetched.headers()['cross-origin-embedder-policy']).toBe('require-corp');

  expect(responses.length).toBeGreaterThan(10);
  const missing = responses.filter((r) => r.coop !== 'same-origin' || r.coep !== 'require-corp');
  expect(missing).toEqual([]);
  expect(responses.some((r) => /\.worker-[\w-]+\.js$/.test(r.url))).toBe(true);
  expect(responses.some((r) => r.url.endsWith('/api/run'))).toBe(true);
  expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
});

test('a static deployment without the local runner says what to use instead', async ({ page }) => {
  const base = `http://localhost:${Number(process.env['E2E_PORT'] ?? 4399) - 1}`;
  const response = await page.goto(`${base}${LESSON_URL}`);
  expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
  // Without a local runner to answer meanwhile, the boot is awaited, but only until the check
  // that StackBlitz answers has failed, not for the whole boot timeout.
  await runAndWait(page);
  await expect(runStatus(page)).toContainText("StackBlitz's servers");
  await expect(runStatus(page)).toContainText(
    'this site has no local runner, so exercises cannot run here',
  );
  await expect(runStatus(page)).toContainText('npm install && npm start');

  // Forcing the local runner on a static host explains that too.
  await exercisePanel(page).getByRole('combobox', { name: 'Run code' }).selectOption('local');
  await runAndWait(page);
  await expect(runStatus(page)).toContainText('served without the local runner');
});
