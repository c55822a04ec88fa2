/**
 * Hints tied to tests: after a run the first failing test offers the hints written for it,
 * they appear beside that test, and revealed hints are still there after a reload.
 *
 * The exercise is headers, whose starter first fails a test that the first hint does not
 * name: a panel that offered hints in plain order would show the wrong one.
 */
import { expect, test, type Page } from '@playwright/test';
import { readRepoFile } from './helpers.ts';

interface Hint {
  text: string;
  tests: string[];
}
const hints = (
  JSON.parse(readRepoFile('exercises/01-binary-data/headers/exercise.json')) as { hints: Hint[] }
).hints;
const LESSON = '/learn/01-binary-data/typed-arrays-and-dataview/';

function panelOf(page: Page) {
  return page.getByRole('region', { name: /readPngHeader\(\)/ });
}

/** Waits until Monaco is in place, so the panel is fully wired before anything is pressed. */
async function openPanel(page: Page) {
  const panel = panelOf(page);
  await panel.scrollIntoViewIfNeeded();
  await expect(panel.getByRole('textbox', { name: 'Code editor' })).toBeAttached();
  return panel;
}

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('workbench:v1:runner-mode', 'local'));
});

test('the first failing test offers its own hints, and revealed hints survive a reload', async ({
  page,
}) => {
  await page.goto(LESSON);
  const panel = await openPanel(page);
  const hintsRegion = panel.getByRole('region', { name: 'Hints' });
  // Before any run, the hints come in order.
  await expect(hintsRegion.getByRole('button')).toHaveText(`Show a hint (1 of ${hints.length})`);

  await panel.getByRole('button', { name: /Run tests/ }).click();
  await expect(panel).not.toHaveAttribute('aria-busy', 'true', { timeout: 60_000 });
  await expect(panel.getByRole('button', { name: /Run tests/ })).toBeEnabled({ timeout: 60_000 });
  const results = panel.getByRole('list', { name: 'Test results' });
  const failing = results.getByRole('listitem').filter({ hasText: 'Failed:' }).first();
  const failingText = await failing.innerText();
  // The longest hinted name the item shows is its own (one name may start another).
  const name = hints
    .flatMap((h) => h.tests)
    .filter((n) => failingText.includes(n))
    .sort((a, b) => b.length - a.length)[0];
  expect(name, 'the first failing test of the starter is named by a hint').toBeDefined();
  const mapped = hints.filter((h) => h.tests.includes(name!));
  expect(mapped[0], 'the test is not named by the first hint').not.toBe(hints[0]);

  const offer = failing.getByRole('button', { name: 'Show a hint for this test' });
  await offer.click();
  const beside = failing.getByRole('list', { name: 'Hints for this test' });
  await expect(beside.getByRole('listitem')).toHaveCount(1);
  await expect(beside.getByRole('listitem')).toContainText(mapped[0]!.text);
  // Every other test of the results offers nothing: the hint sits by the first failing one.
  await expect(results.getByRole('button', { name: /for this test/ })).toHaveCount(1);

  // The next hint for the same test, from the keyboard.
  const more = failing.getByRole('button', { name: 'Show another hint for this test' });
  await more.focus();
  await page.keyboard.press('Enter');
  await expect(beside.getByRole('listitem')).toHaveCount(Math.min(2, mapped.length));
  if (mapped.length === 2) {
    await expect(beside.getByRole('listitem').nth(1)).toContainText(mapped[1]!.text);
    // Nothing is left to offer for this test: focus moves to what the button revealed.
    await expect(more).toBeHidden();
    await expect(beside.getByRole('listitem').nth(1)).toBeFocused();
  }
  const revealed = mapped.slice(0, 2).map((h) => h.text);

  await page.reload();
  await openPanel(page);
  for (const text of revealed) await expect(hintsRegion).toContainText(text);
  await expect(hintsRegion.getByRole('listitem')).toHaveCount(revealed.length);
  const left = hints.length - revealed.length;
  if (left > 0) {
    await expect(hintsRegion.getByRole('button')).toHaveText(
      `Show another hint (${revealed.length + 1} of ${hints.length})`,
    );
  }
});
