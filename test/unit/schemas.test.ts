import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exerciseMetaSchema } from '../../src/schemas/exercise.ts';
import { lessonSchema } from '../../src/schemas/lesson.ts';

const lesson = {
  title: 'Transform streams',
  description: 'Write Transform streams that survive any chunking.',
  track: '04-streams',
  order: 4,
  objectives: ['Write a Transform'],
};

describe('lessonSchema', () => {
  it('accepts valid frontmatter and fills defaults', () => {
    expect(lessonSchema.parse(lesson)).toEqual({ ...lesson, nodeDocs: [], exercises: [] });
  });

  it('rejects a misspelt field and lists the allowed ones', () => {
    const { objectives, ...rest } = lesson;
    const result = lessonSchema.safeParse({ ...rest, objective: objectives });
    expect(result.success).toBe(false);
    const message = z.prettifyError(result.error!);
    expect(message).toContain('Unknown field "objective" in lesson frontmatter');
    expect(message).toContain('objectives');
  });
});

describe('exerciseMetaSchema', () => {
  const meta = {
    title: 'lines()',
    summary: 'Split a byte stream into lines.',
    editable: ['lines.ts'],
    hints: [
      { text: 'First hint, a nudge.', tests: ['lines() > joins a line split across chunks'] },
      { text: 'Second hint, the answer.', tests: ['lines() > joins a line split across chunks'] },
    ],
  };

  it('rejects a hint in the old form, a bare string, and shows the new one', () => {
    const result = exerciseMetaSchema.safeParse({ ...meta, hints: ['A hint that names no test.'] });
    expect(result.success).toBe(false);
    expect(z.prettifyError(result.error!)).toContain('A hint is { "text": "…", "tests": [');
  });

  it('rejects a hint that names no test', () => {
    const hints = [{ text: 'A hint that names no test.', tests: [] }];
    expect(exerciseMetaSchema.safeParse({ ...meta, hints }).success).toBe(false);
  });

  it('defaults the time limit to 10 s', () => {
    expect(exerciseMetaSchema.parse(meta).timeLimitSeconds).toBe(10);
  });

  it.each([['../lines.ts'], ['.env'], ['dir/lines.ts'], ['lines.exe']])(
    'rejects %s as an editable file',
    (name) => {
      expect(exerciseMetaSchema.safeParse({ ...meta, editable: [name] }).success).toBe(false);
    },
  );
});
