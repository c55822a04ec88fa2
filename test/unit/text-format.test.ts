import { describe, expect, it } from 'vitest';
import {
  firstFailure,
  firstLine,
  pathInDir,
  percent,
  textReport,
  truncate,
} from '../../src/grading/formats/text.ts';
import type { GradedExercise } from '../../src/grading/graded.ts';
import { problemResult, type RunResult, type TestResult } from '../../src/runner/result.ts';

function run(status: RunResult['status'], tests: TestResult[]) {
  return { version: 1, status, tests, durationMs: 100 } satisfies RunResult;
}

function graded(id: string, result: RunResult, extra: Partial<GradedExercise> = {}) {
  const testCode = Object.fromEntries(result.tests.map((t) => [t.name, '']));
  return {
    id,
    result,
    testCode,
    weights: {},
    dir: `submissions/${id}`,
    editable: ['solution.ts'],
    testFiles: [],
    ...extra,
  } satisfies GradedExercise;
}

const passing = graded(
  '01-demo/sum',
  run('pass', [
    { name: 'sum() > returns 0', status: 'pass', durationMs: 1 },
    { name: 'sum() > adds', status: 'pass', durationMs: 1 },
  ]),
);

const partial = graded(
  '04-streams/lines',
  run('fail', [
    { name: 'lines() > splits', status: 'pass', durationMs: 1 },
    {
      name: 'lines() > joins a line that is split across two chunks',
      status: 'fail',
      message:
        "\nexpected [ 'hello wo', 'rld', 'bye' ] to deeply equal [ 'hello world', 'bye' ]\n\n- Expected",
      durationMs: 1,
    },
  ]),
  { weights: { 'lines() > splits': 2.5 } },
);

const timedOut = graded(
  '04-streams/tee',
  problemResult(
    { code: 'time-limit', message: 'Timed out after 5 s before any test started.', hint: 'Hm.' },
    { tests: [{ name: 'tee() > ends', status: 'skip', durationMs: 0 }] },
  ),
);

const syntaxError = graded(
  '02-files/copy',
  problemResult({
    code: 'syntax-error',
    message: 'Your code could not be parsed (copy.ts, line 3):\n\nExpected ";" but found "}"',
    hint: 'Fix the syntax.',
  }),
  { testCode: { 'copy() > copies': '', 'copy() > fails': '' } },
);

describe('textReport', () => {
  const report = textReport([passing, partial, timedOut, syntaxError]);
  const lines = report.split('\n');

  it('prints an aligned table, one row per exercise, and the total', () => {
    expect(lines).toEqual([
      'Exercise          Tests  Points   Status   First failure',
      '01-demo/sum       2/2    2/2      pass',
      "04-streams/lines  1/2    2.5/3.5  fail     lines() > joins a line that is split across two chunks: expected [ 'h…",
      '04-streams/tee    0/1    0/1      timeout  Timed out after 5 s before any test started.',
      '02-files/copy     0/2    0/2      error    Your code could not be parsed (copy.ts, line 3):',
      '',
      'Score: 4.5/8.5 points (52%) · 1 of 4 exercises pass',
      '',
    ]);
  });

  it('truncates the first failure to 70 characters', () => {
    const failure = lines[2]?.slice(lines[0]?.indexOf('First failure')) ?? '';
    expect(Array.from(failure)).toHaveLength(70);
    expect(failure.endsWith('…')).toBe(true);
  });

  it('has no colour codes', () => {
    // eslint-disable-next-line no-control-regex -- an escape character is what must be absent
    expect(report).not.toMatch(/\u001b/);
  });

  it('scores an empty grading without dividing by zero', () => {
    expect(textReport([])).toContain('Score: 0/0 points (0%) · 0 of 0 exercises pass');
  });
});

describe('helpers', () => {
  it('takes the first line that says something', () => {
    expect(firstLine('\n  \n  first \nsecond')).toBe('first');
    expect(firstLine(undefined)).toBe('');
  });

  it('truncates by code points, never splitting an emoji', () => {
    expect(truncate('🚀🚀🚀🚀', 3)).toBe('🚀🚀…');
    expect(truncate('short', 10)).toBe('short');
  });

  it('rounds percentages down so almost is not shown as all', () => {
    expect(percent(199, 200)).toBe(99);
    expect(percent(0, 0)).toBe(0);
  });

  it('names a failing test with its reason, or the run problem first', () => {
    expect(firstFailure(passing.result)).toBe('');
    expect(firstFailure(syntaxError.result)).toBe(
      'Your code could not be parsed (copy.ts, line 3):',
    );
    expect(firstFailure(run('fail', [{ name: 'a', status: 'timeout', durationMs: 1 }]))).toBe(
      'a (timeout)',
    );
  });

  it('joins paths without doubling or leaving slashes', () => {
    expect(pathInDir('submissions/x/', 'a.ts')).toBe('submissions/x/a.ts');
    expect(pathInDir('.', 'a.ts')).toBe('a.ts');
    expect(pathInDir('', 'a.ts')).toBe('a.ts');
  });
});
