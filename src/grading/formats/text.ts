/**
 * The grading report for a terminal: one aligned row per exercise and a total. No colours, so
 * it reads the same in a CI log, a file or a pipe. The small helpers are shared with the other
 * human-readable formats so all of them summarise a failure the same way.
 */
import type { RunResult } from '../../runner/result.ts';
import { scoreOf, totalScore, type GradedExercise } from '../graded.ts';

const FAILURE_WIDTH = 70;

/** The first line that says something; messages often start with a blank line or two. */
export function firstLine(text: string | undefined): string {
  return (
    text
      ?.split('\n')
      .map((line) => line.trim())
      .find((line) => line.length > 0) ?? ''
  );
}

/** Shortens to `max` characters, counted in code points so an emoji is never cut in half. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** What went wrong first, in one line: the run's own problem, else the first failing test. */
export function firstFailure(result: RunResult): string {
  if (result.status === 'error') return firstLine(result.message) || 'The tests could not run.';
  const test = result.tests.find((t) => t.status === 'fail' || t.status === 'timeout');
  if (test) {
    const reason = firstLine(test.message);
    return reason ? `${test.name}: ${reason}` : `${test.name} (${test.status})`;
  }
  return result.status === 'pass' ? '' : firstLine(result.message) || result.status;
}

/**
 * Passed out of all the exercise's tests, including those a broken run never reached: a
 * syntax error reads 0/3, not 0/0.
 */
export function testCounts(exercise: GradedExercise): { passed: number; total: number } {
  const known = Object.keys(exercise.testCode).length;
  const passed =
    exercise.result.status === 'error'
      ? 0
      : exercise.result.tests.filter((t) => t.status === 'pass').length;
  return { passed, total: Math.max(known, exercise.result.tests.length) };
}

/** A file of the exercise as seen from the current directory (`submissions/x/lines.ts`). */
export function pathInDir(dir: string, file: string): string {
  const base = dir.replace(/\/+$/, '');
  return base === '' || base === '.' ? file : `${base}/${file}`;
}

/** Weights may be fractional; two decimals are plenty and avoid `0.30000000000000004`. */
export function formatPoints(points: number): string {
  return String(Math.round(points * 100) / 100);
}

/** Rounded down, so 199 of 200 points never shows as 100%. */
export function percent(points: number, maxPoints: number): number {
  return maxPoints > 0 ? Math.floor((points / maxPoints) * 100) : 0;
}

/** `Score: 7/10 points (70%) · 2 of 3 exercises pass` */
export function scoreLine(exercises: readonly GradedExercise[]): string {
  const { points, maxPoints } = totalScore(exercises);
  const passing = exercises.filter((e) => e.result.status === 'pass').length;
  return (
    `Score: ${formatPoints(points)}/${formatPoints(maxPoints)} points ` +
    `(${percent(points, maxPoints)}%) · ${passing} of ${exercises.length} exercises pass`
  );
}

function alignedTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function row(exercise: GradedExercise): string[] {
  const { passed, total } = testCounts(exercise);
  const { points, maxPoints } = scoreOf(exercise);
  return [
    exercise.id,
    `${passed}/${total}`,
    `${formatPoints(points)}/${formatPoints(maxPoints)}`,
    exercise.result.status,
    // A table row must stay one line whatever the message contains.
    truncate(firstFailure(exercise.result).replace(/\s+/g, ' '), FAILURE_WIDTH),
  ];
}

export function textReport(exercises: readonly GradedExercise[]): string {
  const header = ['Exercise', 'Tests', 'Points', 'Status', 'First failure'];
  const lines = alignedTable([header, ...exercises.map(row)]);
  return [...lines, '', scoreLine(exercises), ''].join('\n');
}
