/**
 * The learner's progress, kept in this browser: which exercises have passed, and when first. A
 * draft means "started". Read by the course home to show each lesson's status and by the lesson
 * page to show what passed before. Storage failures mean "no progress recorded", never an error.
 */
import type { LastLesson } from '../../schemas/progress-file.ts';

export const STORAGE_PREFIX = 'workbench:v1:';
export const PASSED_PREFIX = `${STORAGE_PREFIX}passed:`;
export const LAST_LESSON_KEY = `${STORAGE_PREFIX}last-lesson`;
/** Dispatched on document when an exercise passes, so the page can show it at once. */
export const PASSED_EVENT = 'workbench:passed';

/** The first pass is the one worth showing ("Passed on ..."); later passes keep its date. */
export function markPassed(exerciseId: string, now = Date.now()): void {
  try {
    if (passedAt(exerciseId) === undefined) {
      localStorage.setItem(`${PASSED_PREFIX}${exerciseId}`, String(now));
    }
  } catch {
    // Progress is a convenience; the learner's code is saved separately.
  }
  document.dispatchEvent(new CustomEvent(PASSED_EVENT, { detail: exerciseId }));
}

/** When the exercise first passed (Date.now()), or undefined if it has not. */
export function passedAt(exerciseId: string): number | undefined {
  try {
    const raw = localStorage.getItem(`${PASSED_PREFIX}${exerciseId}`);
    if (raw === null) return undefined;
    const at = Number(raw);
    // A pass recorded without a usable date is still a pass; it just has no date to show.
    return Number.isFinite(at) && at > 0 ? at : 0;
  } catch {
    return undefined;
  }
}

export function hasPassed(exerciseId: string): boolean {
  return passedAt(exerciseId) !== undefined;
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

export interface CourseProgress {
  exercisesPassed: number;
  exercises: number;
  lessonsDone: number;
  /** Lessons with at least one exercise: a lesson without one cannot be done or not done. */
  lessons: number;
}

/** The whole course at a glance, from each lesson's exercise ids. */
export function courseProgress(
  lessons: readonly (readonly string[])[],
  passed: (id: string) => boolean,
): CourseProgress {
  const withExercises = lessons.filter((ids) => ids.length > 0);
  // An exercise embedded in two lessons counts once.
  const exercises = new Set(withExercises.flat());
  return {
    exercisesPassed: [...exercises].filter(passed).length,
    exercises: exercises.size,
    lessonsDone: withExercises.filter((ids) => ids.every(passed)).length,
    lessons: withExercises.length,
  };
}

/** Remembers the lesson being read, for the course home's "Continue" link. */
export function recordLessonVisit(href: string, now = Date.now()): void {
  try {
    localStorage.setItem(LAST_LESSON_KEY, JSON.stringify({ href, at: now }));
  } catch {
    // The home then offers no "Continue" link; nothing else depends on it.
  }
}

/** Checked by hand: zod would add tens of kilobytes to every lesson page for two fields. */
export function lastLesson(): LastLesson | undefined {
  try {
    const value = JSON.parse(localStorage.getItem(LAST_LESSON_KEY) ?? 'null') as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const { href, at } = value as Record<string, unknown>;
    if (typeof href !== 'string' || !href.startsWith('/') || typeof at !== 'number')
      return undefined;
    return { href, at };
  } catch {
    return undefined;
  }
}
