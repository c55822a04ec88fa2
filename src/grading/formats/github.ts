/**
 * Grading results for GitHub Actions: `::error` workflow commands, which GitHub turns into
 * annotations on the learner's files in the pull request, and a Markdown summary for
 * `$GITHUB_STEP_SUMMARY`.
 */
import type { RunResult, RunStatus, SourceLocation, TestResult } from '../../runner/result.ts';
import { scoreOf, type GradedExercise } from '../graded.ts';
import { firstFailure, formatPoints, pathInDir, scoreLine, testCounts, truncate } from './text.ts';

const SUMMARY_FAILURE_WIDTH = 100;

/** A command's message: GitHub reads `%`, CR and LF as syntax there. */
export function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** A property value, where `:` and `,` also delimit. */
export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

interface Annotation {
  file?: string;
  line?: number;
  col?: number;
  title: string;
  message: string;
}

function command({ message, ...properties }: Annotation): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::error${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

type Target = Pick<Annotation, 'file' | 'line' | 'col'>;

/**
 * Where the learner should look. A location in a file they edit is used as is; anything else
 * (an assertion in the course's test file) points at their first editable file without a
 * line, since that is where the fix goes and test files are not theirs to change.
 */
function target(exercise: GradedExercise, location: SourceLocation | undefined): Target {
  const file = location?.file.replace(/^\.\//, '');
  if (location && file !== undefined && exercise.editable.includes(file)) {
    return {
      file: pathInDir(exercise.dir, file),
      line: location.line,
      ...(location.column === undefined ? {} : { col: location.column }),
    };
  }
  const first = exercise.editable[0];
  return first === undefined ? {} : { file: pathInDir(exercise.dir, first) };
}

function testAnnotation(exercise: GradedExercise, test: TestResult): Annotation {
  const to = target(exercise, test.location);
  const fallback =
    test.status === 'timeout'
      ? 'The test did not finish within the time limit.'
      : 'The test failed.';
  const where =
    test.location && to.line === undefined
      ? `\n\n(Assertion at ${test.location.file}:${test.location.line}.)`
      : '';
  return {
    ...to,
    title: `${exercise.id}: ${test.name}${test.status === 'timeout' ? ' (timed out)' : ''}`,
    message: (test.message || fallback) + where,
  };
}

/** Same rule as the JUnit report: the run itself failed, beyond what its tests say. */
function hasRunProblem(result: RunResult): boolean {
  if (result.status === 'error') return true;
  return result.status === 'timeout' && !result.tests.some((t) => t.status === 'timeout');
}

function runAnnotation(exercise: GradedExercise): Annotation {
  const { result } = exercise;
  const what =
    result.status === 'timeout'
      ? 'timed out'
      : result.tests.length === 0
        ? 'could not run'
        : 'run stopped';
  return {
    ...target(exercise, result.location),
    title: `${exercise.id}: ${what}`,
    message: [result.message || 'The tests could not run.', result.hint]
      .filter(Boolean)
      .join('\n\n'),
  };
}

export function githubAnnotations(exercises: readonly GradedExercise[]): string[] {
  return exercises.flatMap((exercise) => {
    const annotations = exercise.result.tests
      .filter((t) => t.status === 'fail' || t.status === 'timeout')
      .map((t) => testAnnotation(exercise, t));
    if (hasRunProblem(exercise.result)) annotations.unshift(runAnnotation(exercise));
    return annotations.map(command);
  });
}

/**
 * Backslash-escapes Markdown punctuation so a message cannot end the cell (`|`), open HTML or
 * format itself, and folds it onto one line, which a table row must be.
 */
export function escapeCell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[\\`*_[\]<>|~&]/g, '\\$&');
}

const STATUS_LABEL: Record<RunStatus, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  timeout: '⏱️ timeout',
  error: '💥 error',
};

function summaryRow(exercise: GradedExercise): string {
  const { passed, total } = testCounts(exercise);
  const { points, maxPoints } = scoreOf(exercise);
  const cells = [
    escapeCell(exercise.id),
    `${passed}/${total}`,
    `${formatPoints(points)}/${formatPoints(maxPoints)}`,
    STATUS_LABEL[exercise.result.status],
    escapeCell(truncate(firstFailure(exercise.result), SUMMARY_FAILURE_WIDTH)),
  ];
  return `| ${cells.join(' | ')} |`;
}

export function githubStepSummary(exercises: readonly GradedExercise[]): string {
  return [
    '## Grading results',
    '',
    '| Exercise | Tests passed | Points | Status | First failure |',
    '| :-- | --: | --: | :-- | :-- |',
    ...exercises.map(summaryRow),
    '',
    `**${scoreLine(exercises)}**`,
    '',
  ].join('\n');
}
