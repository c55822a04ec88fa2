import { z } from 'zod';
import { strictObject } from './strict.ts';

/**
 * Exercise ids are `<track>/<slug>`, the same path the exercise has under `exercises/` and
 * `solutions/`. Kept to lowercase kebab-case so an id is safe in a URL, a file path and a
 * localStorage key without escaping.
 */
export const exerciseIdSchema = z
  .string()
  .regex(
    /^\d{2}-[a-z0-9-]+\/[a-z0-9][a-z0-9-]*$/,
    'An exercise id is "<track>/<slug>", e.g. "04-streams/lines" (lowercase, digits and dashes).',
  );

/**
 * A file a learner may edit. Plain names only: the runner writes these into a fresh workspace,
 * so a path separator or a leading dot would let a submission place files where the tests or
 * the tooling live.
 */
export const editableFileNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(ts|mts|js|mjs|json|txt)$/,
    'An editable file is a plain file name such as "lines.ts" (no folders, no leading dot).',
  );

/**
 * A change to the reference solution that the tests cannot catch because it does not change
 * behaviour (src/grading/mutate.ts). Identified as Stryker reports it.
 */
export const equivalentMutantSchema = strictObject(
  {
    file: editableFileNameSchema.describe('The solution file, as in "editable".'),
    line: z.number().int().min(1).describe('Line of the mutant in the reference solution.'),
    mutator: z.string().min(1).describe('Stryker\'s mutator name, e.g. "ConditionalExpression".'),
    replacement: z
      .string()
      .optional()
      .describe('The replacement code, when one line has several mutants of the same kind.'),
    reason: z
      .string()
      .min(10)
      .describe('Why the change cannot alter what the tests may observe, in one sentence.'),
  },
  'an equivalent mutant',
);
export type EquivalentMutant = z.infer<typeof equivalentMutantSchema>;

/**
 * A hint and the tests it helps with. Tests are named as the results list shows them: the full
 * name, describe blocks and test joined by " > " (the same key as `weights`), so the panel can
 * offer the hint beside exactly that failing test and the course check can prove the name exists.
 */
export const hintSchema = z.strictObject(
  {
    text: z.string().min(10).describe('The hint, one or two sentences.'),
    tests: z
      .array(z.string().min(1))
      .min(1)
      .describe(
        'Full names of the tests this hint helps a learner fix, as the results list shows them ("lines() > joins a line split across chunks").',
      ),
  },
  {
    // A bare string is the old form; an unknown key is most likely a misspelt "tests".
    error: (issue) =>
      issue.code === 'invalid_type' || issue.code === 'unrecognized_keys'
        ? 'A hint is { "text": "…", "tests": ["<full test name as the results list shows it>"] } and nothing else.'
        : undefined,
  },
);
export type Hint = z.infer<typeof hintSchema>;

/** `exercises/<track>/<slug>/exercise.json`. */
export const exerciseMetaSchema = strictObject(
  {
    $schema: z.string().optional(),
    title: z.string().min(3).describe('Shown above the editor.'),
    summary: z.string().min(10).describe('One sentence: what the learner builds.'),
    editable: z
      .array(editableFileNameSchema)
      .min(1)
      .describe('Files the learner edits; every other file in the folder is read-only.'),
    hints: z
      .array(hintSchema)
      .min(1)
      .max(4)
      .describe(
        'Revealed one at a time, in this order; the last one is close to the answer. After a run, the panel offers the hints that name the first failing test.',
      ),
    timeLimitSeconds: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(10)
      .describe(
        "Time the learner's code may take in one run, from loading it to the last test and hook; starting vitest and opening a database are not counted.",
      ),
    equivalentMutants: z
      .array(equivalentMutantSchema)
      .default([])
      .describe(
        'Mutants of the reference solution that survive `npm run mutate` because they do not change behaviour, each with the reason; they do not count against the mutation score.',
      ),
    weights: z
      .record(z.string().min(1), z.number().positive())
      .default({})
      .describe(
        'Points per test, keyed by the full test name as reported ("lines() > joins a line ..."); unlisted tests count 1. Used by the grader for partial credit.',
      ),
  },
  'exercise.json',
);

export type ExerciseMeta = z.infer<typeof exerciseMetaSchema>;
