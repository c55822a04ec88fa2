/**
 * The one result model every front end speaks: the browser panel, the local runner's HTTP API,
 * the WebContainer runner and the grading CLI. It is versioned because results are stored (CI
 * artefacts, browser storage) and sent between processes that may not be upgraded together.
 *
 * This module is isomorphic (no Node built-ins) and has no dependencies, so every lesson page can
 * import it for nothing. The schema that checks a result from elsewhere is result-schema.ts.
 */
export const RESULT_VERSION = 1;

export const runStatuses = ['pass', 'fail', 'error', 'timeout'] as const;
export type RunStatus = (typeof runStatuses)[number];

/**
 * `skip` covers tests that never ran because the run stopped early (a timeout, a crash), so
 * the learner still sees the whole list in file order.
 */
export const testStatuses = ['pass', 'fail', 'timeout', 'skip'] as const;
export type TestStatus = (typeof testStatuses)[number];

/**
 * Why a run ended in `error` or `timeout`, for code that must react differently (fall back to
 * another runner, annotate a line). The learner reads `message` and `hint`, never the code.
 */
export const errorCodes = [
  'syntax-error',
  'load-error',
  'no-tests',
  'process-crashed',
  'time-limit',
  'output-limit',
  'cpu-limit',
  'memory-limit',
  'process-limit',
  'disk-limit',
  'tampering',
  'bad-request',
  'unknown-exercise',
  'missing-file',
  'unexpected-file',
  'runner-unavailable',
  'runner-failure',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

// Optional fields say `| undefined` because that is what the schema (result-schema.ts) lets
// through: a parsed result must be assignable to these types.
export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  column?: number | undefined;
}

export interface TestResult {
  name: string;
  status: TestStatus;
  message?: string | undefined;
  /** What the test printed (console.log and friends), stdout and stderr interleaved. */
  output?: string | undefined;
  durationMs: number;
  /** Where the failing assertion is, in the learner's terms (`lines.test.ts:12`). */
  location?: SourceLocation | undefined;
}

export interface RunResult {
  version: typeof RESULT_VERSION;
  status: RunStatus;
  message?: string | undefined;
  /** What to do about `message`, in one sentence. */
  hint?: string | undefined;
  errorCode?: ErrorCode | undefined;
  location?: SourceLocation | undefined;
  tests: TestResult[];
  /** Output printed outside any test (module top level, a crash). */
  output?: string | undefined;
  durationMs: number;
  /** Where the code ran, e.g. "Local runner · Node 24.11.0". */
  runner?: string | undefined;
}

/** An error the runner reports instead of a test result: a message and what to do about it. */
export interface RunProblem {
  code: ErrorCode;
  message: string;
  hint: string;
  location?: SourceLocation;
}

/** A result for a run that produced no test results at all. */
export function problemResult(
  problem: RunProblem,
  extra: { durationMs?: number; output?: string; tests?: TestResult[] } = {},
): RunResult {
  const status: RunStatus = problem.code === 'time-limit' ? 'timeout' : 'error';
  return {
    version: RESULT_VERSION,
    status,
    message: problem.message,
    hint: problem.hint,
    errorCode: problem.code,
    ...(problem.location ? { location: problem.location } : {}),
    tests: extra.tests ?? [],
    ...(extra.output ? { output: extra.output } : {}),
    durationMs: extra.durationMs ?? 0,
  };
}

/** The run status implied by its tests: any failure fails the run; no tests is an error. */
export function statusFromTests(tests: readonly TestResult[]): RunStatus {
  if (tests.length === 0) return 'error';
  if (tests.some((t) => t.status === 'timeout')) return 'timeout';
  if (tests.some((t) => t.status !== 'pass')) return 'fail';
  return 'pass';
}

/** A test the learner has to fix: it ran and failed, or ran out of time. */
export function isFailing(test: TestResult): boolean {
  return test.status === 'fail' || test.status === 'timeout';
}

export function countByStatus(tests: readonly TestResult[]): Record<TestStatus, number> {
  const counts: Record<TestStatus, number> = { pass: 0, fail: 0, timeout: 0, skip: 0 };
  for (const t of tests) counts[t.status] += 1;
  return counts;
}
