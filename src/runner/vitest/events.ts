/**
 * What `events-reporter.ts` writes, one JSON object per line, while vitest runs. The JSON
 * reporter's file is the authority on test status; these events add what it lacks: what each
 * test printed, the assertion diff and location, and which tests had finished when a run was
 * killed at its time limit (the JSON report is only written at the very end).
 */
export interface EventError {
  message: string;
  name?: string;
  diff?: string;
  /** First stack frame inside the workspace, relative to it. */
  location?: { file: string; line: number; column?: number };
}

export type VitestEvent =
  /** A worker picked up the file (before importing it); `t` is the reporter's clock in ms. */
  | { type: 'module-start'; file: string; t: number }
  | { type: 'module-end'; file: string }
  | { type: 'collected'; file: string; tests: Array<{ id: string; name: string }> }
  /** From progress-setup.ts, written inside the worker, so never held back. */
  | { type: 'test-start'; id: string }
  | { type: 'test-finish'; id: string; state: 'pass' | 'fail' }
  /**
   * A test file, and with it the learner's module, started and finished loading. `t` is
   * Date.now() where it was written: the learner's clock (local/learner-clock.ts) starts here.
   */
  | { type: 'load-start'; t: number }
  | { type: 'load-end'; t: number }
  /** From the exercise kit: our own set-up (opening a database), not counted as the learner's. */
  | { type: 'setup-start'; t: number }
  | { type: 'setup-end'; t: number }
  /** The submission replaced something the tests judge it with (an assertion, Object.is). */
  | { type: 'tamper'; what: string }
  | {
      type: 'test-end';
      id: string;
      state: 'passed' | 'failed' | 'skipped' | 'pending';
      durationMs: number;
      errors: EventError[];
    }
  /** `testId` when a test printed it; otherwise `file` when the file's top-level code did. */
  | { type: 'log'; testId?: string; file?: string; stream: 'stdout' | 'stderr'; content: string }
  | { type: 'unhandled'; errors: EventError[] };

/** The environment variable naming the events file. */
export const EVENTS_FILE_ENV = 'WORKBENCH_EVENTS_FILE';

/** The progress module's name inside a workspace: a dot file, so no editable file can clash. */
export const PROGRESS_MODULE = '.workbench-progress.ts';

/**
 * A test file as written into a workspace: the progress import, on the file's own line 1 so no
 * line number moves. The call after it runs once every import of the file has been evaluated,
 * the learner's module included (imports are hoisted), which is when loading ends.
 */
export function withProgressImport(testSource: string): string {
  return `import { loaded as __workbenchLoaded } from './${PROGRESS_MODULE}'; __workbenchLoaded(); ${testSource}`;
}
