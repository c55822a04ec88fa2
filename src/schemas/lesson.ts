import { z } from 'zod';
import { exerciseIdSchema } from './exercise.ts';
import { strictObject } from './strict.ts';

/**
 * Lesson frontmatter. Strict on purpose: a misspelt key (`objective:` for `objectives:`) is
 * a build error naming the file, not a silently missing section.
 */
export const lessonSchema = strictObject(
  {
    title: z.string().min(3).describe('The page heading and the link text on the course home.'),
    description: z.string().min(10).max(160).describe('Used for the page description.'),
    track: z
      .string()
      .regex(/^\d{2}-[a-z0-9-]+$/, 'track is a track id such as "04-streams".')
      .describe('The id of a track in content/tracks.json; the lesson file lives in its folder.'),
    order: z.number().int().min(1).describe('Position of the lesson inside its track.'),
    objectives: z.array(z.string().min(3)).min(1).describe('What the learner can do afterwards.'),
    nodeDocs: z
      .array(z.strictObject({ title: z.string(), url: z.url() }))
      .default([])
      .describe('Links to the relevant Node.js API documentation.'),
    exercises: z
      .array(exerciseIdSchema)
      .default([])
      .describe('Exercises the lesson embeds with <Exercise id="..." />.'),
  },
  'lesson frontmatter',
);

export type LessonFrontmatter = z.infer<typeof lessonSchema>;
