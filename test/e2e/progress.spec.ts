/**
 * The learner owns their progress: a solved exercise shows as passed after a reload, the course
 * home shows how far they are and where to continue, and everything moves to another browser
 * as a file that imports back without replacing newer work unasked.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
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
} from './helpers.ts';

const solution = readRepoFile('solutions/04-streams/lines/lines.ts');
const DRAFT_KEY = 'workbench:v1:draft:04-streams/lines';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('workbench:v1:runner-mode', 'local'));
});

function courseProgress(page: Page) {
  return page.getByRole('progressbar', { name: /exercises passed/ });
}

function importFile(page: Page) {
  return page.getByLabel('Import progress file');
}

function transferStatus(page: Page) {
  return page.getByRole('region', { name: 'Your progress' }).getByRole('status');
}

/** A progress file as another browser exported it, with a draft of lines.ts saved at `savedAt`. */
function progressFile(code: string, savedAt: number) {
  const json = JSON.stringify({
    format: 'node-internals-workbench/progress',
    version: 1,
    exportedAt: new Date(savedAt).toISOString(),
    passed: { '04-streams/csv-rows': savedAt },
    drafts: { '04-streams/lines': { files: { 'lines.ts': code }, savedAt } },
    other: {},
  });
  return {
    name: 'workbench-progress-2026-01-01.json',
    mimeType: 'application/json',
    buffer: Buffer.from(json),
  };
}

test('a pass shows after a reload, on the home with Continue, and survives export, clearing and import', async ({
  page,
  context,
}, testInfo) => {
  // A real run on a busy machine, then two pages and an import: more than the default allows.
  test.setTimeout(240_000);
  // A first-time visitor sees nothing done and nothing to continue.
  await page.goto('/');
  await expect(courseProgress(page)).toHaveAccessibleName(/^0 of \d+ exercises passed/);
  await expect(page.getByRole('link', { name: /^Continue/ })).toHaveCount(0);

  // Solved the real way: the reference solution, run on the local runner.
  await page.goto(LESSON_URL);
  const editor = await openEditor(page);
  await pasteCode(page, editor, solution);
  await expect.poll(() => savedDraft(page)).toBe(solution);
  await runAndWait(page);
  await expect(runStatus(page)).toContainText(/All \d+ tests pass/);
  await expect(exercisePanel(page).getByText(/^Passed on /)).toBeVisible();

  await page.reload();
  await expect(exercisePanel(page).getByText(/^Passed on /)).toBeVisible();
  await expect(page.getByText('1 of 2 exercises passed')).toBeVisible();

  await page.goto('/');
  await expect(courseProgress(page)).toHaveAccessibleName(/^1 of \d+ exercises passed/);
  await expect(courseProgress(page)).toHaveJSProperty('value', 1);
  const resume = page.getByRole('link', { name: 'Continue: Transform streams' });
  await expect(resume).toHaveAttribute('href', LESSON_URL);

  // Export downloads a dated file holding the pass and the draft.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export progress' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^workbench-progress-\d{4}-\d{2}-\d{2}\.json$/);
  const saved = testInfo.outputPath(download.suggestedFilename());
  await download.saveAs(saved);
  const exported = JSON.parse(await readFile(saved, 'utf8')) as Record<string, unknown>;
  expect(exported).toMatchObject({
    format: 'node-internals-workbench/progress',
    version: 1,
    passed: { '04-streams/lines': expect.any(Number) },
    drafts: { '04-streams/lines': { files: { 'lines.ts': solution } } },
    other: { 'runner-mode': 'local' },
  });

  // A new browser, in effect: nothing stored. A tab of the lesson is open, showing the starter.
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(courseProgress(page)).toHaveAccessibleName(/^0 of/);
  await expect(resume).toHaveCount(0);
  const other = await context.newPage();
  await other.goto(LESSON_URL);
  await openEditor(other);
  await expect.poll(() => editorText(other)).not.toContain('StringDecoder');

  await page.bringToFront();
  await importFile(page).setInputFiles(saved);
  await expect(transferStatus(page)).toContainText('Imported 1 passed exercise, 1 draft');
  await expect(courseProgress(page)).toHaveAccessibleName(/^1 of/);
  await expect(resume).toBeVisible();
  // The open tab took up the imported draft and pass.
  await expect.poll(() => editorText(other)).toContain('StringDecoder');
  await expect(exercisePanel(other).getByText(/^Passed on /)).toBeVisible();
  await other.close();

  await resume.click();
  await expect(page).toHaveURL(new RegExp(`${LESSON_URL}$`));
  await expect(exercisePanel(page).getByText(/^Passed on /)).toBeVisible();
  expect(await savedDraft(page)).toBe(solution);
});

test('an older file over a newer draft asks first; "keep mine" keeps it, "use imported" takes it', async ({
  page,
}) => {
  // On a phone: the question fits the screen, nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto('/');
  const mine = { files: { 'lines.ts': '// mine, edited just now' }, savedAt: Date.now() };
  await page.evaluate(([key, value]) => localStorage.setItem(key, value), [
    DRAFT_KEY,
    JSON.stringify(mine),
  ] as const);
  const older = progressFile('// from the file', Date.UTC(2026, 0, 1));
  const stored = () => page.evaluate((key) => localStorage.getItem(key), DRAFT_KEY);

  await importFile(page).setInputFiles(older);
  const question = page.getByRole('dialog', { name: 'Replace newer drafts?' });
  await expect(question).toBeVisible();
  await expect(question.getByRole('listitem')).toHaveText([
    /^04-streams\/lines \(Transform streams\): yours edited .+, the file's .+/,
  ]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(
    true,
  );
  // Keeping mine is the answer nearest to hand.
  await expect(question.getByRole('button', { name: 'Keep mine' })).toBeFocused();
  await question.getByRole('button', { name: 'Keep mine' }).click();
  await expect(question).toBeHidden();
  await expect(transferStatus(page)).toContainText(
    'Imported 1 passed exercise. Kept your newer draft.',
  );
  expect(JSON.parse((await stored()) ?? 'null')).toEqual(mine);

  await importFile(page).setInputFiles(older);
  await question.getByRole('button', { name: 'Use imported' }).click();
  await expect(transferStatus(page)).toContainText('Imported 1 draft.');
  expect(JSON.parse((await stored()) ?? 'null')).toMatchObject({
    files: { 'lines.ts': '// from the file' },
  });
});

test('a file that is not a progress file is refused with a clear message, changing nothing', async ({
  page,
}) => {
  await page.goto('/');
  const before = await page.evaluate(() => JSON.stringify(localStorage));
  const tries = [
    { buffer: 'not json at all', message: /not a Workbench progress file \(it is not JSON\)/ },
    { buffer: '{"name":"a package.json"}', message: /not a Workbench progress file/ },
    {
      buffer: JSON.stringify({ format: 'node-internals-workbench/progress', version: 9 }),
      message: /newer version of the Workbench/,
    },
    {
      buffer: JSON.stringify({
        ...JSON.parse(progressFile('x', Date.UTC(2026, 0, 1)).buffer.toString()),
        passed: { '04-streams/lines': 'yesterday' },
      }),
      message: /damaged \("passed\.04-streams\/lines"/,
    },
  ];
  for (const { buffer, message } of tries) {
    await importFile(page).setInputFiles({
      name: 'progress.json',
      mimeType: 'application/json',
      buffer: Buffer.from(buffer),
    });
    await expect(transferStatus(page)).toContainText(message);
    await expect(transferStatus(page)).toContainText('Nothing was imported.');
  }
  expect(await page.evaluate(() => JSON.stringify(localStorage))).toBe(before);
  await expect(courseProgress(page)).toHaveAccessibleName(/^0 of/);
});
