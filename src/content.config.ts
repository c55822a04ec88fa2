import { defineCollection } from 'astro:content';
import { file, glob } from 'astro/loaders';
import { lessonSchema } from './schemas/lesson.ts';
import { trackSchema } from './schemas/track.ts';

const lessons = defineCollection({
  loader: glob({ pattern: '**/*.mdx', base: './content/lessons' }),
  schema: lessonSchema,
});

const tracks = defineCollection({
  loader: file('./content/tracks.json'),
  schema: trackSchema,
});

export const collections = { lessons, tracks };
