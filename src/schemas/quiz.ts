import { z } from 'zod';
import { strictObject } from './strict.ts';

/**
 * A `<Quiz>` in a lesson (src/components/quiz/Quiz.astro). The site build validates each quiz's
 * props with this schema and the course check validates the same props read statically from the
 * MDX (src/grading/quizzes.ts), so an author hears about a broken quiz from either.
 */

/** Backticks mark inline code and must come in pairs, or the rest of the text turns into code. */
const plainText = (min: number, what: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `${what} is missing; it is required.`
          : `${what} must be a string.`,
    })
    .trim()
    .min(min, `${what} needs at least ${min} characters.`)
    .refine((text) => (text.match(/`/g)?.length ?? 0) % 2 === 0, {
      message: `${what} has an unmatched backtick; backticks mark inline code and come in pairs.`,
    });

export const quizIdSchema = z
  .string()
  .regex(
    /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
    'A quiz id is kebab-case, e.g. "slice-shares-memory" (lowercase letters, digits, single dashes).',
  );

export const quizOptionSchema = strictObject(
  {
    text: plainText(1, 'An option text').describe(
      'The answer as the learner sees it; `backticks` mark inline code.',
    ),
    correct: z
      .boolean()
      .optional()
      .describe('true on exactly one option, the right answer; leave it out on the others.'),
    why: plainText(10, 'The explanation (why)').describe(
      'Why this option is right or wrong; shown for every option after the learner checks.',
    ),
  },
  'a quiz option',
);

export const quizSchema = strictObject(
  {
    id: quizIdSchema.describe(
      'Unique within the lesson; part of the key the answer is kept under.',
    ),
    question: plainText(3, 'The question').describe(
      'The question, shown as the legend; `backticks` mark inline code.',
    ),
    options: z
      .array(quizOptionSchema)
      .min(2, 'A quiz needs 2 to 5 options.')
      .max(5, 'A quiz needs 2 to 5 options.')
      .describe('2 to 5 answers, exactly one with correct: true, each with a why.'),
  },
  'a quiz',
).superRefine((quiz, ctx) => {
  const correct = quiz.options.filter((option) => option.correct === true).length;
  if (correct !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['options'],
      message:
        correct === 0
          ? 'No option has correct: true; mark exactly one option as the right answer.'
          : `${correct} options have correct: true; mark exactly one option as the right answer.`,
    });
  }
});

export type Quiz = z.infer<typeof quizSchema>;
export type QuizOption = z.infer<typeof quizOptionSchema>;

/** One line per problem, each with where it is ("options[1].why: ..."). */
export function describeQuizIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((part, index) =>
        typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
      )
      .join('');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
