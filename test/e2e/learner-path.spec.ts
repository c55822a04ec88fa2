import { expect, test } from '@playwright/test';
import {
  LESSON_URL,
  editorText,
  exercisePanel,
  openEditor,
  pasteCode,
  readRepoFile,
  runAndWait,
  runStatus,
  savedDraft,
  testNamesIn,
} from './helpers.ts';

const testFile = readRepoFile('exercises/04-streams/lines/lines.test.ts');
const solution = readRepoFile('solutions/04-streams/lines/lines.ts');
const testNames = testNamesIn(testFile);

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

// These tests are about the learner's path on the local runner; the automatic choice and the
// in-browser runner have their own spec (runner-choice.spec.ts).
test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('workbench:v1:runner-mode', 'local'));
});

test('the course home lists the tracks and leads to the lesson', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const tracks = page
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { level: 3 }) });
  await expect(tracks).toHaveCount(8);
  await expect(page.getByRole('heading', { name: /Track 4\s+Streams/ })).toBeVisible();
  await page.getByRole('link', { name: 'Transform streams', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${LESSON_URL}$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Transform streams' })).toBeVisible();
});

test('the lesson is cross-origin isolated, highlighted by Shiki, and loads the editor lazily', async ({
  page,
}) => {
  const urls: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  const requested = () => urls.map((url) => new URL(url).pathname);
  const response = await page.goto(LESSON_URL);
  expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
  expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);

  // Shiki renders fenced code as <pre class="astro-code"> with per-token colours.
  const codeBlock = page.locator('pre.astro-code').first();
  await expect(codeBlock).toBeVisible();
  expect(await codeBlock.locator('span[style*="color"]').count()).toBeGreaterThan(5);

  // Nothing of Monaco before the exercise comes near the viewport.
  expect(requested().filter((path) => /monaco|editor\.api|\.worker/.test(path))).toEqual([]);
  const stylesheets = await page
    .locator('link[rel="stylesheet"]')
    .evaluateAll((links) => links.map((link) => (link as HTMLLinkElement).href));
  expect(stylesheets.filter((href) => /monaco|editor|xterm/.test(href))).toEqual([]);

  await openEditor(page);
  await expect
    .poll(() => requested().some((path) => /ts\.worker-[\w-]+\.js$/.test(path)))
    .toBe(true);
  expect(requested().some((path) => /monaco-editor\.[\w-]+\.js$/.test(path))).toBe(true);
  expect(requested().some((path) => path.endsWith('.css'))).toBe(true);
  // Everything, Monaco's workers, CSS and fonts included, came from our own origin: no CDN.
  const origin = new URL(page.url()).origin;
  const foreign = urls.filter(
    (url) => !/^(data|blob):/.test(url) && new URL(url).origin !== origin,
  );
  expect(foreign).toEqual([]);
  expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
});

test('the editor knows Node types and shows the tests read-only in a second tab', async ({
  page,
}) => {
  await page.goto(LESSON_URL);
  await openEditor(page);
  const panel = exercisePanel(page);
  await expect(panel.getByRole('tab', { name: 'lines.ts' })).toHaveAttribute(
    'aria-selected',
    'true',
  );

  // Hover `Transform` (imported from node:stream): the hover shows @types/node's docs.
  const token = panel.locator('.view-line span', { hasText: /^Transform$/ }).first();
  await expect(async () => {
    await page.mouse.move(0, 0);
    await token.hover();
    await expect(page.locator('.monaco-hover').getByText(/Transform streams are/)).toBeVisible({
      timeout: 3_000,
    });
  }).toPass({ timeout: 45_000 });

  await panel.getByRole('tab', { name: /lines\.test\.ts/ }).click();
  await expect(panel.getByRole('tab', { name: /lines\.test\.ts/ })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect.poll(() => editorText(page)).toContain("from './lines.ts'");
  const editor = panel.getByRole('textbox', { name: 'Code editor' });
  await editor.focus();
  await page.keyboard.type('garbage');
  await expect(
    page.getByRole('alert').filter({ hasText: 'The tests are read-only' }),
  ).toBeAttached();
  expect(await editorText(page)).not.toContain('garbage');
});

test('a learner runs the starter, pastes the solution, and keeps the draft across reloads', async ({
  page,
}, testInfo) => {
  await page.goto(LESSON_URL);
  const panel = exercisePanel(page);
  const editor = await openEditor(page);

  // The starter fails with readable assertions, every test listed in file order.
  await runAndWait(page);
  await expect(runStatus(page)).toContainText(new RegExp(`of ${testNames.length} tests pass`));
  const results = panel.getByRole('list', { name: 'Test results' }).getByRole('listitem');
  await expect(results).toHaveCount(testNames.length);
  const shown = await results.locator('.test-name').allInnerTexts();
  expect(shown.map((name) => name.replace(/^lines\(\) > /, ''))).toEqual(testNames);
  const failure = results.filter({ hasText: 'split across two chunks' }).first();
  await expect(failure).toContainText('Failed');
  await expect(failure).toContainText('Expected');
  await expect(failure).toContainText('Received');
  await expect(failure).toContainText(/\d+ ms/);

  // The reference solution passes, run with the keyboard shortcut this time.
  await pasteCode(page, editor, solution);
  await expect.poll(() => editorText(page)).toContain('StringDecoder');
  await expect.poll(() => savedDraft(page)).toBe(solution);
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(runStatus(page)).toContainText(`All ${testNames.length} tests pass`);
  await expect(results.filter({ hasText: 'Passed' })).toHaveCount(testNames.length);
  await panel.screenshot({ path: testInfo.outputPath('passing-state.png') });
  await panel.screenshot({ path: 'test-results/passing-state.png' });

  // The course home now shows the lesson in progress: one of its two exercises is solved.
  await page.goto('/');
  await expect(
    page.getByRole('link', { name: 'Transform streams', exact: true }).locator('xpath=..'),
  ).toContainText('In progress');
  await page.goto(LESSON_URL);

  // The draft survives a reload.
  await page.reload();
  await openEditor(page);
  await expect(panel.getByText(/Restored your draft/)).toBeVisible();
  await expect.poll(() => editorText(page)).toContain('StringDecoder');

  // Reset asks first, then brings back the starter.
  page.once('dialog', (dialog) => void dialog.dismiss());
  await panel.getByRole('button', { name: 'Reset' }).click();
  await expect.poll(() => editorText(page)).toContain('StringDecoder');
  page.once('dialog', (dialog) => void dialog.accept());
  await panel.getByRole('button', { name: 'Reset' }).click();
  await expect.poll(() => editorText(page)).toContain('TODO');
  await expect.poll(() => savedDraft(page)).toBeUndefined();
  await page.reload();
  await openEditor(page);
  await expect(panel.getByText(/Restored your draft/)).toHaveCount(0);
});

test('bad input gets a clear result: syntax error, infinite loop, runner down', async ({
  page,
}) => {
  await page.goto(LESSON_URL);
  const panel = exercisePanel(page);
  const editor = await openEditor(page);

  await pasteCode(
    page,
    editor,
    "import { Transform } from 'node:stream';\nexport function lines( {\n",
  );
  await runAndWait(page);
  await expect(runStatus(page)).toContainText('could not be parsed');
  await expect(runStatus(page)).toContainText(/line \d+/);
  await expect(panel.getByRole('list', { name: 'Test results' })).toBeHidden();

  await pasteCode(
    page,
    editor,
    "import { Transform } from 'node:stream';\nexport function lines(): Transform {\n  while (true) {}\n}\n",
  );
  await runAndWait(page);
  await expect(runStatus(page)).toContainText('Timed out after 5 s');
  await expect(runStatus(page)).toContainText('loop that never ends');

  await page.route('**/api/run', (route) => route.abort('connectionrefused'));
  await runAndWait(page);
  await expect(runStatus(page)).toContainText('The local runner is not reachable');
  await expect(runStatus(page)).toContainText('npm start');
  // The learner's code is still there after all of that.
  await expect.poll(() => editorText(page)).toContain('while (true)');
});

test('a runnable example runs on the runner and shows what it printed', async ({ page }) => {
  await page.goto(LESSON_URL);
  const run = page.getByRole('button', { name: 'Run example 1' });
  await run.scrollIntoViewIfNeeded();
  await run.click();
  await expect(
    page.getByRole('status').filter({ hasText: /Finished in \d+ ms · Local runner/ }),
  ).toBeVisible();
  const output = page.getByLabel('Output of example 1');
  await expect(output).toContainText('"hel"');
  await expect(output).toContainText('"ld\\n"');
});
