/**
 * One lesson of each written track, the way a learner goes through it: run an example (and,
 * where it measures something, look at the chart of what it measured on this run), then solve
 * the exercise with the reference solution and see every test pass.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

interface TrackLesson {
  url: string;
  exercise: string;
  file: string;
  /** The example that draws a chart, and the chart's title. */
  chart?: { example: number; title: RegExp };
}

const lessons: TrackLesson[] = [
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
  {
    url: '/learn/04-streams/why-streams/',
    exercise: '04-streams/count-lines',
    file: 'count-lines.ts',
    chart: { example: 2, title: /Counting the lines of a \d+ MB file/ },
  },
  {
    url: '/learn/05-http-streaming/stream-the-response/',
    exercise: '05-http-streaming/file-server',
    file: 'file-server.ts',
    chart: { example: 1, title: /Server memory while a slow client downloads/ },
  },
  {
    url: '/learn/06-databases/indexes-and-explain/',
    exercise: '06-databases/index-migration',
    file: 'index-migration.ts',
    chart: { example: 2, title: /One lookup by account, as the table grows/ },
  },
  {
    url: '/learn/07-scaling/rate-limiting/',
    exercise: '07-scaling/rate-limiter',
    file: 'rate-limiter.ts',
    chart: { example: 1, title: /Requests allowed in the last second/ },
  },
  {
    url: '/learn/08-field-notes/listener-leak/',
    exercise: '08-field-notes/listener-leak',
    file: 'listener-leak.ts',
    chart: { example: 2, title: /Memory still reachable after serving short-lived connections/ },
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

    const n = lesson.chart?.example ?? 1;
    const example = page.getByRole('button', { name: `Run example ${n}` });
    await example.scrollIntoViewIfNeeded();
    await example.click();
    await expect(
      page
        .getByRole('status')
        .filter({ hasText: /^Finished in \d+ ms/ })
        .first(),
    ).toBeVisible({ timeout: 30_000 });
    if (!lesson.chart) {
      await expect(page.getByLabel(`Output of example ${n}`)).not.toHaveText('(nothing printed)');
    }

    if (lesson.chart) {
      // The chart is drawn from this run's measurements, with its numbers as a table.
      const chart = page.getByRole('figure').filter({ hasText: lesson.chart.title });
      await expect(chart.getByRole('img', { name: lesson.chart.title })).toBeVisible();
      await chart.getByText('The measurements as a table').click();
      const table = chart.getByRole('table', { name: lesson.chart.title });
      await expect(table).toBeVisible();
      expect(await table.getByRole('row').count()).toBeGreaterThan(3);
    }

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

    // Its only exercise solved, the lesson shows as done on the course home.
    await page.goto('/');
    await expect(page.locator(`li[data-exercises="${lesson.exercise}"]`)).toContainText('Done');
  });
}

test('the course home lists the lessons of track 7 instead of "coming soon"', async ({ page }) => {
  await page.goto('/');
  const track = page.getByRole('listitem').filter({
    has: page.getByRole('heading', { name: /Scaling and resilience patterns/ }),
  });
  await expect(track.getByText('Lessons coming soon.')).toHaveCount(0);
  for (const title of ['Stateless sessions', 'Load balancing', 'Rate limiting']) {
    await expect(track.getByRole('link', { name: title, exact: true })).toHaveAttribute(
      'href',
      /\/learn\/07-scaling\//,
    );
  }
});

test('the course home lists the lessons of track 8 instead of "coming soon"', async ({ page }) => {
  await page.goto('/');
  const track = page.getByRole('listitem').filter({
    has: page.getByRole('heading', { name: /Field notes/ }),
  });
  await expect(track.getByText('Lessons coming soon.')).toHaveCount(0);
  await expect(
    track.getByRole('link', { name: 'The listener that was never removed', exact: true }),
  ).toHaveAttribute('href', /\/learn\/08-field-notes\/listener-leak\//);
});
