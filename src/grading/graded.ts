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

/**
 * Points earned and possible. The possible points come from the course's test files, so an
 * exercise that could not run at all (a syntax error) still counts for its full weight.
 */
export function scoreOf(exercise: GradedExercise): Score {
  const weight = (name: string) => exercise.weights[name] ?? 1;
  const known = Object.keys(exercise.testCode);
  const names = known.length > 0 ? known : exercise.result.tests.map((t) => t.name);
  const maxPoints = names.reduce((sum, name) => sum + weight(name), 0);
  // A run that errored or was stopped at its time limit earns nothing: its partial results come
  // from events the submission itself could have written.
  const points =
    exercise.result.status === 'error' || exercise.result.status === 'timeout'
      ? 0
      : exercise.result.tests
          .filter((t) => t.status === 'pass')
          .reduce((sum, t) => sum + weight(t.name), 0);
  return { points, maxPoints };
}

export function totalScore(exercises: readonly GradedExercise[]): Score {
  return exercises
    .map(scoreOf)
    .reduce(
      (sum, s) => ({ points: sum.points + s.points, maxPoints: sum.maxPoints + s.maxPoints }),
      { points: 0, maxPoints: 0 },
    );
}
