/**
 * When the learner may compare their code with the reference solution, and whether to ask
 * first. Pure, so the rules are tested without a browser (test/unit/solution-gate.test.ts).
 *
 * The comparison is offered once the learner has run their code: straight away after a pass
 * (they solved it; the solution is another way to see it), and after a failed run only once they
 * confirm, because seeing the answer too early ends the exercise for them.
 */
import type { RunResult } from '../../runner/result.ts';

export type SolutionAccess =
  /** No run of the learner's code yet: nothing offered. */
  | 'hidden'
  /** Ran, never passed: offered, behind a confirmation. */
  | 'confirm'
  /** Passed (here or in an earlier visit): offered without a question. */
  | 'open';

/**
 * Results that say nothing about the learner's code: the runner could not be reached or
 * loaded, or refused the request. Such a "run" is not an attempt.
 */
const NOT_AN_ATTEMPT = new Set<RunResult['errorCode']>([
  'runner-unavailable',
  'runner-failure',
  'bad-request',
  'unknown-exercise',
]);

export function initialAccess(passedBefore: boolean): SolutionAccess {
  return passedBefore ? 'open' : 'hidden';
}

export function accessAfterRun(
  access: SolutionAccess,
  result: Pick<RunResult, 'status' | 'errorCode'>,
): SolutionAccess {
  if (result.status === 'pass') return 'open';
  if (result.status === 'error' && NOT_AN_ATTEMPT.has(result.errorCode)) return access;
  // A failure after a pass does not take back what the pass allowed.
  return access === 'open' ? 'open' : 'confirm';
}

export interface ComparedFile {
  name: string;
  /** The learner's code as it is in the editor now. */
  yours: string;
  solution: string;
}

/**
 * One pair per editable file, in the editor's order. A file the solution does not have (an
 * older solution file than the page) is compared with nothing rather than left out, so the
 * learner sees every file they edited.
 */
export function compareFiles(
  editable: readonly string[],
  yours: Readonly<Record<string, string>>,
  solution: Readonly<Record<string, string>>,
): ComparedFile[] {
  return editable.map((name) => ({
    name,
    yours: yours[name] ?? '',
    solution: solution[name] ?? '',
  }));
}

/** What to tell the learner when the solution's file could not be fetched or read. */
export function loadFailureMessage(
  failure: { kind: 'offline' } | { kind: 'http'; status: number } | { kind: 'invalid' },
): string {
  const unchanged = 'Your code in the editor is unchanged.';
  switch (failure.kind) {
    case 'offline':
      return `The solution could not be loaded: this browser seems to be offline or the site is not reachable. Check your connection, then press Compare with the solution again. ${unchanged}`;
    case 'http':
      return failure.status === 404
        ? `The solution was not found on the server (HTTP 404); the site may have been updated since this page loaded. Reload the page, then press Compare with the solution again. ${unchanged}`
        : `The server could not send the solution (HTTP ${failure.status}). Try again in a moment. ${unchanged}`;
    case 'invalid':
      return `The solution file that arrived is not one this page can read; the site may have been updated since this page loaded. Reload the page, then press Compare with the solution again. ${unchanged}`;
  }
}

/** The editor language for a file: the editor registers only TypeScript, which covers JS too. */
export function languageOf(name: string): string {
  return /\.[cm]?[jt]s$/.test(name) ? 'typescript' : 'plaintext';
}
