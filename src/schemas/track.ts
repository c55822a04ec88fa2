import { z } from 'zod';
import { strictObject } from './strict.ts';

/** One entry of `content/tracks.json`. */
export const trackSchema = strictObject(
  {
    id: z
      .string()
      .regex(/^\d{2}-[a-z0-9-]+$/, 'A track id is "<nn>-<slug>", e.g. "04-streams".')
      .describe('Folder name under content/lessons/, exercises/ and solutions/.'),
    number: z.number().int().min(1).describe('Position of the track on the course home.'),
    title: z.string().min(3).describe('Shown on the course home and in breadcrumbs.'),
    summary: z
      .string()
      .min(10)
      .describe('One or two sentences under the title on the course home.'),
  },
  'content/tracks.json',
);

export type Track = z.infer<typeof trackSchema>;
