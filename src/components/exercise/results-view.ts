/**
 * Renders a RunResult into the panel. Text only (textContent, never innerHTML): messages and
 * output come from the learner's code and must not become markup.
 */
import {
  countByStatus,
  type RunResult,
  type TestResult,
  type TestStatus,
} from '../../runner/result.ts';
import { withInlineCode } from './inline-code.ts';
import { locationElement } from './result-location.ts';

const STATUS_LABEL: Record<TestStatus, string> = {
  pass: 'Passed',
  fail: 'Failed',
  timeout: 'Timed out',
  skip: 'Not run',
};

const STATUS_ICON: Record<TestStatus, string> = { pass: '✓', fail: '✗', timeout: '⏱', skip: '–' };

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function formatDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** One sentence for the status line: what happened, in the learner's terms. */
export function summarize(result: RunResult): string {
  const counts = countByStatus(result.tests);
  const total = result.tests.length;
  switch (result.status) {
    case 'pass':
      return `All ${total} tests pass. Well done!`;
    case 'fail':
      return `${counts.pass} of ${total} tests pass; ${counts.fail} failed.`;
    case 'timeout':
      return result.message ?? 'Timed out.';
    case 'error':
      return result.message ?? 'The run failed.';
  }
}

function renderTest(test: TestResult): HTMLLIElement {
  const item = el('li', `test-result ${test.status}`);
  const head = el('div', 'test-head');
  const icon = el('span', 'test-icon', STATUS_ICON[test.status]);
  icon.setAttribute('aria-hidden', 'true');
  head.append(
    icon,
    el('span', 'visually-hidden', `${STATUS_LABEL[test.status]}: `),
    el('span', 'test-name', test.name),
    el('span', 'test-duration', test.status === 'skip' ? '' : formatDuration(test.durationMs)),
  );
  item.append(head);
  if (test.message) {
    const message = el('pre', 'test-message', test.message);
    item.append(message);
  }
  if (test.location) {
    item.append(locationElement(test.location));
  }
  if (test.output) {
    const details = el('details', 'test-output');
    details.append(el('summary', '', 'What the code printed'), el('pre', '', test.output));
    if (test.status !== 'pass') details.open = true;
    item.append(details);
  }
  return item;
}

export interface ResultsElements {
  status: HTMLElement;
  results: HTMLOListElement;
  output: HTMLElement;
}

export function renderResult(
  result: RunResult,
  elements: ResultsElements,
  runnerLabel: string,
): void {
  const { status, results, output } = elements;
  status.dataset['state'] = result.status;
  status.replaceChildren(el('strong', 'status-summary', summarize(result)));
  if (result.status === 'error' || result.status === 'timeout') {
    if (result.hint) {
      const hint = el('span', 'status-hint');
      hint.append(...withInlineCode(result.hint));
      status.append(hint);
    }
  }
  // A run that never started (the runner is down) has no duration worth showing.
  const where = result.runner ?? runnerLabel;
  status.append(
    el(
      'span',
      'status-meta',
      result.durationMs > 0 ? `${where} · ${formatDuration(result.durationMs)}` : where,
    ),
  );
  results.replaceChildren(...result.tests.map(renderTest));
  results.hidden = result.tests.length === 0;
  output.replaceChildren();
  output.hidden = !result.output;
  if (result.output) {
    const details = el('details', 'run-output');
    details.open = result.status === 'error';
    details.append(el('summary', '', 'Printed outside any test'), el('pre', '', result.output));
    output.append(details);
  }
}
