/**
 * One lesson of each written track, the way a learner goes through it: run an example, then
 * solve the exercise with the reference solution and see every test pass.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

const lessons = [
  {
    url: '/learn/01-binary-data/bytes-and-encodings/',
    exercise: '01-binary-data/hex-dump',
    file: 'hex-dump.ts',
  },
  {
    url: '/learn/02-buffers/binary-protocols/',
    exercise: '02-buffers/frame-codec',
    file: 'frame-codec.ts',
  },
  {
    url: '/learn/03-filesystem/paths-and-traversal/',
    exercise: '03-filesystem/safe-join',
    file: 'safe-join.ts',
  },
];

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('workbench:v1:runner-mode', 'local'));
});

for (const lesson of lessons) {
  test(`${lesson.url}: run an example, then solve ${lesson.exercise}`, async ({ page }) => {
    const solution = readFileSync(
      new URL(`../../solutions/${lesson.exercise}/${lesson.file}`, import.meta.url),
      'utf8',
    );
    await page.goto(lesson.url);

    const example = page.getByRole('button', { name: 'Run example 1' });
    await example.scrollIntoViewIfNeeded();
    await example.click();
    await expect(
      page
        .getByRole('status')
        .filter({ hasText: /^Finished in \d+ ms/ })
        .first(),
    ).toBeVisible();
    await expect(page.getByLabel('Output of example 1')).not.toHaveText('(nothing printed)');

    const panel = page.locator('exercise-panel').first();
    await panel.scrollIntoViewIfNeeded();
    const editor = panel.getByRole('textbox', { name: 'Code editor' });
    await expect(editor).toBeAttached();
    const run = panel.getByRole('button', { name: /Run tests/ });

    // The starter fails with readable assertions...
    await run.click();
    await expect(panel).toHaveAttribute('data-last-status', 'fail', { timeout: 30_000 });

    // ...and the reference solution passes.
    await editor.focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.evaluate((text) => navigator.clipboard.writeText(text), solution);
    await page.keyboard.press('ControlOrMeta+V');
    await run.click();
    await expect(panel.getByRole('status').first()).toContainText(/All \d+ tests pass/, {
      timeout: 30_000,
    });
    await expect(panel).toHaveAttribute('data-last-status', 'pass');
  });
}
