/**
 * Turns what one vitest run left behind (its JSON report, the events file, its exit) into the
 * shared RunResult. Pure and isomorphic: the local runner and the WebContainer runner read the
 * files in their own way and hand the text here, so both grade identically.
 */
import {
  RESULT_VERSION,
  problemResult,
  statusFromTests,
  type RunProblem,
  type RunResult,
  type SourceLocation,
  type TestResult,
  type TestStatus,
} from '../result.ts';
import { capText, withoutStackFrames } from '../sanitize.ts';
import { SETUP_LIMIT_SECONDS, type TimeUp } from '../time-limits.ts';
import type { EventError, VitestEvent } from './events.ts';

/** Per test: enough to read a failure, small enough to keep the panel fast. */
export const TEST_OUTPUT_LIMIT = 8_000;
/** Output outside tests and crash logs. */
export const RUN_OUTPUT_LIMIT = 16_000;

export interface RunArtifacts {
  /** The JSON reporter's file, if it was written. */
  report: string | undefined;
  /** The events file, if any event was written. */
  events: string | undefined;
  /** Whatever the process printed (stdout and stderr), for crashes that left no report. */
  processOutput: string;
  exitCode: number | null;
  /** True when the runner killed the run at its time limit. */
  timedOut: boolean;
  /**
   * Which budget ran out, where the runner keeps the learner's time apart from its set-up;
   * absent where one wall-clock limit covers both (the WebContainer runner).
   */
  timeUp?: TimeUp;
  timeLimitSeconds: number;
  durationMs: number;
  /** Removes ANSI codes and absolute paths. */
  sanitize: (text: string) => string;
}

interface JsonAssertion {
  ancestorTitles: string[];
  title: string;
  status: string;
  duration?: number | null;
  failureMessages?: string[];
}

interface JsonFile {
  name: string;
  status: string;
  message?: string;
  assertionResults: JsonAssertion[];
}

interface JsonReport {
  testResults: JsonFile[];
}

export function parseEvents(text: string | undefined): VitestEvent[] {
  if (!text) return [];
  const events: VitestEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as VitestEvent);
    } catch {
      // A line cut short by a kill at the time limit: everything before it is still good.
    }
  }
  return events;
}

function parseReport(text: string | undefined): JsonReport | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<JsonReport>;
    return Array.isArray(value.testResults) ? (value as JsonReport) : undefined;
  } catch {
    return undefined;
  }
}

class EventIndex {
  readonly collected: Array<{ id: string; name: string }> = [];
  readonly ends = new Map<string, Extract<VitestEvent, { type: 'test-end' }>>();
  readonly started = new Set<string>();
  readonly finished = new Map<string, 'pass' | 'fail'>();
  readonly output = new Map<string, string>();
  looseOutput = '';
  unhandled: EventError[] = [];
  tampered: string | undefined;
  /** Test files that started loading and did not finish: the learner's top-level code ran. */
  loading = 0;
  private readonly byName = new Map<string, string[]>();

  constructor(events: readonly VitestEvent[]) {
    for (const event of events) {
      switch (event.type) {
        case 'collected':
          for (const test of event.tests) {
            this.collected.push(test);
            const ids = this.byName.get(test.name) ?? [];
            ids.push(test.id);
            this.byName.set(test.name, ids);
          }
          break;
        case 'load-start':
          this.loading += 1;
          break;
        case 'load-end':
          this.loading = Math.max(0, this.loading - 1);
          break;
        case 'module-start':
        case 'module-end':
        case 'setup-start':
        case 'setup-end':
          break;
        case 'test-start':
          this.started.add(event.id);
          break;
        case 'test-finish':
          this.finished.set(event.id, event.state);
          break;

        case 'test-end':
          this.ends.set(event.id, event);
          break;
        case 'log':
          if (event.testId === undefined) this.looseOutput += event.content;
          else this.output.set(event.testId, (this.output.get(event.testId) ?? '') + event.content);
          break;
        case 'unhandled':
          this.unhandled = this.unhandled.concat(event.errors);
          break;
        case 'tamper':
          this.tampered ??= event.what;
          break;
      }
    }
  }

  /** The test that started and never finished: the one running when the process stopped. */
  running(): { id: string; name: string } | undefined {
    return this.collected.find(
      ({ id }) => this.started.has(id) && !this.ends.has(id) && !this.finished.has(id),
    );
  }

  /** The id of the `occurrence`-th test with this full name (names may repeat). */
  idFor(name: string, occurrence: number): string | undefined {
    return this.byName.get(name)?.[occurrence];
  }
}

function formatError(error: EventError, sanitize: (text: string) => string): string {
  const head =
    error.name && error.name !== 'Error' && error.name !== 'AssertionError'
      ? `${error.name}: ${error.message}`
      : error.message;
  const parts = [head];
  if (error.diff) parts.push(error.diff);
  return sanitize(parts.join('\n\n')).trimEnd();
}

function mapStatus(status: string, message: string | undefined): TestStatus {
  if (status === 'passed') return 'pass';
  if (status === 'failed') return message?.includes('Test timed out in') ? 'timeout' : 'fail';
  return 'skip';
}

/** Event locations are relative to vitest's root, which in a batch holds many workspaces. */
function cleanLocation(
  location: SourceLocation | undefined,
  sanitize: (text: string) => string,
): SourceLocation | undefined {
  return location ? { ...location, file: sanitize(location.file) } : undefined;
}

const LOCATION = /([\w./-]+\.(?:[cm]?[jt]s|tsx?)):(\d+):(\d+)/;

function findLocation(text: string): SourceLocation | undefined {
  const match = LOCATION.exec(text);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return { file: match[1], line: Number(match[2]), column: Number(match[3]) };
}

function fileProblem(file: JsonFile, sanitize: (text: string) => string): RunProblem {
  const message = sanitize(file.message ?? '').trim();
  const location = findLocation(message);
  const isSyntax = /PARSE_ERROR|SyntaxError|Transform failed|Unexpected token|Expected /.test(
    message,
  );
  if (isSyntax) {
    return {
      code: 'syntax-error',
      message: `Your code could not be parsed${location ? ` (${location.file}, line ${location.line})` : ''}:\n\n${message}`,
      hint: location
        ? `Fix the syntax at ${location.file}:${location.line}:${location.column ?? 1}, then run again.`
        : 'Fix the syntax error shown above, then run again.',
      ...(location ? { location } : {}),
    };
  }
  return {
    code: 'load-error',
    message: `The tests could not load your code:\n\n${withoutStackFrames(message)}`,
    hint: 'Something threw while the module was being imported: look at top-level code, outside any function.',
    ...(location ? { location } : {}),
  };
}

/**
 * The tests of a run that left no JSON report, from its events alone: results that reached
 * the reporter, and from inside the test file, which tests started and finished. `unfinished`
 * says what became of the test that started and never finished.
 */
function testsFromEvents(
  index: EventIndex,
  artifacts: RunArtifacts,
  stopped: { unfinished: Omit<TestResult, 'name'>; lost: string; notRun: string },
): TestResult[] {
  return index.collected.map(({ id, name }) => {
    const end = index.ends.get(id);
    const output = index.output.get(id);
    const base = {
      name,
      ...(output ? { output: capText(artifacts.sanitize(output), TEST_OUTPUT_LIMIT) } : {}),
    };
    if (end) {
      const status = mapStatus(end.state, end.errors[0]?.message);
      const message = end.errors.map((e) => formatError(e, artifacts.sanitize)).join('\n\n');
      return { ...base, status, durationMs: end.durationMs, ...(message ? { message } : {}) };
    }
    const finished = index.finished.get(id);
    if (finished) {
      // It finished, but its details had not reached the reporter when the run ended.
      return {
        ...base,
        status: finished,
        ...(finished === 'fail' ? { message: stopped.lost } : {}),
        durationMs: 0,
      };
    }
    if (index.started.has(id)) return { ...base, ...stopped.unfinished };
    return { ...base, status: 'skip' as const, message: stopped.notRun, durationMs: 0 };
  });
}

/** A run killed at its time limit: the test that started and never finished was running. */
function timeoutResult(index: EventIndex, artifacts: RunArtifacts): RunResult {
  const setup = artifacts.timeUp === 'setup';
  const seconds = setup ? SETUP_LIMIT_SECONDS : artifacts.timeLimitSeconds;
  const tests = testsFromEvents(index, artifacts, {
    unfinished: {
      status: 'timeout',
      message: setup
        ? `Still running when the run was stopped after ${seconds} s of set-up.`
        : `Still running when the time limit of ${seconds} s was reached.`,
      durationMs: seconds * 1000,
    },
    lost: 'Failed; the details were lost when the run was stopped at the time limit.',
    notRun: 'Not run: the run was stopped.',
  });
  const running = tests.find((t) => t.status === 'timeout');
  const where = running
    ? `in "${running.name}"`
    : index.started.size > 0
      ? 'after the last test (an afterAll hook?)'
      : 'before any test started';
  return problemResult(
    setup
      ? {
          code: 'time-limit',
          message: `Stopped after ${seconds} s of set-up (starting the tests, opening a database), ${where}.`,
          hint: 'A very busy machine can do this: run again. If it happens every time, look for a hook that waits on your code: a callback never called, a promise never settled.',
        }
      : {
          code: 'time-limit',
          message:
            !running && index.loading > 0
              ? `Timed out after ${seconds} s while your code was loading, before any test started (top-level code that never finishes?).`
              : !running && index.started.size === 0
                ? `Timed out after ${seconds} s ${where} (top-level code or a beforeAll hook?).`
                : `Timed out after ${seconds} s ${where}.`,
          hint: 'Look for a loop that never ends, or a promise or stream that never settles (a callback never called, an end never signalled).',
        },
    {
      tests,
      durationMs: artifacts.durationMs,
      ...(index.looseOutput
        ? { output: capText(artifacts.sanitize(index.looseOutput), RUN_OUTPUT_LIMIT) }
        : {}),
    },
  );
}

/**
 * What vitest says when the process running the tests dies under it: `process.abort()`, a
 * fatal error in native code, running out of memory, a signal. Its own words name its pool,
 * not what happened to the learner's code.
 */
const WORKER_DIED =
  /\[vitest-pool\]: Worker \w+ emitted error|Worker exited unexpectedly|Channel closed|ERR_IPC_CHANNEL_CLOSED/;

const PROCESS_DIED_HINT =
  'Something ended the process at once: process.abort(), process.kill(), a crash inside a native module or a worker, or running out of memory. Find what your code does there that could end the process, and throw an error or return instead.';

/** The problem to report when the test process died (and in which test), or undefined. */
function workerCrash(index: EventIndex): { problem: RunProblem; during?: string } | undefined {
  if (!index.unhandled.some((error) => WORKER_DIED.test(error.message))) return undefined;
  const running = index.running();
  return {
    problem: {
      code: 'process-crashed',
      message: running
        ? `The process running the tests died during "${running.name}", so no later test could run.`
        : 'The process running the tests died before the tests could finish.',
      hint: PROCESS_DIED_HINT,
    },
    ...(running ? { during: running.name } : {}),
  };
}

/**
 * The process that ran the tests ended without a report, part-way through: where the tests run
 * in the same process as vitest (the warm sandbox's in-process pool), process.abort(), running
 * out of memory or a signal ends both at once. The events say how far it got.
 */
function diedResult(index: EventIndex, artifacts: RunArtifacts): RunResult {
  const tests = testsFromEvents(index, artifacts, {
    unfinished: {
      status: 'fail',
      message: 'The process running the tests died while this test was running.',
      durationMs: 0,
    },
    lost: 'Failed; the details were lost when the process died.',
    notRun: 'Not run: the process running the tests had died.',
  });
  const running = index.running();
  const message = running
    ? `The process running the tests died during "${running.name}", so no later test could run.`
    : index.started.size === 0 && index.loading > 0
      ? 'The process running the tests died while your code was loading, before any test started.'
      : 'The process running the tests died before the tests could finish.';
  const printed = capText(artifacts.sanitize(artifacts.processOutput).trim(), RUN_OUTPUT_LIMIT);
  return problemResult(
    { code: 'process-crashed', message, hint: PROCESS_DIED_HINT },
    {
      tests,
      durationMs: artifacts.durationMs,
      ...(printed ? { output: printed } : {}),
    },
  );
}

export function buildRunResult(artifacts: RunArtifacts): RunResult {
  const { sanitize } = artifacts;
  const index = new EventIndex(parseEvents(artifacts.events));
  if (index.tampered) {
    return problemResult(
      {
        code: 'tampering',
        message: `Your code changed ${index.tampered}, which the tests use to judge it, so this run cannot be graded.`,
        hint: 'Solve the exercise without modifying the test framework or built-in objects.',
      },
      { durationMs: artifacts.durationMs },
    );
  }
  if (artifacts.timedOut) return timeoutResult(index, artifacts);

  const looseOutput = index.looseOutput
    ? { output: capText(sanitize(index.looseOutput), RUN_OUTPUT_LIMIT) }
    : {};
  const report = parseReport(artifacts.report);
  if (!report && (index.collected.length > 0 || index.loading > 0)) {
    return diedResult(index, artifacts);
  }
  if (!report) {
    const printed = capText(sanitize(artifacts.processOutput).trim(), RUN_OUTPUT_LIMIT);
    return problemResult(
      {
        code: 'process-crashed',
        message: `The test process ended before reporting any result (exit code ${String(artifacts.exitCode)}).`,
        hint: 'Does your code call process.exit() or kill the process? Let the tests finish on their own.',
      },
      { durationMs: artifacts.durationMs, ...(printed ? { output: printed } : looseOutput) },
    );
  }

  const files = [...report.testResults].sort((a, b) => a.name.localeCompare(b.name));
  const brokenFile = files.find(
    (f) =>
      f.assertionResults.length === 0 && f.message && !f.message.startsWith('No test suite found'),
  );
  if (brokenFile) {
    return problemResult(fileProblem(brokenFile, sanitize), {
      durationMs: artifacts.durationMs,
      ...looseOutput,
    });
  }

  const seen = new Map<string, number>();
  const tests: TestResult[] = files.flatMap((file) =>
    file.assertionResults.map((assertion) => {
      const name = [...assertion.ancestorTitles, assertion.title].join(' > ');
      const occurrence = seen.get(name) ?? 0;
      seen.set(name, occurrence + 1);
      const id = index.idFor(name, occurrence);
      const end = id === undefined ? undefined : index.ends.get(id);
      const rawFailure = assertion.failureMessages?.join('\n\n') ?? '';
      // A test the events saw pass counts, even when the report (written by a process that then
      // died) lists it as not run.
      const reported = mapStatus(assertion.status, rawFailure);
      const status =
        reported === 'skip' && id !== undefined && index.finished.get(id) === 'pass'
          ? 'pass'
          : reported;
      const message = end?.errors.length
        ? end.errors.map((e) => formatError(e, sanitize)).join('\n\n')
        : withoutStackFrames(sanitize(rawFailure));
      const location = cleanLocation(end?.errors[0]?.location, sanitize);
      const output = id === undefined ? undefined : index.output.get(id);
      return {
        name,
        status,
        ...(status !== 'pass' && message ? { message } : {}),
        ...(output ? { output: capText(sanitize(output), TEST_OUTPUT_LIMIT) } : {}),
        durationMs: Math.round((assertion.duration ?? end?.durationMs ?? 0) * 10) / 10,
        ...(status !== 'pass' && location ? { location } : {}),
      } satisfies TestResult;
    }),
  );

  // vitest turns process.exit() inside a test into a failed test. It is not a failure of the
  // learner's logic but an attempt to end the run, so it must never be mistaken for a result.
  const exited = tests.find((t) => t.message?.includes('process.exit unexpectedly called'));
  if (exited) {
    return problemResult(
      {
        code: 'process-crashed',
        message: `Your code called process.exit() during "${exited.name}", which ends the test run.`,
        hint: 'Return a value or throw an error instead of exiting the process.',
        ...(exited.location ? { location: exited.location } : {}),
      },
      { tests, durationMs: artifacts.durationMs, ...looseOutput },
    );
  }

  const crash = workerCrash(index);
  if (crash) {
    const marked = tests.map((test) =>
      test.name === crash.during && test.status === 'skip'
        ? {
            ...test,
            status: 'fail' as const,
            message: 'The process running the tests died while this test was running.',
          }
        : test,
    );
    return problemResult(crash.problem, {
      tests: marked,
      durationMs: artifacts.durationMs,
      ...looseOutput,
    });
  }

  if (index.unhandled.length > 0) {
    const detail = index.unhandled.map((e) => formatError(e, sanitize)).join('\n\n');
    const location = cleanLocation(index.unhandled[0]?.location, sanitize);
    return problemResult(
      {
        code: 'process-crashed',
        message: `An error was thrown outside any test, so the results cannot be trusted:\n\n${detail}`,
        hint: 'Usually an error event with no listener or a rejected promise nobody awaited: make sure every error reaches a callback or a catch.',
        ...(location ? { location } : {}),
      },
      { tests, durationMs: artifacts.durationMs, ...looseOutput },
    );
  }

  if (tests.length === 0) {
    return problemResult(
      {
        code: 'no-tests',
        message: 'No tests were found for this exercise.',
        hint: 'This is a problem with the exercise, not your code: tell the course authors.',
      },
      { durationMs: artifacts.durationMs, ...looseOutput },
    );
  }

  return {
    version: RESULT_VERSION,
    status: statusFromTests(tests),
    tests,
    ...looseOutput,
    durationMs: artifacts.durationMs,
  };
}
