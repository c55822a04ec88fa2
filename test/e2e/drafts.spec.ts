/**
 * Never lose a keystroke: what the learner typed survives leaving the page at once (client-side
 * navigation, a reload), and a second tab of the same lesson never writes older code over it.
 * No waits between typing and leaving: that is when a batched save would be lost.
 */
import { expect, test, type Page } from '@playwright/test';
import { editorText, exercisePanel, LESSON_URL, openEditor, savedDraft } from './helpers.ts';

/** The editor's last lines: Monaco renders only what is in view, so go to the end first. */
async function endOfCode(page: Page): Promise<string> {
  const editor = await openEditor(page);
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+End');
  return editorText(page);
}

/** Types at the end of the file, as a learner adds a line. */
async function typeAtEnd(page: Page, text: string): Promise<void> {
  const editor = await openEditor(page);
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type(`\n${text}`);
}

test.beforeEach(async ({ page }) => {
  await page.goto(LESSON_URL);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
});

test('typing and at once clicking Next keeps the draft', async ({ page }) => {
  await typeAtEnd(page, '// typed just before Next');
  await page.getByRole('link', { name: /^Next/ }).click();
  await expect(page).not.toHaveURL(new RegExp(`${LESSON_URL}$`));
  expect(await savedDraft(page)).toContain('// typed just before Next');

  await page.goBack();
  await openEditor(page);
  await expect(exercisePanel(page).getByText(/Restored your draft/)).toBeVisible();
  await expect.poll(() => endOfCode(page)).toContain('// typed just before Next');
});

test('typing and at once reloading keeps the draft', async ({ page }) => {
  await typeAtEnd(page, '// typed just before reload');
  await page.reload();
  await openEditor(page);
  await expect.poll(() => savedDraft(page)).toContain('// typed just before reload');
  await expect.poll(() => endOfCode(page)).toContain('// typed just before reload');
});

test('a second tab of the lesson never writes its older code over the draft', async ({
  page,
  context,
}) => {
  const other = await context.newPage();
  await other.goto(LESSON_URL);
  await openEditor(other);

  // Typed in the first tab; the second, untouched, goes to the background and is closed.
  await typeAtEnd(page, '// typed in the first tab');
  await expect.poll(() => savedDraft(page)).toContain('// typed in the first tab');
  await other.bringToFront();
  await page.bringToFront();
  // The second tab took up the newer code instead of keeping its own.
  await expect.poll(() => endOfCode(other)).toContain('// typed in the first tab');
  await other.close({ runBeforeUnload: true });
  expect(await savedDraft(page)).toContain('// typed in the first tab');

  // And whichever tab is typed in last holds the draft.
  const third = await context.newPage();
  await third.goto(LESSON_URL);
  await typeAtEnd(third, '// typed in the third tab');
  await expect.poll(() => savedDraft(page)).toContain('// typed in the third tab');
  await expect.poll(() => endOfCode(page)).toContain('// typed in the third tab');
  await page.reload();
  await expect.poll(() => endOfCode(page)).toContain('// typed in the third tab');
});
