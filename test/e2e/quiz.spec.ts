/**
 * The <Quiz> component on a real lesson: answered from the keyboard, kept across a reload,
 * cleared with Try again; a predict-the-output quiz unlocks its snippet only once answered; and
 * the revealed quiz holds up in dark mode at 390 px.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';

const LESSON = '/learn/02-buffers/making-and-converting/';
const STORED = 'workbench:v1:quiz:02-buffers/making-and-converting:array-element-out-of-range';

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('workbench:v1:runner-mode', 'local'));
});

function choiceQuiz(page: Page): Locator {
  return page.getByRole('group', { name: /What does Buffer\.from\(\[300\]\)\[0\] hold\?/ });
}

function predictQuiz(page: Page): Locator {
  return page.getByRole('group', { name: /Predict the output.*What does this print\?/ });
}

async function seriousViolations(page: Page, scope: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include(scope).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.failureSummary ?? '').join('; ')}`);
}

const EXPLANATIONS = [
  'A byte holds 0 to 255',
  'Buffer.from does not check array elements',
  'Each element is reduced modulo 256',
  'The value is not clamped',
];

test('a multiple-choice quiz: a wrong pick from the keyboard, kept over a reload, then right', async ({
  page,
}) => {
  await page.goto(LESSON);
  const quiz = choiceQuiz(page);
  await quiz.scrollIntoViewIfNeeded();
  for (const text of EXPLANATIONS) await expect(quiz.getByText(text)).toBeHidden();

  // Into the radio group, down to the second option, on to Check.
  await quiz.getByRole('radio', { name: '300' }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(quiz.getByRole('radio', { name: 'It throws a RangeError' })).toBeChecked();
  await page.keyboard.press('Tab');
  await expect(quiz.getByRole('button', { name: 'Check' })).toBeFocused();
  await page.keyboard.press('Enter');

  const verdict = quiz.getByRole('status');
  await expect(verdict).toHaveText(/^Not quite\./);
  for (const text of EXPLANATIONS) await expect(quiz.getByText(text)).toBeVisible();
  await expect(quiz.getByText('Your answer:').filter({ visible: true })).toHaveCount(1);
  await expect(quiz.locator('li[data-picked]')).toContainText('It throws a RangeError');
  const retry = quiz.getByRole('button', { name: 'Try again' });
  await expect(retry).toBeFocused();
  expect(await seriousViolations(page, 'workbench-quiz')).toEqual([]);

  await page.reload();
  await expect(quiz.getByRole('radio', { name: 'It throws a RangeError' })).toBeChecked();
  await expect(quiz.locator('li[data-picked]')).toContainText('It throws a RangeError');
  for (const text of EXPLANATIONS) await expect(quiz.getByText(text)).toBeVisible();
  await expect(verdict).toHaveText(/^Not quite\./);

  await retry.focus();
  await page.keyboard.press('Enter');
  await expect(verdict).toHaveText(/Answer cleared/);
  for (const text of EXPLANATIONS) await expect(quiz.getByText(text)).toBeHidden();
  await expect(quiz.getByRole('radio', { checked: true })).toHaveCount(0);
  expect(await page.evaluate((key) => localStorage.getItem(key), STORED)).toBeNull();

  // Focus is back on the first option: down twice to 44, then Check.
  await expect(quiz.getByRole('radio', { name: '300' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(quiz.getByRole('radio', { name: '44' })).toBeChecked();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(verdict).toHaveText(/^Right\./);
  await expect(quiz.locator('li[data-picked]')).toContainText('44');
  expect(await page.evaluate((key) => localStorage.getItem(key), STORED)).toBe(
    JSON.stringify({ picked: '44' }),
  );
});

test('a predict-the-output quiz runs its snippet only once an answer is checked', async ({
  page,
}) => {
  await page.goto(LESSON);
  const quiz = predictQuiz(page);
  await quiz.scrollIntoViewIfNeeded();
  const run = quiz.getByRole('button', { name: /Run the snippet of quiz/ });
  await expect(run).toBeDisabled();
  await expect(run).toHaveAccessibleDescription(/Check an answer first/);
  await expect(quiz.getByText('Check an answer first')).toBeVisible();

  await quiz.getByText('1 2').click();
  await quiz.getByRole('button', { name: 'Check' }).click();
  await expect(quiz.getByRole('status').last()).toHaveText(/^Right\..*Run the snippet/);
  await expect(run).toBeEnabled();
  await expect(quiz.getByText('Check an answer first')).toBeHidden();

  await run.click();
  await expect(quiz.getByRole('status').filter({ hasText: /^Finished in \d+ ms/ })).toBeVisible({
    timeout: 30_000,
  });
  await expect(quiz.getByLabel(/Output of the snippet of quiz/)).toHaveText('1 2');

  // The answer is kept, so the snippet stays unlocked after a reload; Try again locks it.
  await page.reload();
  await expect(run).toBeEnabled();
  await quiz.getByRole('button', { name: 'Try again' }).click();
  await expect(run).toBeDisabled();
});

test('a revealed quiz in dark mode at 390 px: readable, nothing scrolls sideways', async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(LESSON);
  const quiz = choiceQuiz(page);
  await quiz.scrollIntoViewIfNeeded();
  await quiz.getByText('It throws a').click();
  await quiz.getByRole('button', { name: 'Check' }).click();
  await expect(quiz.getByText(EXPLANATIONS[0]!)).toBeVisible();
  expect(await seriousViolations(page, 'workbench-quiz')).toEqual([]);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
});

test('a quiz still checks answers when the browser refuses storage', async ({ page }) => {
  await page.addInitScript(() => {
    const refuse = () => {
      throw new DOMException('Storage is disabled', 'SecurityError');
    };
    // Only the quiz's keys: the rest of the page may keep its settings.
    const { getItem, setItem } = Storage.prototype;
    Storage.prototype.getItem = function (key: string) {
      return key.startsWith('workbench:v1:quiz:') ? refuse() : getItem.call(this, key);
    };
    Storage.prototype.setItem = function (key: string, value: string) {
      return key.startsWith('workbench:v1:quiz:') ? refuse() : setItem.call(this, key, value);
    };
  });
  await page.goto(LESSON);
  const quiz = choiceQuiz(page);
  await quiz.scrollIntoViewIfNeeded();
  await quiz.getByRole('radio', { name: '44' }).check();
  await quiz.getByRole('button', { name: 'Check' }).click();
  await expect(quiz.getByRole('status')).toHaveText(/^Right\./);
  await expect(quiz.getByText(EXPLANATIONS[0]!)).toBeVisible();
});
