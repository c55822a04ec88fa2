import { describe, expect, it } from 'vitest';
import {
  escapeCell,
  escapeData,
  escapeProperty,
  githubAnnotations,
  githubStepSummary,
} from '../../src/grading/formats/github.ts';
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
    editable: ['lines.ts', 'helpers.ts'],
    testFiles: [`exercises/${id}/lines.test.ts`],
    ...extra,
  } satisfies GradedExercise;
}

const passing = graded(
  '01-demo/sum',
  run('pass', [{ name: 'sum() > adds', status: 'pass', durationMs: 1 }]),
);

const partial = graded(
  '04-streams/lines',
  run('fail', [
    { name: 'lines() > splits', status: 'pass', durationMs: 1 },
    {
      name: 'lines() > joins',
      status: 'fail',
      message: "expected [ 'a' ] to deeply equal [ 'b' ]\n\n- Expected\n+ Received",
      location: { file: 'lines.test.ts', line: 12, column: 5 },
      durationMs: 1,
    },
    {
      name: 'lines() > throws',
      status: 'fail',
      message: 'TypeError: chunk.split is not a function',
      location: { file: 'helpers.ts', line: 7, column: 9 },
      durationMs: 1,
    },
  ]),
  { weights: { 'lines() > splits': 2, 'lines() > joins': 3 } },
);

const timedOut = graded(
  '04-streams/tee',
  problemResult(
    {
      code: 'time-limit',
      message: 'Timed out after 5 s in "tee() > ends".',
      hint: 'Look for a loop.',
    },
    {
      tests: [
        {
          name: 'tee() > ends',
          status: 'timeout',
          message: 'Still running at 5 s.',
          durationMs: 5000,
        },
        { name: 'tee() > errors', status: 'skip', durationMs: 0 },
      ],
    },
  ),
  { editable: ['tee.ts'] },
);

const syntaxError = graded(
  '02-files/copy',
  problemResult({
    code: 'syntax-error',
    message: 'Your code could not be parsed (copy.ts, line 3):\n\nExpected ";" but found "}"',
    hint: 'Fix the syntax at copy.ts:3:5, then run again.',
    location: { file: 'copy.ts', line: 3, column: 5 },
  }),
  { editable: ['copy.ts'], testCode: { 'copy() > copies': '', 'copy() > fails': '' } },
);

const hostile = graded(
  '05-http/echo',
  run('fail', [
    {
      name: 'echo, with: a | pipe <b> & 100% 🚀',
      status: 'fail',
      message: 'expected 100% | "<a & b>"\r\nsecond line',
      durationMs: 1,
    },
  ]),
  { editable: ['echo,1:2.ts'] },
);

describe('githubAnnotations', () => {
  it('annotates nothing for a passing exercise', () => {
    expect(githubAnnotations([passing])).toEqual([]);
  });

  it('points failures in test files at the first editable file, others at their line', () => {
    expect(githubAnnotations([partial])).toEqual([
      '::error file=submissions/04-streams/lines/lines.ts,title=04-streams/lines%3A lines() > joins::' +
        "expected [ 'a' ] to deeply equal [ 'b' ]%0A%0A- Expected%0A+ Received%0A%0A(Assertion at lines.test.ts:12.)",
      '::error file=submissions/04-streams/lines/helpers.ts,line=7,col=9,title=04-streams/lines%3A lines() > throws::' +
        'TypeError: chunk.split is not a function',
    ]);
  });

  it('annotates the timed-out test, not the tests that never ran', () => {
    expect(githubAnnotations([timedOut])).toEqual([
      '::error file=submissions/04-streams/tee/tee.ts,title=04-streams/tee%3A tee() > ends (timed out)::Still running at 5 s.',
    ]);
  });

  it('annotates a syntax error at its file and line, with message and hint', () => {
    expect(githubAnnotations([syntaxError])).toEqual([
      '::error file=submissions/02-files/copy/copy.ts,line=3,col=5,title=02-files/copy%3A could not run::' +
        'Your code could not be parsed (copy.ts, line 3):%0A%0AExpected ";" but found "}"%0A%0A' +
        'Fix the syntax at copy.ts:3:5, then run again.',
    ]);
  });

  it('annotates a run that timed out before any test as a whole', () => {
    const early = graded(
      '04-streams/slow',
      problemResult({
        code: 'time-limit',
        message: 'Timed out before any test started.',
        hint: 'Hm.',
      }),
      { editable: [] },
    );
    expect(githubAnnotations([early])).toEqual([
      '::error title=04-streams/slow%3A timed out::Timed out before any test started.%0A%0AHm.',
    ]);
  });

  it('escapes messages and property values as GitHub reads them', () => {
    expect(githubAnnotations([hostile])).toEqual([
      '::error file=submissions/05-http/echo/echo%2C1%3A2.ts,' +
        'title=05-http/echo%3A echo%2C with%3A a | pipe <b> & 100%25 🚀::' +
        'expected 100%25 | "<a & b>"%0D%0Asecond line',
    ]);
  });

  it('escapes % first so an escape is never escaped twice', () => {
    expect(escapeData('50%0A\n')).toBe('50%250A%0A');
    expect(escapeProperty('a:b,c%\r')).toBe('a%3Ab%2Cc%25%0D');
  });
});

describe('githubStepSummary', () => {
  const summary = githubStepSummary([passing, partial, timedOut, syntaxError, hostile]);
  const rows = summary.split('\n').filter((line) => line.startsWith('| '));

  it('has a heading, a header row and one row per exercise', () => {
    expect(summary.startsWith('## ')).toBe(true);
    expect(rows[0]).toBe('| Exercise | Tests passed | Points | Status | First failure |');
    expect(rows[1]).toBe('| :-- | --: | --: | :-- | :-- |');
    expect(rows.slice(2)).toEqual([
      '| 01-demo/sum | 1/1 | 1/1 | ✅ pass |  |',
      "| 04-streams/lines | 1/3 | 2/6 | ❌ fail | lines() \\> joins: expected \\[ 'a' \\] to deeply equal \\[ 'b' \\] |",
      '| 04-streams/tee | 0/2 | 0/2 | ⏱️ timeout | tee() \\> ends: Still running at 5 s. |',
      '| 02-files/copy | 0/2 | 0/2 | 💥 error | Your code could not be parsed (copy.ts, line 3): |',
      '| 05-http/echo | 0/1 | 0/1 | ❌ fail | echo, with: a \\| pipe \\<b\\> \\& 100% 🚀: expected 100% \\| "\\<a \\& b\\>" |',
    ]);
  });

  it('never lets a cell break the table: every row has exactly five cells', () => {
    for (const row of rows) expect(row.split(/(?<!\\)\|/)).toHaveLength(7);
  });

  it('ends with the total score', () => {
    expect(summary.trimEnd().split('\n').at(-1)).toBe(
      '**Score: 3/12 points (25%) · 1 of 5 exercises pass**',
    );
  });

  it('escapes Markdown in cells and folds them onto one line', () => {
    expect(escapeCell('a | b\nc *d* `e` [f](g) \\')).toBe(
      'a \\| b c \\*d\\* \\`e\\` \\[f\\](g) \\\\',
    );
  });
});
