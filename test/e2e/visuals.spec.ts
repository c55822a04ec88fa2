/**
 * The pictures that only exist after the learner acts: the isolation stepper, driven from the
 * keyboard, and a chart drawn from a run, each checked with axe once it is showing something.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('workbench:v1:runner-mode', 'local'));
});

async function seriousViolations(page: Page, scope: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include(scope).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.help} (${v.nodes
          .map((n) => n.failureSummary ?? n.target.join(' '))
          .slice(0, 3)
          .join('; ')})`,
    );
}

test('the isolation stepper steps through an interleaving from the keyboard', async ({ page }) => {
  await page.goto('/learn/06-databases/concurrency-and-isolation/');
  const stepper = page.getByRole('figure', { name: /Lost update/i });
  await stepper.scrollIntoViewIfNeeded();
  await expect(stepper).toContainText('Simulation: PGlite runs a single connection');

  const next = stepper.getByRole('button', { name: 'Next' });
  const status = stepper.locator('[aria-live="polite"]');
  await next.focus();
  await page.keyboard.press('Enter');
  await expect(status).toContainText(/Step 1 of \d+/);
  await page.keyboard.press('Enter');
  await expect(status).toContainText(/Step 2 of \d+/);
  await stepper.getByRole('button', { name: 'Previous' }).click();
  await expect(status).toContainText(/Step 1 of \d+/);

  // To the last step: the lost update is visible in what the sessions see.
  const total = Number((await status.textContent())?.match(/of (\d+)/)?.[1]);
  for (let i = 1; i < total; i += 1) await next.click();
  await expect(status).toContainText(`Step ${total} of ${total}`);
  await expect(next).toBeDisabled();
  expect(await seriousViolations(page, 'interleaving-stepper')).toEqual([]);
});

test('a measured chart is drawn with a text alternative and its numbers', async ({ page }) => {
  await page.goto('/learn/04-streams/writable-and-backpressure/');
  const placeholder = page.getByText('Run the example to measure on your runner');
  await placeholder.scrollIntoViewIfNeeded();
  const panel = page.locator('.snippet-run').filter({ has: page.locator('.snippet-chart') });
  await panel.getByRole('button', { name: /Run example/ }).click();
  const chart = panel.getByRole('img', { name: /Bytes waiting in a slow Writable.*drain/ });
  await expect(chart).toBeVisible({ timeout: 30_000 });
  await panel.getByText('The measurements as a table').click();
  await expect(panel.getByRole('table')).toContainText('highWaterMark');
  expect(await seriousViolations(page, '.snippet-chart')).toEqual([]);
});
