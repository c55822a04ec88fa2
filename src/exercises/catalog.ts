/**
 * Reads exercises from disk: `exercises/<track>/<slug>/` holds exercise.json, the starter
 * files the learner edits and the tests; `solutions/<track>/<slug>/` holds the reference
 * versions of the editable files. Used at build time (pages), by the local runner and by the
 * CLI, so all three agree on what an exercise is. Node only.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { exerciseIdSchema, exerciseMetaSchema, type ExerciseMeta } from '../schemas/exercise.ts';

export const META_FILE = 'exercise.json';
const TEST_FILE = /\.test\.[cm]?[jt]s$/;

export interface ExerciseFile {
  name: string;
  content: string;
}

export interface Exercise {
  id: string;
  meta: ExerciseMeta;
  /** Starter versions of the editable files, in the order exercise.json lists them. */
  starter: ExerciseFile[];
  /** The vitest files. Read-only for the learner. */
  tests: ExerciseFile[];
  /** Any other file the tests need (fixtures, helpers). Read-only for the learner. */
  support: ExerciseFile[];
}

/** An exercise that exists on disk but is broken: the course check reports it. */
export class ExerciseDefinitionError extends Error {
  readonly file: string;
  readonly hint: string;
  constructor(file: string, message: string, hint: string) {
    super(`${file}: ${message}`);
    this.name = 'ExerciseDefinitionError';
    this.file = file;
    this.hint = hint;
  }
}

export function exerciseDir(root: string, id: string): string {
  return join(root, 'exercises', ...id.split('/'));
}

export function solutionDir(root: string, id: string): string {
  return join(root, 'solutions', ...id.split('/'));
}

async function readMeta(root: string, id: string): Promise<ExerciseMeta> {
  const file = join('exercises', id, META_FILE);
  let text: string;
  try {
    text = await readFile(join(root, file), 'utf8');
  } catch {
    throw new ExerciseDefinitionError(file, 'missing', `Create ${file} (see docs/authoring.md).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ExerciseDefinitionError(
      file,
      `not valid JSON (${(error as Error).message})`,
      'Fix the JSON syntax; a trailing comma is the usual suspect.',
    );
  }
  const parsed = exerciseMetaSchema.safeParse(json);
  if (!parsed.success) {
    throw new ExerciseDefinitionError(
      file,
      z.prettifyError(parsed.error),
      'Fix the fields listed above; docs/authoring.md lists every field.',
    );
  }
  return parsed.data;
}

export async function loadExercise(root: string, id: string): Promise<Exercise> {
  if (!exerciseIdSchema.safeParse(id).success) {
    throw new ExerciseDefinitionError(id, 'not a valid exercise id', 'Use "<track>/<slug>".');
  }
  const meta = await readMeta(root, id);
  const dir = exerciseDir(root, id);
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name !== META_FILE)
    .map((entry) => entry.name)
    .sort();
  const read = async (name: string): Promise<ExerciseFile> => ({
    name,
    content: await readFile(join(dir, name), 'utf8'),
  });
  for (const name of meta.editable) {
    if (!names.includes(name)) {
      throw new ExerciseDefinitionError(
        join('exercises', id, META_FILE),
        `lists "${name}" as editable, but exercises/${id}/${name} does not exist`,
        'Add the starter file or fix the name in "editable".',
      );
    }
  }
  return {
    id,
    meta,
    starter: await Promise.all(meta.editable.map(read)),
    tests: await Promise.all(names.filter((n) => TEST_FILE.test(n)).map(read)),
    support: await Promise.all(
      names.filter((n) => !TEST_FILE.test(n) && !meta.editable.includes(n)).map(read),
    ),
  };
}

/** Reference solution files for an exercise, keyed by editable file name. */
export async function loadSolution(
  root: string,
  exercise: Exercise,
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of exercise.meta.editable) {
    files[name] = await readFile(join(solutionDir(root, exercise.id), name), 'utf8');
  }
  return files;
}

/** Every exercise id under `exercises/`, sorted, whether or not its definition is valid. */
export async function listExerciseIds(root: string): Promise<string[]> {
  const ids: string[] = [];
  const tracks = await readdir(join(root, 'exercises'), { withFileTypes: true }).catch(() => []);
  for (const track of tracks
    .filter((t) => t.isDirectory())
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const slugs = await readdir(join(root, 'exercises', track.name), { withFileTypes: true });
    for (const slug of slugs
      .filter((s) => s.isDirectory())
      .sort((a, b) => a.name.localeCompare(b.name))) {
      ids.push(`${track.name}/${slug.name}`);
    }
  }
  return ids;
}
