/** The course home's totals: exercises passed of all, and lessons whose exercises all passed. */
import { describe, expect, it } from 'vitest';
import { courseProgress } from '../../src/components/exercise/progress.ts';

describe('courseProgress', () => {
  const lessons = [['01-bytes/a'], [], ['04-streams/lines', '04-streams/pipes'], ['01-bytes/a']];

  it('counts nothing for a first-time visitor', () => {
    expect(courseProgress(lessons, () => false)).toEqual({
      exercisesPassed: 0,
      exercises: 3,
      lessonsDone: 0,
      lessons: 3,
    });
  });

  it('counts an exercise once, and a lesson only when all its exercises passed', () => {
    const passed = new Set(['01-bytes/a', '04-streams/lines']);
    expect(courseProgress(lessons, (id) => passed.has(id))).toEqual({
      exercisesPassed: 2,
      exercises: 3,
      lessonsDone: 2,
      lessons: 3,
    });
  });
});
