import { describe, expect, it } from 'vitest';
import {
  OUTPUT_LIMIT,
  OUTPUT_TRUNCATED_NOTICE,
  capOutput,
  exercismResultSchema,
  gradeReportSchema,
  toExercismResult,
  toGradeReport,
  type ExercismResult,
} from '../../src/grading/formats/exercism.ts';
import type { GradedExercise } from '../../src/grading/graded.ts';
import { problemResult, type RunResult, type TestResult } from '../../src/runner/result.ts';

function run(status: RunResult['status'], tests: TestResult[], extra: Partial<RunResult> = {}) {
  return { version: 1, status, tests, durationMs: 120, ...extra } satisfies RunResult;
}

function graded(id: string, result: RunResult, extra: Partial<GradedExercise> = {}) {
  const testCode = Object.fromEntries(result.tests.map((t) => [t.name, `body of ${t.name}`]));
  return {
    id,
    result,
    testCode,
    weights: {},
    dir: `submissions/${id}`,
    editable: ['solution.ts'],
    testFiles: [`exercises/${id}/solution.test.ts`],
    ...extra,
  } satisfies GradedExercise;
}

const passing = graded(
  '01-demo/sum',
  run('pass', [
    { name: 'sum() > returns 0', status: 'pass', durationMs: 1 },
    { name: 'sum() > adds', status: 'pass', output: 'adding 2 + 3\n', durationMs: 2 },
  ]),
);

const partial = graded(
  '04-streams/lines',
  run('fail', [
    { name: 'lines() > splits', status: 'pass', durationMs: 3 },
    {
      name: 'lines() > joins',
      status: 'fail',
      message: "expected [ 'hello wo' ] to deeply equal [ 'hello world' ]",
      durationMs: 4,
    },
    { name: 'lines() > not in the test file', status: 'fail', durationMs: 1 },
  ]),
  {
    testCode: { 'lines() > splits': 'a()', 'lines() > joins': 'b()' },
    weights: { 'lines() > splits': 2, 'lines() > joins': 3 },
  },
);

const timedOut = graded(
  '04-streams/tee',
  problemResult(
    {
      code: 'time-limit',
      message: 'Timed out after 5 s in "tee() > ends".',
      hint: 'Look for a loop that never ends.',
    },
    {
      durationMs: 5000,
      tests: [
        { name: 'tee() > copies', status: 'pass', durationMs: 2 },
        {
          name: 'tee() > ends',
          status: 'timeout',
          message: 'Still running when the time limit of 5 s was reached.',
          durationMs: 5000,
        },
        { name: 'tee() > errors', status: 'skip', message: 'Not run.', durationMs: 0 },
      ],
    },
  ),
);

const syntaxError = graded(
  '02-files/copy',
  problemResult({
    code: 'syntax-error',
    message: 'Your code could not be parsed (copy.ts, line 3):\n\nExpected ";" but found "}"',
    hint: 'Fix the syntax at copy.ts:3:5, then run again.',
    location: { file: 'copy.ts', line: 3, column: 5 },
  }),
  { testCode: { 'copy() > copies': 'x()', 'copy() > fails': 'y()' } },
);

const chatty = graded(
  '03-buffers/hex',
  run('pass', [{ name: 'hex() > logs', status: 'pass', output: 'x'.repeat(900), durationMs: 1 }]),
);

const hostile = graded(
  '05-http/echo',
  run('fail', [
    {
      name: `echo <&"'\u0001 🚀`,
      status: 'fail',
      message: `expected "<a & b>" to be 'c' \u0001 🚀\nsecond line`,
      output: `<&"'\u0001 🚀`,
      durationMs: 1,
    },
  ]),
);

const all = [passing, partial, timedOut, syntaxError, chatty, hostile];

function valid(doc: ExercismResult): ExercismResult {
  const parsed = exercismResultSchema.safeParse(doc);
  expect(parsed.error?.issues).toBeUndefined();
  return doc;
}

describe('toExercismResult', () => {
  it('produces documents the schema accepts for every kind of run', () => {
    for (const exercise of all) valid(toExercismResult(exercise));
  });

  it('reports a passing run with test code and output, and no messages', () => {
    const doc = toExercismResult(passing);
    expect(doc).toEqual({
      version: 3,
      status: 'pass',
      tests: [
        { name: 'sum() > returns 0', status: 'pass', test_code: 'body of sum() > returns 0' },
        {
          name: 'sum() > adds',
          status: 'pass',
          output: 'adding 2 + 3\n',
          test_code: 'body of sum() > adds',
        },
      ],
    });
  });

  it('gives messages only to tests that did not pass, and no top-level message on fail', () => {
    const doc = toExercismResult(partial);
    expect(doc.status).toBe('fail');
    expect(doc).not.toHaveProperty('message');
    expect(doc.tests.map((t) => [t.status, t.message])).toEqual([
      ['pass', undefined],
      ['fail', "expected [ 'hello wo' ] to deeply equal [ 'hello world' ]"],
      ['fail', 'The test failed.'],
    ]);
    expect(doc.tests[0]).not.toHaveProperty('message');
    expect(doc.tests.map((t) => t.test_code)).toEqual(['a()', 'b()', '']);
  });

  it('turns a timeout into an error with the reason, keeping tests that did not run', () => {
    const doc = toExercismResult(timedOut);
    expect(doc.status).toBe('error');
    expect(doc.message).toBe(
      'Timed out after 5 s in "tee() > ends".\n\nLook for a loop that never ends.',
    );
    expect(doc.tests.map((t) => t.status)).toEqual(['pass', 'error', 'error']);
    expect(doc.tests[1]?.message).toBe('Still running when the time limit of 5 s was reached.');
    expect(doc.tests[2]?.message).toMatch(/did not run/);
  });

  it('reports a syntax error as an error with message and hint, and no tests', () => {
    const doc = toExercismResult(syntaxError);
    expect(doc).toEqual({
      version: 3,
      status: 'error',
      message:
        'Your code could not be parsed (copy.ts, line 3):\n\nExpected ";" but found "}"\n\n' +
        'Fix the syntax at copy.ts:3:5, then run again.',
      tests: [],
    });
  });

  it('adds output printed outside any test to an error message, since it explains crashes', () => {
    const crashed = graded(
      '01-demo/exit',
      problemResult(
        { code: 'process-crashed', message: 'The test process ended.', hint: 'Do not exit.' },
        { output: 'Error: boom\n' },
      ),
    );
    expect(toExercismResult(crashed).message).toBe(
      'The test process ended.\n\nDo not exit.\n\nOutput:\nError: boom',
    );
  });

  it('caps output at 500 characters and appends the notice outside them', () => {
    const output = toExercismResult(chatty).tests[0]?.output ?? '';
    expect(output).toBe('x'.repeat(OUTPUT_LIMIT) + OUTPUT_TRUNCATED_NOTICE);
    expect(OUTPUT_TRUNCATED_NOTICE).toBe('\n\nOutput was truncated. Please limit to 500 chars.');
    expect(capOutput('y'.repeat(500))).toBe('y'.repeat(500));
  });

  it('never cuts an emoji in half at the cap', () => {
    const capped = capOutput('x'.repeat(499) + '🚀' + 'x'.repeat(10));
    expect(capped).toBe('x'.repeat(499) + OUTPUT_TRUNCATED_NOTICE);
    expect(capped).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('keeps hostile characters and emoji as they are: JSON carries them fine', () => {
    const doc = toExercismResult(hostile);
    expect(doc.tests[0]?.name).toBe(`echo <&"'\u0001 🚀`);
    const roundTrip = JSON.parse(JSON.stringify(doc)) as unknown;
    expect(exercismResultSchema.parse(roundTrip)).toEqual(doc);
  });
});

describe('exercismResultSchema', () => {
  const ok = toExercismResult(partial);

  it('rejects output over the limit without the notice', () => {
    const bad = { ...ok, tests: [{ ...ok.tests[0], output: 'x'.repeat(501) }] };
    expect(exercismResultSchema.safeParse(bad).success).toBe(false);
    const tooLong = {
      ...ok,
      tests: [{ ...ok.tests[0], output: 'x'.repeat(501) + OUTPUT_TRUNCATED_NOTICE }],
    };
    expect(exercismResultSchema.safeParse(tooLong).success).toBe(false);
  });

  it('rejects a message on a passing test, an error without message, and unknown fields', () => {
    const passWithMessage = { ...ok, tests: [{ ...ok.tests[0], message: 'why?' }] };
    expect(exercismResultSchema.safeParse(passWithMessage).success).toBe(false);
    expect(exercismResultSchema.safeParse({ ...ok, status: 'error' }).success).toBe(false);
    expect(exercismResultSchema.safeParse({ ...ok, extra: 1 }).success).toBe(false);
    expect(exercismResultSchema.safeParse({ ...ok, version: 2 }).success).toBe(false);
  });

  it('accepts the null messages the spec allows', () => {
    expect(exercismResultSchema.safeParse({ ...ok, message: null }).success).toBe(true);
  });
});

describe('toGradeReport', () => {
  it('sums points and counts exercises by outcome', () => {
    const report = gradeReportSchema.parse(toGradeReport(all));
    expect(report.summary).toEqual({
      exercises: 6,
      passed: 2,
      failed: 2,
      errored: 2,
      // sum 2/2, lines 2/5, tee 0/3 (a timeout earns nothing), copy 0/2, hex 1/1, echo 0/1
      points: 5,
      maxPoints: 14,
      score: 0.3571,
    });
    expect(report.results.map((r) => [r.exercise, r.points, r.maxPoints, r.result.status])).toEqual(
      [
        ['01-demo/sum', 2, 2, 'pass'],
        ['04-streams/lines', 2, 5, 'fail'],
        ['04-streams/tee', 0, 3, 'error'],
        ['02-files/copy', 0, 2, 'error'],
        ['03-buffers/hex', 1, 1, 'pass'],
        ['05-http/echo', 0, 1, 'fail'],
      ],
    );
  });

  it('scores an empty grading as 0 rather than dividing by zero', () => {
    expect(toGradeReport([]).summary).toMatchObject({ exercises: 0, maxPoints: 0, score: 0 });
  });
});
