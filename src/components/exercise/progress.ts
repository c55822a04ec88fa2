/**
 * The learner's progress, kept in this browser: which exercises have passed. A draft means
 * "started". Read by the course home to show each lesson's status. Storage failures mean "no
 * progress recorded", never an error.
 */
const PASSED = 'workbench:v1:passed:';

export function markPassed(exerciseId: string): void {
  try {
    localStorage.setItem(`${PASSED}${exerciseId}`, String(Date.now()));
  } catch {
    // Progress is a convenience; the learner's code is saved separately.
  }
}

export function hasPassed(exerciseId: string): boolean {
  try {
    return localStorage.getItem(`${PASSED}${exerciseId}`) !== null;
  } catch {
    return false;
  }
}

export type LessonStatus = 'done' | 'started' | 'new';

/** A lesson is done when all its exercises passed, started when any has a pass or a draft. */
export function lessonStatus(
  exerciseIds: readonly string[],
  hasDraft: (id: string) => boolean,
): LessonStatus {
  if (exerciseIds.length === 0) return 'new';
  if (exerciseIds.every(hasPassed)) return 'done';
  return exerciseIds.some((id) => hasPassed(id) || hasDraft(id)) ? 'started' : 'new';
}
