/**
 * Grading results as JUnit XML, the one test report every CI understands (GitLab's test report,
 * Jenkins, dorny/test-reporter, mikepenz/action-junit-report). One testsuite per exercise, one
 * testcase per test. Attributes are limited to the ones those readers have in common.
 */
import type { RunResult, TestResult } from '../../runner/result.ts';
import type { GradedExercise } from '../graded.ts';
import { firstLine, pathInDir } from './text.ts';

export interface JUnitOptions {
  /** The `<testsuites name>`; CI shows it as the report's title. */
  name?: string;
  /** When the grading ran; omitted when not given so the output stays reproducible. */
  timestamp?: Date;
}

const DEFAULT_NAME = 'Node Internals Workbench';
export const COULD_NOT_RUN = '(exercise could not run)';
export const RUN_STOPPED = '(exercise run stopped)';

/**
 * Characters XML 1.0 cannot carry at all, not even as references: C0 controls other than tab
 * and newlines, U+FFFE/U+FFFF and unpaired surrogate halves. A strict parser rejects the whole
 * report over one of them, so they are dropped.
 */
const INVALID_XML_CHARS =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // As references, so parsers keep them: a literal one in an attribute becomes a space.
  '\n': '&#10;',
  '\r': '&#13;',
  '\t': '&#9;',
};

export function escapeXml(text: string): string {
  return text.replace(INVALID_XML_CHARS, '').replace(/[&<>"'\r\n\t]/g, (c) => ENTITIES[c] ?? c);
}

/** Element text: newlines stay literal so the report is readable; `\r` would be normalised. */
function escapeXmlText(text: string): string {
  return text.replace(INVALID_XML_CHARS, '').replace(/[&<>\r]/g, (c) => ENTITIES[c] ?? c);
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join('');
}

/**
 * An element as lines, so a parent can indent its children. An element with text is one
 * "line" that may contain newlines: only its start is indented, its text stays byte for byte.
 */
function element(
  name: string,
  attrs: Record<string, string | number | undefined>,
  children: readonly string[] = [],
  text?: string,
): string[] {
  const open = `<${name}${attributes(attrs)}`;
  if (text !== undefined) return [`${open}>${escapeXmlText(text)}</${name}>`];
  if (children.length === 0) return [`${open}/>`];
  return [`${open}>`, ...children.map((line) => `  ${line}`), `</${name}>`];
}

export function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** JUnit's own timestamp format: ISO 8601 without milliseconds or zone (the time is UTC). */
function junitTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19);
}

type Outcome = 'pass' | 'failure' | 'error' | 'skipped';

interface Case {
  name: string;
  durationMs: number;
  outcome: Outcome;
  detail?: { message: string; type: string; text: string };
  output?: string;
}

/** `TypeError: x is not a function` keeps its type; vitest's assertion messages carry none. */
function errorType(message: string): string {
  return /^([A-Z]\w*(?:Error|Exception))\b/.exec(message)?.[1] ?? 'AssertionError';
}

function testCase(test: TestResult): Case {
  const base = {
    name: test.name,
    durationMs: test.durationMs,
    ...(test.output ? { output: test.output } : {}),
  };
  const message = test.message ?? '';
  switch (test.status) {
    case 'pass':
      return { ...base, outcome: 'pass' };
    case 'fail': {
      const first = firstLine(message) || 'The test failed.';
      return {
        ...base,
        outcome: 'failure',
        detail: { message: first, type: errorType(first), text: message || first },
      };
    }
    case 'timeout': {
      const first = firstLine(message) || 'The test did not finish within the time limit.';
      return {
        ...base,
        outcome: 'error',
        detail: { message: first, type: 'timeout', text: message || first },
      };
    }
    case 'skip':
      return {
        ...base,
        outcome: 'skipped',
        detail: {
          message: firstLine(message) || 'Did not run: the test run stopped before reaching it.',
          type: 'skipped',
          text: '',
        },
      };
  }
}

/**
 * A run that errored, or timed out with no test to blame, becomes a testcase of its own: CI
 * only fails on failures and errors, so without it a crash after passing tests reads as green.
 */
function runProblemCase(result: RunResult): Case | undefined {
  const timedOutTest = result.tests.some((t) => t.status === 'timeout');
  if (result.status !== 'error' && !(result.status === 'timeout' && !timedOutTest)) {
    return undefined;
  }
  const message = result.message || 'The tests could not run.';
  return {
    name: result.tests.length === 0 ? COULD_NOT_RUN : RUN_STOPPED,
    durationMs: result.tests.length === 0 ? result.durationMs : 0,
    outcome: 'error',
    detail: {
      message: firstLine(message),
      type: result.status === 'timeout' ? 'timeout' : 'error',
      text: [message, result.hint].filter(Boolean).join('\n\n'),
    },
    ...(result.output ? { output: result.output } : {}),
  };
}

function caseXml(c: Case, classname: string, file: string | undefined): string[] {
  const children: string[] = [];
  if (c.outcome === 'skipped') {
    children.push(...element('skipped', { message: c.detail?.message }));
  } else if (c.detail && (c.outcome === 'failure' || c.outcome === 'error')) {
    const { message, type, text } = c.detail;
    children.push(...element(c.outcome, { message, type }, [], text));
  }
  if (c.output) children.push(...element('system-out', {}, [], c.output));
  return element(
    'testcase',
    { name: c.name, classname, time: seconds(c.durationMs), file },
    children,
  );
}

interface Suite {
  xml: string[];
  tests: number;
  failures: number;
  errors: number;
  durationMs: number;
}

function suite(exercise: GradedExercise, timestamp: string | undefined): Suite {
  const { result } = exercise;
  const problem = runProblemCase(result);
  const cases = [...result.tests.map(testCase), ...(problem ? [problem] : [])];
  const count = (outcome: Outcome) => cases.filter((c) => c.outcome === outcome).length;
  const classname = exercise.id.replaceAll('/', '.');
  const editable = exercise.editable[0];
  const file = editable === undefined ? undefined : pathInDir(exercise.dir, editable);
  const children = cases.flatMap((c) => caseXml(c, classname, file));
  // Output outside any test has no testcase to go to unless the run problem took it.
  if (result.output && !problem) children.push(...element('system-out', {}, [], result.output));
  const counts = {
    tests: cases.length,
    failures: count('failure'),
    errors: count('error'),
  };
  const xml = element(
    'testsuite',
    {
      name: exercise.id,
      ...counts,
      skipped: count('skipped'),
      time: seconds(result.durationMs),
      timestamp,
    },
    children,
  );
  return { xml, ...counts, durationMs: result.durationMs };
}

export function toJUnitXml(
  exercises: readonly GradedExercise[],
  options: JUnitOptions = {},
): string {
  const timestamp = options.timestamp ? junitTimestamp(options.timestamp) : undefined;
  const suites = exercises.map((exercise) => suite(exercise, timestamp));
  const total = (key: 'tests' | 'failures' | 'errors' | 'durationMs') =>
    suites.reduce((sum, s) => sum + s[key], 0);
  const root = element(
    'testsuites',
    {
      name: options.name ?? DEFAULT_NAME,
      tests: total('tests'),
      failures: total('failures'),
      errors: total('errors'),
      time: seconds(total('durationMs')),
    },
    suites.flatMap((s) => s.xml),
  );
  return ['<?xml version="1.0" encoding="UTF-8"?>', ...root, ''].join('\n');
}
