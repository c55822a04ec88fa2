/**
 * The one result model every front end speaks: the browser panel, the local runner's HTTP API,
 * the WebContainer runner and the grading CLI. It is versioned because results are stored (CI
 * artefacts, browser storage) and sent between processes that may not be upgraded together.
 *
 * This module is isomorphic: no Node built-ins, so the browser bundle can import it.
 */
import { z } from 'zod';

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

const locationSchema = z.strictObject({
  file: z.string(),
  line: z.number().int().min(1),
  column: z.number().int().min(1).optional(),
});
export type SourceLocation = z.infer<typeof locationSchema>;

export const testResultSchema = z.strictObject({
  name: z.string(),
  status: z.enum(testStatuses),
  message: z.string().optional(),
  /** What the test printed (console.log and friends), stdout and stderr interleaved. */
  output: z.string().optional(),
  durationMs: z.number().min(0),
  /** Where the failing assertion is, in the learner's terms (`lines.test.ts:12`). */
  location: locationSchema.optional(),
});
export type TestResult = z.infer<typeof testResultSchema>;

export const runResultSchema = z.strictObject({
  version: z.literal(RESULT_VERSION),
  status: z.enum(runStatuses),
  message: z.string().optional(),
  /** What to do about `message`, in one sentence. */
  hint: z.string().optional(),
  errorCode: z.enum(errorCodes).optional(),
  location: locationSchema.optional(),
  tests: z.array(testResultSchema),
  /** Output printed outside any test (module top level, a crash). */
  output: z.string().optional(),
  durationMs: z.number().min(0),
  /** Where the code ran, e.g. "Local runner · Node 24.11.0". */
  runner: z.string().optional(),
});
export type RunResult = z.infer<typeof runResultSchema>;

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

export function countByStatus(tests: readonly TestResult[]): Record<TestStatus, number> {
  const counts: Record<TestStatus, number> = { pass: 0, fail: 0, timeout: 0, skip: 0 };
  for (const t of tests) counts[t.status] += 1;
  return counts;
}

/**
 * Parses a result received from another process or over the network. Anything that does not
 * match becomes an error result rather than an exception, so a runner from a newer or older
 * release shows a clear message instead of a blank panel.
 */
export function parseRunResult(value: unknown): RunResult {
  const parsed = runResultSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const version =
    typeof value === 'object' && value !== null && 'version' in value ? value.version : undefined;
  return problemResult({
    code: 'runner-failure',
    message:
      version !== undefined && version !== RESULT_VERSION
        ? `The runner answered with result format version ${String(version)}; this page understands version ${RESULT_VERSION}.`
        : 'The runner answered with a result this page cannot read.',
    hint: 'Reload the page; if it persists, restart the local runner (npm start) so both come from the same release.',
  });
}
