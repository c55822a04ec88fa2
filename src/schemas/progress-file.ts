import { z } from 'zod';
import { runnerModes } from '../runner/runner-mode.ts';
import { exerciseIdSchema } from './exercise.ts';

/**
 * The file a learner exports to move their progress to another browser, and imports back.
 * Everything the browser keeps for the learner is in it: passes, drafts, and every other
 * `workbench:v1:*` key (settings, revealed hints, quiz answers) as the raw stored string. The
 * keys this release understands are checked field by field; the rest only for size, so a file
 * from a colleague's newer feature still round-trips.
 */
export const PROGRESS_FORMAT = 'node-internals-workbench/progress';
export const PROGRESS_VERSION = 1;
/** Far above a whole course of drafts (tens of kilobytes), far below what would stall a tab. */
export const PROGRESS_MAX_BYTES = 5 * 1024 * 1024;

/** A moment as Date.now() gives it; nothing before 2020 or absurdly far ahead is real. */
const timestamp = z
  .number()
  .int()
  .min(Date.UTC(2020, 0, 1), 'is before 2020')
  .max(Date.UTC(2200, 0, 1), 'is after 2200');

export const draftSchema = z.strictObject({
  files: z
    .record(z.string().max(500), z.string())
    .refine((files) => Object.keys(files).length > 0, 'has no files'),
  savedAt: timestamp,
});
export type ProgressDraft = z.infer<typeof draftSchema>;

/** The last lesson opened, for the course home's "Continue" link. */
export const lastLessonSchema = z.strictObject({
  href: z
    .string()
    .max(500)
    .regex(/^\/[^/\\]/, 'is not a path on this site'),
  at: timestamp,
});
export type LastLesson = z.infer<typeof lastLessonSchema>;

/** The part of the key after `workbench:v1:`. */
const otherKey = z
  .string()
  .max(300)
  .regex(/^[a-z][a-z0-9-]*(:[\w./-]+)*$/i, 'is not a key the Workbench stores')
  .refine(
    (key) => !/^(passed|draft):/.test(key),
    'belongs in "passed" or "drafts", not in "other"',
  );

/** Values of the other keys this release knows, checked as it reads them. */
const knownOther: Record<string, z.ZodType> = {
  'runner-mode': z.enum(runnerModes),
  'last-lesson': z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not JSON' });
        return z.NEVER;
      }
    })
    .pipe(lastLessonSchema),
};

export const progressFileSchema = z
  .strictObject({
    format: z.literal(PROGRESS_FORMAT),
    version: z.literal(PROGRESS_VERSION),
    exportedAt: z.iso.datetime(),
    passed: z.record(exerciseIdSchema, timestamp),
    drafts: z.record(exerciseIdSchema, draftSchema),
    other: z.record(otherKey, z.string().max(PROGRESS_MAX_BYTES)),
  })
  .superRefine((file, ctx) => {
    for (const [key, value] of Object.entries(file.other)) {
      const check = knownOther[key]?.safeParse(value);
      if (check && !check.success) {
        ctx.addIssue({
          code: 'custom',
          path: ['other', key],
          message: check.error.issues[0]?.message ?? 'is not valid',
        });
      }
    }
  });
export type ProgressFile = z.infer<typeof progressFileSchema>;

/** Just enough to tell "not ours" and "from a newer release" apart from "damaged". */
export const progressHeaderSchema = z.looseObject({
  format: z.string(),
  version: z.number().int().positive(),
});
