/**
 * Grading results as Exercism test-runner documents (interface version 3, the `results.json` of
 * exercism/docs building/tooling/test-runners/interface.md), so tools built for Exercism's
 * format can show them, plus the grader's own report that wraps one per exercise with points.
 */
import { z } from 'zod';
import type { RunResult, TestResult } from '../../runner/result.ts';
import { capText } from '../../runner/sanitize.ts';
import { scoreOf, totalScore, type GradedExercise } from '../graded.ts';

export const EXERCISM_VERSION = 3;
/** The spec's limit for a test's `output`. */
export const OUTPUT_LIMIT = 500;
/** Appended after the kept 500 characters, as the spec asks, so it is not counted in them. */
export const OUTPUT_TRUNCATED_NOTICE = '\n\nOutput was truncated. Please limit to 500 chars.';
/** Output outside tests, appended to the top-level message: enough to see a crash. */
const RUN_OUTPUT_IN_MESSAGE = 2_000;

const exercismStatuses = ['pass', 'fail', 'error'] as const;
export type ExercismStatus = (typeof exercismStatuses)[number];

function isWithinOutputLimit(output: string): boolean {
  if (output.length <= OUTPUT_LIMIT) return true;
  return (
    output.endsWith(OUTPUT_TRUNCATED_NOTICE) &&
    output.length - OUTPUT_TRUNCATED_NOTICE.length <= OUTPUT_LIMIT
  );
}

export const exercismTestSchema = z
  .strictObject({
    name: z.string().min(1),
    status: z.enum(exercismStatuses),
    // The spec allows null as well as leaving a key out; this module always leaves it out.
    message: z.string().min(1).nullish(),
    output: z
      .string()
      .min(1)
      .refine(isWithinOutputLimit, {
        message: `output must be at most ${OUTPUT_LIMIT} characters, plus the truncation notice`,
      })
      .nullish(),
    test_code: z.string(),
    task_id: z.number().int().min(1).optional(),
  })
  .refine((test) => (test.status === 'pass') === (test.message == null), {
    message: 'a test has a message exactly when it did not pass',
    path: ['message'],
  });
export type ExercismTest = z.infer<typeof exercismTestSchema>;

export const exercismResultSchema = z
  .strictObject({
    version: z.literal(EXERCISM_VERSION),
    status: z.enum(exercismStatuses),
    message: z.string().min(1).nullish(),
    tests: z.array(exercismTestSchema),
  })
  .superRefine((doc, ctx) => {
    if ((doc.status === 'error') !== (doc.message != null)) {
      ctx.addIssue({
        code: 'custom',
        message: 'the top-level message is required for status error and only then',
        path: ['message'],
      });
    }
    const allPass = doc.tests.every((t) => t.status === 'pass');
    if (doc.status === 'pass' && (doc.tests.length === 0 || !allPass)) {
      ctx.addIssue({ code: 'custom', message: 'status pass needs tests that all pass' });
    }
    if (doc.status === 'fail' && allPass) {
      ctx.addIssue({ code: 'custom', message: 'status fail needs a test that did not pass' });
    }
  });
export type ExercismResult = z.infer<typeof exercismResultSchema>;

/** Cuts at most OUTPUT_LIMIT characters without splitting an emoji's surrogate pair. */
export function capOutput(output: string): string {
  if (output.length <= OUTPUT_LIMIT) return output;
  const last = output.charCodeAt(OUTPUT_LIMIT - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? OUTPUT_LIMIT - 1 : OUTPUT_LIMIT;
  return output.slice(0, end) + OUTPUT_TRUNCATED_NOTICE;
}

/**
 * A timeout is `error`: the run could not finish, so its tests are not a fair verdict, and the
 * learner needs the message saying why rather than a list of tests that never ran.
 */
function documentStatus(result: RunResult): ExercismStatus {
  if (result.status === 'error' || result.status === 'timeout') return 'error';
  return result.status;
}

/** Exercism shows only this when the run errored, so it carries everything needed to act. */
function errorMessage(result: RunResult): string {
  const parts = [result.message || 'The tests could not run.', result.hint];
  if (result.output) {
    parts.push(`Output:\n${capText(result.output.trimEnd(), RUN_OUTPUT_IN_MESSAGE)}`);
  }
  return parts.filter((part): part is string => Boolean(part)).join('\n\n');
}

function testMessage(test: TestResult): string | undefined {
  switch (test.status) {
    case 'pass':
      return undefined;
    case 'fail':
      return test.message || 'The test failed.';
    case 'timeout':
      return test.message || 'The test did not finish within the time limit.';
    case 'skip':
      return 'This test did not run: the test run stopped before reaching it.';
  }
}

const testStatus: Record<TestResult['status'], ExercismStatus> = {
  pass: 'pass',
  fail: 'fail',
  timeout: 'error',
  skip: 'error',
};

function toExercismTest(test: TestResult, testCode: Record<string, string>): ExercismTest {
  const message = testMessage(test);
  return {
    name: test.name,
    status: testStatus[test.status],
    ...(message ? { message } : {}),
    ...(test.output ? { output: capOutput(test.output) } : {}),
    test_code: Object.hasOwn(testCode, test.name) ? (testCode[test.name] ?? '') : '',
  };
}

export function toExercismResult(exercise: GradedExercise): ExercismResult {
  const { result } = exercise;
  const status = documentStatus(result);
  return {
    version: EXERCISM_VERSION,
    status,
    ...(status === 'error' ? { message: errorMessage(result) } : {}),
    tests: result.tests.map((test) => toExercismTest(test, exercise.testCode)),
  };
}

export const GRADE_REPORT_VERSION = 1;

const count = z.number().int().min(0);

export const gradeReportSchema = z.strictObject({
  version: z.literal(GRADE_REPORT_VERSION),
  summary: z.strictObject({
    exercises: count,
    passed: count,
    failed: count,
    /** Exercises whose run errored or timed out. */
    errored: count,
    points: z.number().min(0),
    maxPoints: z.number().min(0),
    /** points / maxPoints, 0..1, rounded to 4 decimals. */
    score: z.number().min(0).max(1),
  }),
  results: z.array(
    z.strictObject({
      exercise: z.string(),
      points: z.number().min(0),
      maxPoints: z.number().min(0),
      result: exercismResultSchema,
    }),
  ),
});
export type GradeReport = z.infer<typeof gradeReportSchema>;

function roundScore(points: number, maxPoints: number): number {
  return maxPoints > 0 ? Math.round((points / maxPoints) * 10_000) / 10_000 : 0;
}

export function toGradeReport(exercises: readonly GradedExercise[]): GradeReport {
  const results = exercises.map((exercise) => ({
    exercise: exercise.id,
    ...scoreOf(exercise),
    result: toExercismResult(exercise),
  }));
  const total = totalScore(exercises);
  const having = (status: ExercismStatus) =>
    results.filter((r) => r.result.status === status).length;
  return {
    version: GRADE_REPORT_VERSION,
    summary: {
      exercises: exercises.length,
      passed: having('pass'),
      failed: having('fail'),
      errored: having('error'),
      points: total.points,
      maxPoints: total.maxPoints,
      score: roundScore(total.points, total.maxPoints),
    },
    results,
  };
}
