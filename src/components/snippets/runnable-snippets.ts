/**
 * Gives every code block marked `runnable` (see integrations/runnable-code.ts) a Run button
 * that executes it on the tab's runner, the same one the exercises use, and shows what it
 * printed under the block. Runs on every page load, including client-side navigations.
 *
 * A block inside an element marked `data-run-locked` (a predict-the-output quiz, quiz/quiz.ts)
 * gets a disabled button, described by the element named in its `data-run-note`, until the
 * attribute goes away.
 *
 * A block marked `chart` also gets a chart area: what the example measured on this run is
 * drawn there (Chart.js is loaded only then).
 */
import type { RunResult } from '../../runner/result.ts';
import { parseChartOutput } from '../charts/chart-spec.ts';
import '../charts/charts.css';
import { loadTabRunner, routeRunnerOutput } from '../exercise/runner-settings.ts';

function statusLine(result: RunResult): string {
  const where = result.runner ? ` · ${result.runner}` : '';
  const time = `${Math.round(result.durationMs)} ms`;
  switch (result.status) {
    case 'pass':
      return `Finished in ${time}${where}`;
    case 'timeout':
      return `${result.message ?? 'Timed out.'} ${result.hint ?? ''}`.trim();
    default:
      return `${result.message ?? 'The example failed.'} ${result.hint ?? ''}`.trim();
  }
}

/** Draws the chart line of `printed` into `host`; returns what is left to show as text. */
async function showChart(
  host: HTMLElement,
  printed: string,
): Promise<{ printed: string; drawn: boolean }> {
  const parsed = parseChartOutput(printed);
  if (parsed.ok) {
    const { renderChart } = await import('../charts/chart-view.ts');
    renderChart(host, parsed.chart);
  } else {
    const note = document.createElement('p');
    note.className = 'snippet-chart-empty';
    note.textContent =
      parsed.error === undefined
        ? 'This run printed no chart (it prints one line starting with {"chart" when it finishes).'
        : `The chart this run printed cannot be drawn: ${parsed.error}`;
    host.replaceChildren(note);
  }
  return { printed: parsed.rest.trim(), drawn: parsed.ok };
}

/**
 * Examples are numbered in reading order, and a quiz's snippet apart from them, so that adding a
 * quiz never renumbers the examples that prose (and tests) refer to.
 */
function enhance(pre: HTMLPreElement, index: number, inQuiz: boolean): void {
  if (pre.dataset['enhanced']) return;
  pre.dataset['enhanced'] = 'true';
  const name = inQuiz ? `the snippet of quiz ${index + 1}` : `example ${index + 1}`;
  const panel = document.createElement('div');
  panel.className = 'snippet-run';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button';
  button.textContent = inQuiz ? 'Run the snippet' : 'Run example';
  button.setAttribute('aria-label', `Run ${name}`);
  const status = document.createElement('p');
  status.className = 'snippet-status';
  status.setAttribute('role', 'status');
  const output = document.createElement('pre');
  output.className = 'snippet-output';
  output.hidden = true;
  output.setAttribute('aria-label', `Output of ${name}`);
  const chartHost = pre.hasAttribute('data-chart') ? document.createElement('div') : undefined;
  if (chartHost) {
    chartHost.className = 'snippet-chart';
    const placeholder = document.createElement('p');
    placeholder.className = 'snippet-chart-empty';
    placeholder.textContent =
      'Run the example to measure on your runner; the chart of what it measured appears here.';
    chartHost.append(placeholder);
  }
  panel.append(button, status, ...(chartHost ? [chartHost] : []), output);
  pre.after(panel);
  const lock = pre.closest<HTMLElement>('[data-run-note]');
  const locked = () => lock?.hasAttribute('data-run-locked') ?? false;
  if (locked()) button.setAttribute('aria-describedby', lock?.dataset['runNote'] ?? '');
  button.disabled = locked();

  button.addEventListener('click', async () => {
    button.disabled = true;
    status.dataset['state'] = 'running';
    status.textContent = 'Running…';
    output.hidden = true;
    routeRunnerOutput(undefined, (notice) => (status.textContent = notice));
    try {
      const result = await (await loadTabRunner()).runScript({ source: pre.textContent ?? '' });
      status.dataset['state'] = result.status;
      status.textContent = statusLine(result);
      let printed = result.output ?? '';
      let drawn = false;
      if (chartHost) ({ printed, drawn } = await showChart(chartHost, printed));
      output.textContent = printed || '(nothing printed)';
      // A chart that is all the example printed needs no empty text box under it.
      output.hidden = drawn && !printed;
    } catch (error) {
      // Only loading the runners can throw here: a run's own failures come back as results.
      status.dataset['state'] = 'error';
      status.textContent = `The page could not load the code that runs examples (${(error as Error).message}). Check your connection and reload the page.`;
    } finally {
      button.disabled = locked();
    }
  });
}

function enhanceAll(): void {
  const all = [...document.querySelectorAll<HTMLPreElement>('pre[data-runnable]')];
  const inQuiz = (pre: HTMLPreElement) => pre.closest('[data-run-note]') !== null;
  all.filter((pre) => !inQuiz(pre)).forEach((pre, index) => enhance(pre, index, false));
  all.filter(inQuiz).forEach((pre, index) => enhance(pre, index, true));
}

document.addEventListener('astro:page-load', enhanceAll);
enhanceAll();
