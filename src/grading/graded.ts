/**
 * What the grader knows about one graded exercise, whatever format it is reported in (text,
 * Exercism JSON, JUnit, GitHub annotations). The run itself is the shared RunResult.
 */
import type { RunResult } from '../runner/result.ts';

export interface GradedExercise {
  /** `<track>/<slug>`. */
  id: string;
  result: RunResult;
  /** Source of each test's body, keyed by full test name (Exercism's test_code). */
  testCode: Record<string, string>;
  /** Points per full test name; tests not listed count 1. */
  weights: Record<string, number>;
  /**
   * Where the graded files are, relative to the current directory, so annotations point at
   * them (`submissions/04-streams/lines`), and which of them the learner edits.
   */
  dir: string;
  editable: string[];
  /** The course's test files, relative to the course root, for annotations on test lines. */
  testFiles: string[];
}

export interface Score {
  points: number;
  maxPoints: number;
}

/** Points earned and possible. A run that could not grade its tests earns nothing. */
export function scoreOf(exercise: GradedExercise): Score {
  let points = 0;
  let maxPoints = 0;
  for (const test of exercise.result.tests) {
    const weight = exercise.weights[test.name] ?? 1;
    maxPoints += weight;
    if (test.status === 'pass' && exercise.result.status !== 'error') points += weight;
  }
  if (maxPoints === 0) maxPoints = Math.max(1, Object.values(exercise.weights).reduce((a, b) => a + b, 0));
  return { points, maxPoints };
}

export function totalScore(exercises: readonly GradedExercise[]): Score {
  return exercises.map(scoreOf).reduce(
    (sum, s) => ({ points: sum.points + s.points, maxPoints: sum.maxPoints + s.maxPoints }),
    { points: 0, maxPoints: 0 },
  );
}
