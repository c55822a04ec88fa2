/**
 * The details of a result a learner acts on: `file:line` opens that line in the editor, what the
 * code printed reads like a console, a runner that is down says what to do in readable text,
 * the breadcrumb leads back to the lesson's track, and the keyboard can leave the editor.
 */
import { expect, test, type Page } from '@playwright/test';
import { readRepoFile } from './helpers.ts';

const URL = '/learn/04-streams/writable-and-backpressure/';
const EXERCISE = '04-streams/write-all';

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('workbench:v1:runner-mode', 'local'));
});

function panelOf(page: Page) {
  return page.getByRole('region', { name: /writeAll\(\)/ });
}

async function openPanel(page: Page, draft?: string) {
  if (draft !== undefined) {
    await page.addInitScript(
      ({ key, code }) =>
        localStorage.setItem(key, JSON.stringify({ files: { 'write-all.ts': code }, savedAt: 1 })),
      { key: `workbench:v1:draft:${EXERCISE}`, code: draft },
    );
  }
  await page.goto(URL);
  const panel = panelOf(page);
  await panel.scrollIntoViewIfNeeded();
  await expect(page.locator('exercise-panel')).toHaveAttribute('data-editor', 'monaco');
  return panel;
}

async function run(page: Page) {
  const panel = panelOf(page);
  await panel.getByRole('button', { name: /Run tests/ }).click();
  await expect(page.locator('exercise-panel')).not.toHaveAttribute('aria-busy', 'true', {
    timeout: 60_000,
  });
  await expect(panel.getByRole('button', { name: /Run tests/ })).toBeEnabled();
}

test('file:line in a result opens that file at that line, with the cursor and focus there', async ({
  page,
}) => {
  const panel = await openPanel(page);
  await run(page);
  const location = panel.getByRole('button', { name: /^write-all\.test\.ts:\d+, show in/ }).first();
  const line = Number(/:(\d+)/.exec(await location.innerText())?.[1]);
  expect(line).toBeGreaterThan(20);
  await location.click();
  await expect(panel.getByRole('tab', { name: /write-all\.test\.ts/ })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(panel.locator('.monaco-editor .active-line-number')).toHaveText(String(line));
  await expect(panel.getByRole('textbox', { name: 'Code editor' })).toBeFocused();
});

test('what the code printed is single-spaced, one line per printed line', async ({ page }) => {
  const starter = readRepoFile(`exercises/${EXERCISE}/write-all.ts`);
  const panel = await openPanel(
    page,
    starter.replace(
      'for await',
      "console.log('one');\n  console.log('two');\n  console.log('three');\n  for await",
    ),
  );
  await run(page);
  const printed = panel.locator('details.test-output pre').first();
  await expect(printed).toContainText('three');
  const layout = await printed.evaluate((pre) => {
    const style = getComputedStyle(pre);
    const lineHeight = parseFloat(style.lineHeight);
    const content =
      pre.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    return {
      printed: (pre.textContent ?? '').trimEnd().split('\n').length,
      lines: Math.round(content / lineHeight),
      spacing: lineHeight / parseFloat(style.fontSize),
    };
  });
  expect(layout.printed).toBeGreaterThanOrEqual(3);
  expect(layout.lines).toBe(layout.printed);
  expect(layout.spacing).toBeLessThanOrEqual(1.4);
});

test('a runner that is down says what to do with readable code, and no meaningless duration', async ({
  page,
}) => {
  const panel = await openPanel(page);
  await page.route('**/api/run', (route) => route.abort('connectionrefused'));
  await run(page);
  const status = panel.getByRole('status').first();
  await expect(status).toContainText('The local runner is not reachable');
  await expect(status.locator('code')).toHaveText('npm start');
  await expect(status).not.toContainText('`');
  await expect(status.locator('.status-meta')).toHaveText('Local runner');
});

test('the breadcrumb links the lesson to its track on the home page', async ({ page }) => {
  await page.goto(URL);
  await page
    .getByRole('navigation', { name: 'Breadcrumb' })
    .getByRole('link', { name: /Track \d+: Streams/ })
    .click();
  await expect(page).toHaveURL(/\/#track-04-streams$/);
  await expect(page.getByRole('heading', { name: /Streams/, level: 3 })).toBeInViewport();
});

test('the keyboard leaves the editor with Esc then Tab, or after Ctrl+M, and the page says so', async ({
  page,
}) => {
  const panel = await openPanel(page);
  await expect(panel.getByText(/To leave it, press Esc then Tab/)).toBeVisible();
  const editor = panel.getByRole('textbox', { name: 'Code editor' });
  const focusAfterEditor = () =>
    page.evaluate(() => {
      const active = document.activeElement;
      const editorNode = document.querySelector('exercise-panel .monaco-editor');
      return Boolean(
        active &&
        editorNode &&
        active.closest('exercise-panel') &&
        editorNode.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING,
      );
    });

  // Tab alone indents: focus stays in the editor.
  await editor.focus();
  await page.keyboard.press('Tab');
  await expect(editor).toBeFocused();

  // Esc, then Tab, moves on to the next control after the editor.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await expect(editor).not.toBeFocused();
  expect(await focusAfterEditor()).toBe(true);

  // Back in the editor Tab indents again; Esc, then Shift+Tab, goes back to Reset.
  await editor.focus();
  await page.keyboard.press('Tab');
  await expect(editor).toBeFocused();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Tab');
  await expect(panel.getByRole('button', { name: 'Reset' })).toBeFocused();

  // Monaco's own switch: after Ctrl+M, Tab moves focus until it is pressed again.
  await editor.focus();
  await page.keyboard.press('Control+M');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  await expect(panel.getByRole('button', { name: /Run tests/ })).toBeFocused();
  await editor.focus();
  await page.keyboard.press('Control+M');
  await page.keyboard.press('Tab');
  await expect(editor).toBeFocused();
});
