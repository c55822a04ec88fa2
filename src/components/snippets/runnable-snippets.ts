/**
 * Gives every code block marked `runnable` (see integrations/runnable-code.ts) a Run button
 * that executes it on the tab's runner, the same one the exercises use, and shows what it
 * printed under the block. Runs on every page load, including client-side navigations.
 */
import type { RunResult } from '../../runner/result.ts';
import { routeRunnerOutput, tabRunner } from '../exercise/runner-choice.ts';

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

function enhance(pre: HTMLPreElement, index: number): void {
  if (pre.dataset['enhanced']) return;
  pre.dataset['enhanced'] = 'true';
  const panel = document.createElement('div');
  panel.className = 'snippet-run';
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Run example';
  button.setAttribute('aria-label', `Run example ${index + 1}`);
  const status = document.createElement('p');
  status.className = 'snippet-status';
  status.setAttribute('role', 'status');
  const output = document.createElement('pre');
  output.className = 'snippet-output';
  output.hidden = true;
  output.setAttribute('aria-label', `Output of example ${index + 1}`);
  panel.append(button, status, output);
  pre.after(panel);

  button.addEventListener('click', async () => {
    button.disabled = true;
    status.dataset['state'] = 'running';
    status.textContent = 'Running…';
    output.hidden = true;
    routeRunnerOutput(undefined, (notice) => (status.textContent = notice));
    try {
      const result = await tabRunner().runScript({ source: pre.textContent ?? '' });
      status.dataset['state'] = result.status;
      status.textContent = statusLine(result);
      output.textContent = result.output ?? '(nothing printed)';
      output.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
}

function enhanceAll(): void {
  document.querySelectorAll<HTMLPreElement>('pre[data-runnable]').forEach(enhance);
}

document.addEventListener('astro:page-load', enhanceAll);
enhanceAll();
