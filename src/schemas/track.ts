import { z } from 'zod';

/** One entry of `content/tracks.json`. */
export const trackSchema = z.strictObject({
  id: z.string().regex(/^\d{2}-[a-z0-9-]+$/, 'A track id is "<nn>-<slug>", e.g. "04-streams".'),
  number: z.number().int().min(1),
  title: z.string().min(3),
  summary: z.string().min(10),
});

export type Track = z.infer<typeof trackSchema>;
