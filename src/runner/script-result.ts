/**
 * The result of running a lesson's example as a plain script (not tests), in the shared result
 * model: `pass` when it exits 0, `error` when it throws or does not parse, `timeout` at the
 * limit; what it printed is the result's `output`. Isomorphic.
 */
import { RESULT_VERSION, problemResult, type RunResult } from './result.ts';
import { capText } from './sanitize.ts';
import { SETUP_LIMIT_SECONDS, type TimeUp } from './time-limits.ts';

/** The learner's budget for an example; opening a database is not counted (time-limits.ts). */
export const SCRIPT_TIME_LIMIT_SECONDS = 10;
export const SCRIPT_OUTPUT_LIMIT = 16_000;
/** Largest example accepted, in UTF-8 bytes. */
export const MAX_SCRIPT_BYTES = 64 * 1024;

export function scriptResult(run: {
  exitCode: number | null;
  timedOut: boolean;
  /** Which budget ran out, where the runner tells them apart. */
  timeUp?: TimeUp;
  output: string;
  durationMs: number;
  timeLimitSeconds: number;
  sanitize: (text: string) => string;
}): RunResult {
  const output = capText(run.sanitize(run.output).trimEnd(), SCRIPT_OUTPUT_LIMIT);
  const extra = { durationMs: run.durationMs, ...(output ? { output } : {}) };
  if (run.timedOut) {
    return problemResult(
      run.timeUp === 'setup'
        ? {
            code: 'time-limit',
            message: `Stopped after ${SETUP_LIMIT_SECONDS} s spent opening a database.`,
            hint: 'A very busy machine can do this: run it again.',
          }
        : {
            code: 'time-limit',
            message: `Timed out after ${run.timeLimitSeconds} s.`,
            hint: 'An example should finish by itself: look for a timer, server or stream left open.',
          },
      extra,
    );
  }
  if (run.exitCode === 0) {
    return { version: RESULT_VERSION, status: 'pass', tests: [], ...extra };
  }
  const syntax = /SyntaxError|ERR_INVALID_TYPESCRIPT_SYNTAX|ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX/.test(
    output,
  );
  const lastError = output
    .split('\n')
    .reverse()
    .find((line) => /^\s*(\w*Error|Error)\b|^\s*\[?ERR_/.test(line))
    ?.trim();
  return problemResult(
    {
      code: syntax ? 'syntax-error' : 'process-crashed',
      message: lastError ?? `The example exited with code ${String(run.exitCode)}.`,
      hint: syntax
        ? 'The example does not parse: check the line the error points at.'
        : 'The example threw: the output above shows where.',
    },
    extra,
  );
}
