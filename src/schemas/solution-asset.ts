import { z } from 'zod';
import { editableFileNameSchema, exerciseIdSchema } from './exercise.ts';
import { strictObject } from './strict.ts';

/**
 * The reference solution of one exercise as the build writes it for the browser
 * (src/exercises/solution-asset.ts): a file of its own, fetched only when the learner asks to
 * compare, so no lesson page carries the answer. The browser checks it with this schema because
 * a stale cache or a broken deployment can hand it anything.
 */
export const solutionAssetSchema = strictObject(
  {
    version: z.literal(1).describe('Bumped when the shape changes.'),
    id: exerciseIdSchema.describe('The exercise this solution belongs to.'),
    files: z
      .record(editableFileNameSchema, z.string())
      .describe('The reference version of each editable file, keyed by file name.'),
  },
  'a solution file',
);

export type SolutionAsset = z.infer<typeof solutionAssetSchema>;
