/**
 * Search across all lessons: the Pagefind index the build writes, the header's dialog, its
 * keys, and the same on the static host (no Node server behind it), including how the index
 * files are cached.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type Response } from '@playwright/test';
import { LESSON_URL } from './helpers.ts';

const lessonsDir = join(import.meta.dirname, '..', '..', 'content', 'lessons');
const staticBase = `http://localhost:${Number(process.env['E2E_PORT'] ?? 4399) - 1}`;

function searchDialog(page: Page) {
  return page.getByRole('dialog', { name: 'Search the lessons' });
}

for (const [host, base] of [
  ['the Node server', ''],
  ['a static host', staticBase],
] as const) {
  test(`on ${host}, / opens search and Enter lands on the lesson heading`, async ({
    page,
    baseURL,
  }) => {
    const pagefindResponses: Response[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/pagefind/')) {
        pagefindResponses.push(response);
      }
    });
    await page.goto(`${base}${LESSON_URL}`);
    // Nothing of the search is fetched until it is opened.
    expect(pagefindResponses).toEqual([]);

    await page.keyboard.press('/');
    const dialog = searchDialog(page);
    await expect(dialog).toBeVisible();
    const field = dialog.getByRole('searchbox', { name: 'Search the lessons' });
    await expect(field).toBeFocused();
    await page.keyboard.type('subarray');

    const results = dialog.getByRole('list', { name: 'Search results' }).getByRole('link');
    await expect(dialog.getByRole('status')).toContainText(/Found in \d+ lessons?/);
    // The lesson about views explains subarray under its own headings.
    await expect(results.filter({ hasText: 'Views share memory' }).first()).toBeVisible();
    const first = results.first();
    const href = await first.getAttribute('href');
    expect(href).toMatch(/^\/learn\/[\w-]+\/[\w-]+\/#[\w-]+$/);
    const anchor = decodeURIComponent(href!.split('#')[1]!);

    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(`${base || baseURL}${href}`);
    await expect(searchDialog(page)).toBeHidden();
    const heading = page.locator(`[id="${anchor}"]`);
    await expect(heading).toBeInViewport();
    await expect(page.locator('article[data-pagefind-body] h1')).toBeVisible();
    // Client-side navigation swapped the header: the shortcut still opens the new page's search.
    await page.keyboard.press('/');
    await expect(searchDialog(page)).toBeVisible();
    await page.keyboard.press('Escape');

    // The index's chunks have hashed names and are kept for good; the files naming them are not.
    const chunks = pagefindResponses.filter((r) => /\.pf_(index|fragment)$/.test(r.url()));
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) {
      expect(chunk.headers()['cache-control'], chunk.url()).toContain('immutable');
    }
    const entry = pagefindResponses.find((r) => r.url().endsWith('/pagefind/pagefind.js'));
    expect(entry?.headers()['cache-control'] ?? '').not.toContain('immutable');
  });
}

test('Ctrl+K opens search, Escape closes it and gives focus back', async ({ page }) => {
  await page.goto(LESSON_URL);
  const brand = page.getByRole('link', { name: /Node Internals Workbench/ });
  await brand.focus();
  await page.keyboard.press('Control+k');
  const dialog = searchDialog(page);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('searchbox', { name: 'Search the lessons' })).toBeFocused();

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(brand).toBeFocused();

  // The header button opens it too, and focus goes back to the button.
  const button = page.getByRole('button', { name: 'Search' });
  await button.click();
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(button).toBeFocused();
});

test('arrow keys move through the results, and / types into a text field as usual', async ({
  page,
}) => {
  await page.goto('/learn/01-binary-data/bytes-and-encodings/');
  await page.keyboard.press('/');
  const dialog = searchDialog(page);
  const field = dialog.getByRole('searchbox', { name: 'Search the lessons' });
  await expect(field).toBeFocused();
  await page.keyboard.type('backpressure');
  const results = dialog.getByRole('list', { name: 'Search results' }).getByRole('link');
  await expect(results.nth(1)).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expect(results.first()).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(results.nth(1)).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect(field).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // In a text field the slash is text, not a shortcut.
  const textField = page.locator('byte-view input').first();
  await textField.fill('a');
  await textField.press('/');
  await expect(textField).toHaveValue('a/');
  await expect(dialog).toBeHidden();
});

test('only lesson prose is indexed: exercise controls do not match', async ({ page }) => {
  await page.goto(LESSON_URL);
  await page.keyboard.press('Control+k');
  const dialog = searchDialog(page);
  // Every exercise panel has a "Terminal output" section. A few lessons' prose says "terminal"
  // or "terminate" (Pagefind's stemming matches both), and more may come; an index of the
  // panels would find every lesson with an exercise.
  const withExercise = readdirSync(lessonsDir, { recursive: true, encoding: 'utf8' }).filter(
    (file) =>
      file.endsWith('.mdx') && readFileSync(join(lessonsDir, file), 'utf8').includes('<Exercise'),
  ).length;
  await dialog.getByRole('searchbox', { name: 'Search the lessons' }).fill('terminal');
  const status = dialog.getByRole('status');
  await expect(status).toContainText(/Found in \d+ lessons?\./);
  const found = Number(/Found in (\d+)/.exec((await status.textContent()) ?? '')?.[1]);
  expect(found, `lessons found for "terminal", of ${withExercise} with an exercise`).toBeLessThan(
    withExercise / 4,
  );
  await expect(
    dialog
      .getByRole('list', { name: 'Search results' })
      .getByRole('link', { name: /Sync, callback, promise/ }),
  ).not.toHaveCount(0);
});

test('without an index (astro dev, a copy of the pages alone) search says so', async ({ page }) => {
  await page.route('**/pagefind/pagefind.js', (route) => route.fulfill({ status: 404 }));
  await page.goto(LESSON_URL);
  await page.keyboard.press('/');
  const dialog = searchDialog(page);
  await expect(dialog.getByRole('status')).toContainText('Search is not available');
  await expect(dialog.getByRole('status')).toContainText('npm run build');
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`the open dialog with results passes axe in ${colorScheme} mode at phone width`, async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(LESSON_URL);
    await page.getByRole('button', { name: 'Search' }).click();
    const dialog = searchDialog(page);
    await dialog.getByRole('searchbox', { name: 'Search the lessons' }).fill('backpressure');
    await expect(
      dialog.getByRole('list', { name: 'Search results' }).getByRole('link').first(),
    ).toBeVisible();
    const results = await new AxeBuilder({ page }).include('site-search').analyze();
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(serious).toEqual([]);
    // Nothing in the dialog pushes the page sideways on a phone.
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth).toBeLessThanOrEqual(390);
  });
}
