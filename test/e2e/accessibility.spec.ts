/**
 * Every page passes an axe accessibility check with no serious or critical violations: the
 * course home and every lesson, with its exercise panel loaded.
 */
import { readdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

function lessonUrls(): string[] {
  const root = new URL('../../content/lessons/', import.meta.url);
  return readdirSync(root, { withFileTypes: true })
    .filter((track) => track.isDirectory())
    .flatMap((track) =>
      readdirSync(new URL(`${track.name}/`, root))
        .filter((file) => file.endsWith('.mdx'))
        .map((file) => `/learn/${track.name}/${file.replace(/^\d+-/, '').replace(/\.mdx$/, '')}/`),
    );
}

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('workbench:v1:runner-mode', 'local'));
});

for (const url of ['/', ...lessonUrls()]) {
  test(`${url} has no serious or critical accessibility violations`, async ({ page }) => {
    await page.goto(url);
    const panel = page.locator('exercise-panel').first();
    if ((await panel.count()) > 0) {
      await panel.scrollIntoViewIfNeeded();
      await expect(panel).toHaveAttribute('data-editor', 'monaco');
    }
    const results = await new AxeBuilder({ page }).exclude('.monaco-editor').analyze();
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id}: ${v.help} (${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')})`,
      );
    expect(serious).toEqual([]);
  });
}
