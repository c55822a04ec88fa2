/**
 * "Compare with the solution": the reference solution is not in the lesson page, arrives only
 * when asked for, after a failed run only once the learner confirms, and never touches the
 * learner's draft. On the built site with the local runner.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import {
  editorText,
  exercisePanel,
  LESSON_URL,
  openEditor,
  pasteCode,
  readRepoFile,
  runAndWait,
  runStatus,
  savedDraft,
} from './helpers.ts';

const root = join(import.meta.dirname, '..', '..');
const client = join(root, 'dist', 'client');
const ID = '04-streams/lines';
const starter = readRepoFile(`exercises/${ID}/lines.ts`);
const solution = readRepoFile(`solutions/${ID}/lines.ts`);
const MINE = '// my own attempt, kept whatever happens';

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && pattern.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/**
 * Lines only the solution has: not in any exercise's files (a page carries every one of its
 * exercises' starters and tests), nor in any lesson's source or the site's own code, and
 * free of characters that HTML or JSON would escape, so that finding one in a built file can
 * only mean the solution was put there.
 */
function telltaleLines(exerciseId: string): string[] {
  const solutionDir = join(root, 'solutions', exerciseId);
  const given = [
    ...filesUnder(join(root, 'exercises'), /./),
    ...filesUnder(join(root, 'content'), /\.mdx?$/),
    ...filesUnder(join(root, 'src'), /\.(ts|js|astro|txt)$/),
  ]
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  return filesUnder(solutionDir, /./)
    .flatMap((file) => readFileSync(file, 'utf8').split('\n'))
    .map((line) => line.trim())
    .filter((line) => line.length >= 25 && !/["'\\<>&]/.test(line) && !given.includes(line));
}

/** The compare button of the lines() exercise. */
function compareButton(page: Page) {
  return exercisePanel(page).getByRole('button', { name: /Compare with the solution/ });
}

/** Serious or critical axe findings inside the open dialog (Monaco has its own checks). */
async function dialogViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .include('dialog[open]')
    .exclude('.monaco-editor')
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help}`);
}

async function typeAtEnd(page: Page, text: string): Promise<void> {
  const editor = await openEditor(page);
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type(`\n${text}`);
}

async function endOfCode(page: Page): Promise<string> {
  const editor = await openEditor(page);
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+End');
  return editorText(page);
}

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('workbench:v1:runner-mode', 'local'));
  await page.goto(LESSON_URL);
  await page.evaluate(() => {
    for (const key of Object.keys(localStorage)) {
      if (key !== 'workbench:v1:runner-mode') localStorage.removeItem(key);
    }
  });
  await page.reload();
});

test('no built page or script carries a reference solution', () => {
  const exerciseIds = readdirSync(join(root, 'solutions')).flatMap((track) =>
    readdirSync(join(root, 'solutions', track)).map((slug) => `${track}/${slug}`),
  );
  const telltales = exerciseIds.flatMap(telltaleLines);
  // Enough lines to make the check mean something: several per exercise.
  expect(telltales.length).toBeGreaterThan(exerciseIds.length * 3);
  const built = filesUnder(client, /\.(html|js|css)$/).filter(
    (file) => !/[/\\]_astro[/\\]solution-[^/\\]+\.json$/.test(file),
  );
  expect(built.some((file) => file.endsWith('.html'))).toBe(true);
  const leaks: string[] = [];
  for (const file of built) {
    const text = readFileSync(file, 'utf8');
    for (const line of telltales) if (text.includes(line)) leaks.push(`${file}: ${line}`);
  }
  expect(leaks).toEqual([]);
});

test('the lesson page and everything it loads hold no solution until the learner asks', async ({
  page,
}) => {
  const telltales = telltaleLines(ID);
  expect(telltales.length).toBeGreaterThan(3);
  const bodies: Array<{ url: string; text: string }> = [];
  page.on('response', (response) => {
    void response
      .text()
      .then((text) => bodies.push({ url: response.url(), text }))
      .catch(() => {});
  });
  await page.reload();
  await openEditor(page);
  await expect(compareButton(page)).toBeHidden();
  await expect.poll(() => bodies.some((b) => /monaco-editor\.[\w-]+\.js$/.test(b.url))).toBe(true);
  for (const { url, text } of bodies) {
    for (const line of telltales) expect(text.includes(line), `${url}: ${line}`).toBe(false);
  }
  expect(bodies.filter((b) => /\/_astro\/solution-[^/]+\.json$/.test(b.url))).toEqual([]);
});

test('after a failed run the learner confirms, sees the diff, and keeps the draft', async ({
  page,
}) => {
  // Runs on the local runner, which a busy machine slows down.
  test.slow();
  const fetched: string[] = [];
  page.on('request', (request) => {
    if (/\/_astro\/solution-[^/]+\.json$/.test(request.url())) fetched.push(request.url());
  });
  await typeAtEnd(page, MINE);
  await expect(compareButton(page)).toBeHidden();

  await runAndWait(page);
  await expect(runStatus(page)).toContainText(/tests pass/);
  await expect(runStatus(page)).not.toContainText(/^All/);
  const button = compareButton(page);
  await expect(button).toBeVisible();

  // Asked first; Esc says no, and nothing is fetched.
  await button.click();
  const question = page.getByRole('dialog', { name: 'See the reference solution now?' });
  await expect(question).toBeVisible();
  await expect(question.getByRole('button', { name: 'Not yet' })).toBeFocused();
  expect(await dialogViolations(page)).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(question).toBeHidden();
  await expect(button).toBeFocused();
  expect(fetched).toEqual([]);

  // Asked again; yes this time.
  await button.click();
  await question.getByRole('button', { name: 'Show the solution' }).click();
  const view = page.getByRole('dialog', { name: 'Your code and the reference solution' });
  await expect(view).toBeVisible();
  await expect(view.getByRole('status')).toHaveText(/Showing the difference/);
  await expect(
    view.getByRole('textbox', { name: /^Your code \(left, read-only\): lines\.ts/ }),
  ).toBeAttached();
  await expect(
    view.getByRole('textbox', { name: /^Reference solution \(right, read-only\): lines\.ts/ }),
  ).toBeAttached();
  await expect(view.locator('.modified-in-monaco-diff-editor .view-lines')).toContainText(
    'StringDecoder',
  );
  expect(await dialogViolations(page)).toEqual([]);
  expect(fetched).toHaveLength(1);
  expect(fetched[0]).toMatch(/\/_astro\/solution-04-streams-lines\.[\w-]{12}\.json$/);

  // Read-only: typing into the solution's side changes nothing.
  const solutionSide = view.getByRole('textbox', { name: /^Reference solution/ });
  await solutionSide.focus();
  await page.keyboard.type('garbage');
  await expect(view.locator('.modified-in-monaco-diff-editor .view-lines')).not.toContainText(
    'garbage',
  );

  await view.getByRole('button', { name: 'Close' }).click();
  await expect(view).toBeHidden();
  await expect(button).toBeFocused();
  await expect.poll(() => endOfCode(page)).toContain(MINE);
  await expect.poll(() => savedDraft(page)).toContain(MINE);
  expect(await savedDraft(page)).not.toContain('garbage');

  await page.reload();
  await openEditor(page);
  await expect.poll(() => endOfCode(page)).toContain(MINE);
  expect(await savedDraft(page)).toContain(MINE);
  expect(await savedDraft(page)).not.toBe(solution);
  // A reload forgets the run: the button waits for the next one.
  await expect(compareButton(page)).toBeHidden();
});

test('after a pass the diff opens without a question', async ({ page }) => {
  // Runs on the local runner, which a busy machine slows down.
  test.slow();
  const editor = await openEditor(page);
  await pasteCode(page, editor, solution);
  await expect.poll(() => savedDraft(page)).toBe(solution);
  await runAndWait(page);
  await expect(runStatus(page)).toContainText(/^All \d+ tests pass/);

  await compareButton(page).click();
  await expect(page.getByRole('dialog', { name: 'See the reference solution now?' })).toBeHidden();
  const view = page.getByRole('dialog', { name: 'Your code and the reference solution' });
  await expect(view.getByRole('status')).toHaveText(/Showing the difference/);
  await page.keyboard.press('Escape');
  await expect(view).toBeHidden();
  await expect(compareButton(page)).toBeFocused();
  expect(await savedDraft(page)).toBe(solution);
});

test('offline, the learner is told what to do, and a second try works', async ({ page }) => {
  // Runs on the local runner, which a busy machine slows down.
  test.slow();
  await typeAtEnd(page, MINE);
  await runAndWait(page);
  await page.route('**/_astro/solution-*.json', (route) => route.abort('internetdisconnected'));
  await compareButton(page).click();
  await page.getByRole('button', { name: 'Show the solution' }).click();
  const view = page.getByRole('dialog', { name: 'Your code and the reference solution' });
  await expect(view.getByRole('status')).toHaveText(
    /could not be loaded.*Check your connection.*unchanged/,
  );
  await view.getByRole('button', { name: 'Close' }).click();
  await expect.poll(() => endOfCode(page)).toContain(MINE);

  await page.unroute('**/_astro/solution-*.json');
  await compareButton(page).click();
  await page.getByRole('button', { name: 'Show the solution' }).click();
  await expect(view.getByRole('status')).toHaveText(/Showing the difference/);
  await view.getByRole('button', { name: 'Close' }).click();
  await expect.poll(() => savedDraft(page)).toContain(MINE);
});

test('if the diff view cannot load, the solution is shown as plain text', async ({ page }) => {
  // Passed on an earlier visit: the button is there from the start, without a question.
  await page.evaluate((id) => localStorage.setItem(`workbench:v1:passed:${id}`, '1'), ID);
  await page.route(/\/_astro\/solution-diff\.[\w-]+\.js$/, (route) => route.abort());
  await page.reload();
  await openEditor(page);
  await compareButton(page).click();
  const view = page.getByRole('dialog', { name: 'Your code and the reference solution' });
  await expect(view.getByRole('status')).toHaveText(/as plain text/);
  const text = view.getByLabel('Reference solution: lines.ts');
  await expect(text).toContainText("new StringDecoder('utf8')");
  await view.getByRole('button', { name: 'Close' }).click();
  await expect(compareButton(page)).toBeFocused();
  expect(await editorText(page)).not.toContain('StringDecoder');
  expect(starter).not.toContain('StringDecoder');
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`on a phone in ${colorScheme} mode the view fits the width and passes axe`, async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize({ width: 390, height: 800 });
    await page.evaluate((id) => localStorage.setItem(`workbench:v1:passed:${id}`, '1'), ID);
    await page.reload();
    await openEditor(page);
    const button = compareButton(page);
    const box = await button.boundingBox();
    expect(box?.height).toBeGreaterThanOrEqual(24);
    await button.click();
    const view = page.getByRole('dialog', { name: 'Your code and the reference solution' });
    await expect(view.getByRole('status')).toHaveText(/Showing the difference/);
    // One column (Monaco's inline view): the left/right editor is hidden, nothing overflows.
    await expect(view.locator('.modified-in-monaco-diff-editor .view-lines')).toContainText(
      'StringDecoder',
    );
    const overflow = await view.evaluate((dialog) => ({
      page: document.documentElement.scrollWidth - window.innerWidth,
      dialog: dialog.getBoundingClientRect().right - window.innerWidth,
    }));
    expect(overflow.page).toBeLessThanOrEqual(0);
    expect(overflow.dialog).toBeLessThanOrEqual(0);
    const close = view.getByRole('button', { name: 'Close' });
    expect((await close.boundingBox())?.height).toBeGreaterThanOrEqual(24);
    expect(await dialogViolations(page)).toEqual([]);
    await close.click();
    await expect(button).toBeFocused();
  });
}
