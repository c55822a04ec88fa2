/**
 * Marks our own set-up inside a run, so that the runner's clock does not charge it to the
 * learner (src/runner/local/learner-clock.ts): opening a database takes a second on a quiet
 * machine and several on a busy one, and it is not the learner's code.
 *
 * The marks go to the run's events file, which the local runner names in WORKBENCH_EVENTS_FILE.
 * Anywhere else (a WebContainer, a bare `vitest`) there is none and this only runs `work`.
 * A run could write such marks itself; that stretches only its own time, and only up to the
 * set-up budget.
 */
import { appendFileSync } from 'node:fs';

/** @param {'setup-start' | 'setup-end'} type */
function mark(type) {
  const file = process.env.WORKBENCH_EVENTS_FILE;
  if (!file) return;
  try {
    appendFileSync(file, `${JSON.stringify({ type, t: Date.now() })}\n`);
  } catch {
    // No events file to write to: the clock then counts this span, which is only slower.
  }
}

/**
 * @template T
 * @param {() => Promise<T>} work
 * @returns {Promise<T>}
 */
export async function setUpSpan(work) {
  mark('setup-start');
  try {
    return await work();
  } finally {
    mark('setup-end');
  }
}
