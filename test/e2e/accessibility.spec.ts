/**
 * Every page passes an axe accessibility check with no serious or critical violations: the
 * course home and every lesson, with its exercise panel and editor loaded, in the light and the
 * dark colour scheme, and again after a run on one exercise of every track. On a 390 px phone no
 * lesson scrolls sideways, the editor wraps its lines, and the panel's controls are at least
 * 24 px tall and wide.
 */
import { readdirSync, readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';

interface LessonPage {
  url: string;
  track: string;
  exercises: string[];
}

function lessons(): LessonPage[] {
  const root = new URL('../../content/lessons/', import.meta.url);
  return readdirSync(root, { withFileTypes: true })
    .filter((track) => track.isDirectory())
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((track) =>
      readdirSync(new URL(`${track.name}/`, root))
        .filter((file) => file.endsWith('.mdx'))
        .sort()
        .map((file) => {
          const source = readFileSync(new URL(`${track.name}/${file}`, root), 'utf8');
          const list = /^exercises:\n((?:\s+- .+\n)+)/m.exec(source)?.[1] ?? '';
          return {
            url: `/learn/${track.name}/${file.replace(/^\d+-/, '').replace(/\.mdx$/, '')}/`,
            track: track.name,
            exercises: [...list.matchAll(/- (\S+)/g)].map((m) => m[1] ?? ''),
          };
        }),
    );
}

const LESSONS = lessons();
/** One lesson with an exercise per track: where the results of a run are checked. */
const RUN_LESSONS = [...new Set(LESSONS.map((l) => l.track))].flatMap((track) => {
  const lesson = LESSONS.find((l) => l.track === track && l.exercises.length > 0);
  return lesson ? [lesson] : [];
});

test.beforeEach(async ({ page }) => {
  // Axe reads every node of a lesson twice; on a busy machine that takes more than the default.
  test.setTimeout(180_000);
  await page.addInitScript(() => localStorage.setItem('workbench:v1:runner-mode', 'local'));
});

/** Loads every exercise panel's editor (they load as they near the viewport). */
async function openPanels(page: Page): Promise<Locator> {
  const panels = page.locator('exercise-panel');
  for (const panel of await panels.all()) {
    await panel.scrollIntoViewIfNeeded();
    await expect(panel).toHaveAttribute('data-editor', 'monaco');
  }
  return panels;
}

/** The axe rules whose outcome depends on colours: all a change of colour scheme can affect. */
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

async function seriousViolations(page: Page, rules?: string[]): Promise<string[]> {
  const builder = new AxeBuilder({ page });
  const results = await (rules ? builder.withRules(rules) : builder).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.help} (${v.nodes
          .map((n) => `${n.target.join(' ')} ${n.any[0]?.message ?? ''}`)
          .slice(0, 3)
          .join(', ')})`,
    );
}

/**
 * Checks the page with every rule in the light scheme, then switches to dark the way a system
 * setting does and checks again what colours can change (the rest would only repeat itself, and
 * axe over a page with an editor takes seconds).
 */
async function expectAccessibleInBothSchemes(page: Page): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const editors = page.locator('exercise-panel .monaco-editor');
    // The editor's theme follows the scheme; wait for it before axe reads the colours.
    for (const editor of await editors.all()) {
      if (colorScheme === 'dark') await expect(editor).toContainClass('vs-dark');
      else await expect(editor).not.toContainClass('vs-dark');
    }
    const rules = colorScheme === 'dark' ? COLOUR_RULES : undefined;
    expect(await seriousViolations(page, rules), `${colorScheme} colour scheme`).toEqual([]);
  }
}

for (const url of ['/', ...LESSONS.map((l) => l.url)]) {
  test(`${url} has no serious or critical accessibility violations, light or dark`, async ({
    page,
  }) => {
    await page.goto(url);
    await openPanels(page);
    await expectAccessibleInBothSchemes(page);
  });
}

for (const lesson of RUN_LESSONS) {
  test(`${lesson.url} has no serious or critical accessibility violations after a run`, async ({
    page,
  }) => {
    await page.goto(lesson.url);
    const panel = (await openPanels(page)).first();
    await panel.getByRole('button', { name: /Run tests/ }).click();
    // The starter fails: the results show failed tests with messages and locations.
    await expect(panel.getByRole('list', { name: 'Test results' })).toBeVisible({
      timeout: 60_000,
    });
    await expect(panel).not.toHaveAttribute('aria-busy', 'true', { timeout: 60_000 });
    await expectAccessibleInBothSchemes(page);
  });
}

test.describe('on a 390 px phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  for (const lesson of LESSONS) {
    test(`${lesson.url} does not scroll sideways`, async ({ page }) => {
      await page.goto(lesson.url);
      await openPanels(page);
      const widths = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      expect(widths.scroll, 'page width in CSS px').toBeLessThanOrEqual(widths.client);
    });
  }

  test('the editor wraps long lines and the panel controls are at least 24 px', async ({
    page,
  }) => {
    const lesson = RUN_LESSONS.find((l) => l.track === '04-streams') ?? RUN_LESSONS[0]!;
    await page.goto(lesson.url);
    const panel = (await openPanels(page)).first();
    const editor = panel.locator('.monaco-editor');
    // Wrapped lines fit the editor: Monaco sizes .view-lines to its longest rendered line.
    const sizes = await editor.evaluate((element) => ({
      editor: element.getBoundingClientRect().width,
      lines: element.querySelector('.view-lines')?.scrollWidth ?? Infinity,
    }));
    expect(sizes.lines).toBeLessThanOrEqual(sizes.editor);

    await panel.getByRole('button', { name: /Run tests/ }).click();
    await expect(panel.getByRole('list', { name: 'Test results' })).toBeVisible({
      timeout: 60_000,
    });
    const controls = panel.locator(
      'button:visible, select:visible, summary:visible, a:visible, input:visible',
    );
    expect(await controls.count()).toBeGreaterThan(5);
    const small: string[] = [];
    for (const control of await controls.all()) {
      const box = await control.boundingBox();
      if (box && (box.height < 24 || box.width < 24)) {
        small.push(
          `${(await control.innerText()).slice(0, 40)}: ${Math.round(box.width)}x${Math.round(box.height)}`,
        );
      }
    }
    expect(small).toEqual([]);
  });
});
