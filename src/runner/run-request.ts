/**
 * Validation of a run request body, shared by the HTTP endpoint and anything else that
 * accepts submissions. Every rejection says what was wrong and what to do, as JSON.
 */
import { z } from 'zod';
import { editableFileNameSchema, exerciseIdSchema } from '../schemas/exercise.ts';
import type { RunRequest } from './runner.ts';

/** Total size of all submitted files, in UTF-8 bytes. */
export const MAX_SUBMISSION_BYTES = 256 * 1024;
/** More files than any exercise has: a request with more is not a submission. */
export const MAX_FILES = 16;
/** A request body a little larger than the files, for JSON quoting and escapes. */
export const MAX_BODY_BYTES = MAX_SUBMISSION_BYTES * 2 + 4096;

export interface RequestRejection {
  status: 400 | 404 | 413 | 415 | 422;
  code:
    | 'bad-json'
    | 'bad-shape'
    | 'unknown-exercise'
    | 'not-editable'
    | 'too-large'
    | 'bad-encoding'
    | 'bad-content-type';
  message: string;
  hint: string;
}

const bodySchema = z.strictObject({
  exerciseId: exerciseIdSchema,
  files: z.record(editableFileNameSchema, z.string()),
});

export type Validated =
  { ok: true; request: RunRequest } | { ok: false; rejection: RequestRejection };

function reject(rejection: RequestRejection): Validated {
  return { ok: false, rejection };
}

/**
 * `editableFor` answers which files an exercise lets the learner edit, or undefined when the
 * exercise does not exist.
 */
export async function validateRunRequest(
  body: string,
  editableFor: (exerciseId: string) => Promise<readonly string[] | undefined>,
): Promise<Validated> {
  if (new TextEncoder().encode(body).byteLength > MAX_BODY_BYTES) {
    return reject({
      status: 413,
      code: 'too-large',
      message: `The request is larger than ${MAX_BODY_BYTES} bytes.`,
      hint: `Submissions are limited to ${MAX_SUBMISSION_BYTES / 1024} KB of code in total.`,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return reject({
      status: 400,
      code: 'bad-json',
      message: `The request body is not valid JSON: ${(error as Error).message}`,
      hint: 'Send {"exerciseId": "...", "files": {"name.ts": "..."}} with Content-Type: application/json.',
    });
  }
  const parsed = bodySchema.safeParse(json);
  if (!parsed.success) {
    return reject({
      status: 400,
      code: 'bad-shape',
      message: `The request body is not a run request: ${z.prettifyError(parsed.error)}`,
      hint: 'Send {"exerciseId": "<track>/<slug>", "files": {"<editable file>": "<content>"}}.',
    });
  }
  const { exerciseId, files } = parsed.data;
  if (Object.keys(files).length > MAX_FILES) {
    return reject({
      status: 413,
      code: 'too-large',
      message: `The request has ${Object.keys(files).length} files; at most ${MAX_FILES} are accepted.`,
      hint: 'Submit only the files the exercise lets you edit.',
    });
  }
  const editable = await editableFor(exerciseId);
  if (!editable) {
    return reject({
      status: 404,
      code: 'unknown-exercise',
      message: `There is no exercise "${exerciseId}".`,
      hint: 'Reload the page: the course may have been updated since it was opened.',
    });
  }
  const names = Object.keys(files);
  const foreign = names.filter((name) => !editable.includes(name));
  if (foreign.length > 0) {
    return reject({
      status: 422,
      code: 'not-editable',
      message: `Not editable in ${exerciseId}: ${foreign.join(', ')}.`,
      hint: `Only these files can be submitted: ${editable.join(', ')}.`,
    });
  }
  if (names.length === 0) {
    return reject({
      status: 422,
      code: 'bad-shape',
      message: 'No files were submitted.',
      hint: `Submit at least one of: ${editable.join(', ')}.`,
    });
  }
  let total = 0;
  for (const name of names) {
    const content = files[name] ?? '';
    // JSON can carry lone surrogates (\ud800) that are not Unicode text and cannot be written
    // as UTF-8 without silently changing the learner's code.
    if (!content.isWellFormed()) {
      return reject({
        status: 422,
        code: 'bad-encoding',
        message: `${name} is not valid UTF-8 text (it contains an unpaired surrogate).`,
        hint: 'Remove the broken character; copying from a PDF or a terminal is the usual cause.',
      });
    }
    total += new TextEncoder().encode(content).byteLength;
  }
  if (total > MAX_SUBMISSION_BYTES) {
    return reject({
      status: 413,
      code: 'too-large',
      message: `The submitted files add up to ${total} bytes; the limit is ${MAX_SUBMISSION_BYTES}.`,
      hint: 'An exercise solution fits in a few kilobytes: remove pasted data or generated code.',
    });
  }
  return { ok: true, request: { exerciseId, files } };
}
