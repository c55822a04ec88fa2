/**
 * `npm run bench`: what a learner feels, from the click on Run to the results in the panel, in
 * Chromium against the built server's local runner (04-streams/lines, reference solution).
 * Beside it, the same run through the API without a browser and a bare `node -e 0` spawn, all
 * measured in this run: compare the ratios, not the milliseconds, between machines.
 *
 * Needs a build (`npm run build`; `npm run bench` does it) and a Chromium (test/e2e/chromium.ts
 * finds one as the browser tests do).
 */
import { chromium } from '@playwright/test';
import { draftKey } from '../src/components/exercise/drafts.ts';
import { requireChromium } from '../test/e2e/chromium.ts';
import {
  bareSpawnMedian,
  median,
  solutionFiles,
  startBuiltServer,
  timedRun,
  untilWarm,
} from './built-server.ts';

const CLICKS = 15;
const SPAWNS = 10;
const EXERCISE = '04-streams/lines';
const LESSON = '/learn/04-streams/transform-streams/';

const files = solutionFiles(EXERCISE);
const server = await startBuiltServer();
const { base } = server;
const found = requireChromium();
const browser = await chromium.launch({
  executablePath: found.executablePath,
  env: { ...process.env, ...found.env },
});

try {
  const page = await browser.newPage();
  // The learner's code is the reference solution, as a saved draft; the local runner answers.
  await page.addInitScript(
    ({ key, files }) => {
      localStorage.setItem('workbench:v1:runner-mode', 'local');
      localStorage.setItem(key, JSON.stringify({ files, savedAt: Date.now() }));
    },
    { key: draftKey(EXERCISE), files },
  );
  await page.goto(`${base}${LESSON}`);
  const panel = page.getByRole('region', { name: /lines\(\)/ });
  await panel.scrollIntoViewIfNeeded();
  await panel.getByRole('textbox', { name: 'Code editor' }).waitFor({ state: 'attached' });

  /** Click to the frame that shows the results, timed inside the page. */
  const clickToResults = async () => {
    await untilWarm(base);
    return page.evaluate(async () => {
      const panel = document.querySelector<HTMLElement>('exercise-panel')!;
      const button = panel.querySelector<HTMLButtonElement>('button[data-action="run"]')!;
      const done = new Promise<void>((resolve) => {
        const observer = new MutationObserver(() => {
          if (panel.getAttribute('aria-busy') !== 'true' && panel.dataset['lastStatus']) {
            observer.disconnect();
            resolve();
          }
        });
        observer.observe(panel, { attributes: true });
      });
      delete panel.dataset['lastStatus'];
      const started = performance.now();
      button.click();
      await done;
      // The results are on screen at the next frame.
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      return { ms: performance.now() - started, status: panel.dataset['lastStatus'] };
    });
  };

  const first = await clickToResults();
  if (first.status !== 'pass') throw new Error(`Expected a pass, got ${first.status}`);
  const clicks: number[] = [];
  for (let i = 0; i < CLICKS; i += 1) {
    const { ms, status } = await clickToResults();
    if (status !== 'pass') throw new Error(`Expected a pass, got ${status}`);
    clicks.push(ms);
  }

  const api: number[] = [];
  for (let i = 0; i < CLICKS; i += 1) api.push(await timedRun(base, EXERCISE, files));

  const spawnMedian = bareSpawnMedian(SPAWNS);

  const row = (label: string, ms: number) =>
    `  ${label.padEnd(34)}${ms.toFixed(0).padStart(6)} ms  ${(ms / spawnMedian).toFixed(1).padStart(5)} x`;
  console.log(`Click to results in Chromium, ${EXERCISE}, reference solution, local runner`);
  console.log(row(`first click after page load`, first.ms));
  console.log(row(`median of ${CLICKS} clicks`, median(clicks)));
  console.log(row(`median of ${CLICKS} API runs, no browser`, median(api)));
  console.log(row(`baseline: node -e 0 (median of ${SPAWNS})`, spawnMedian));
} finally {
  await browser.close();
  server.stop();
}
