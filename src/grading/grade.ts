/**
 * Grades a learner's work from disk (`workbench grade`): a tree laid out like exercises/
 * (`<dir>/<track>/<slug>/<editable files>`) or a single exercise folder. The tests always come
 * from the course, never from the submission, and each exercise runs in its own process: a
 * learner's code cannot see or alter another exercise's tests. Every problem with one exercise
 * (a missing file, an unknown id, a syntax error, a hang) is that exercise's result; the others
 * are still graded.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { listExerciseIds, loadExercise, META_FILE, type Exercise } from '../exercises/catalog.ts';
import type { LocalRunner } from '../runner/local/local-runner.ts';
import { problemResult, type RunProblem } from '../runner/result.ts';
import type { GradedExercise } from './graded.ts';
import { mapLimit } from './map-limit.ts';
import { extractTestCode } from './test-code.ts';

/** Bad usage or unreadable input: exit code 2, not a grade. */
export class GradeUsageError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.name = 'GradeUsageError';
    this.hint = hint;
  }
}

export interface GradeOptions {
  courseRoot: string;
  runner: LocalRunner;
  /** The submission: a tree like exercises/, or one exercise folder. */
  dir: string;
  /** Only these exercises (a tree), or the id of a single folder. */
  exerciseIds?: readonly string[];
  /** Paths in reports are relative to this (the current directory). */
  cwd: string;
  concurrency?: number;
}

interface Target {
  id: string;
  /** The folder holding this exercise's submitted files. */
  folder: string;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function listSubmittedIds(dir: string): Promise<string[]> {
  const ids: string[] = [];
  for (const track of (await readdir(dir, { withFileTypes: true })).filter((e) =>
    e.isDirectory(),
  )) {
    if (!/^\d{2}-/.test(track.name)) continue;
    const slugs = await readdir(join(dir, track.name), { withFileTypes: true });
    for (const slug of slugs.filter((e) => e.isDirectory())) ids.push(`${track.name}/${slug.name}`);
  }
  return ids.sort();
}

/** Works out which exercises to grade and where each one's files are. */
export async function resolveTargets(
  dir: string,
  courseIds: readonly string[],
  requested: readonly string[] | undefined,
): Promise<Target[]> {
  if (!(await isDirectory(dir))) {
    throw new GradeUsageError(
      `Cannot read the submission folder ${dir}.`,
      'Pass a folder laid out like exercises/ (<track>/<slug>/...) or one exercise folder.',
    );
  }
  // One exercise folder: named like an exercise (…/<track>/<slug>), or holding its files.
  const ownId = `${basename(dirname(dir))}/${basename(dir)}`;
  const looksSingle =
    courseIds.includes(ownId) || (await readdir(dir)).some((name) => /\.[cm]?[jt]s$/.test(name));
  if (looksSingle) {
    if (requested && requested.length > 1) {
      throw new GradeUsageError(
        `${dir} is a single exercise folder, but ${requested.length} exercises were requested.`,
        'Pass the folder that holds <track>/<slug>/ folders to grade several exercises.',
      );
    }
    const id = requested?.[0] ?? (courseIds.includes(ownId) ? ownId : undefined);
    if (!id) {
      throw new GradeUsageError(
        `Cannot tell which exercise ${dir} is.`,
        'Name the folder <track>/<slug> like in exercises/, or pass --exercise <track>/<slug>.',
      );
    }
    return [{ id, folder: dir }];
  }
  const ids = requested && requested.length > 0 ? [...requested] : await listSubmittedIds(dir);
  if (ids.length === 0) {
    throw new GradeUsageError(
      `No exercises found in ${dir}.`,
      'Expected folders like 04-streams/lines/ holding the files you edited.',
    );
  }
  return ids.map((id) => ({ id, folder: join(dir, ...id.split('/')) }));
}

/** The submitted editable files, or the problem that stops this exercise from being graded. */
async function readSubmission(
  exercise: Exercise,
  folder: string,
  shownFolder: string,
): Promise<{ files: Record<string, string> } | { problem: RunProblem }> {
  if (!(await isDirectory(folder))) {
    return {
      problem: {
        code: 'missing-file',
        message: `The folder ${shownFolder} is missing.`,
        hint: `Submit your work for ${exercise.id} in ${shownFolder}/.`,
      },
    };
  }
  const present = await readdir(folder);
  const known = new Set([
    META_FILE,
    ...exercise.meta.editable,
    ...exercise.tests.map((f) => f.name),
    ...exercise.support.map((f) => f.name),
  ]);
  const unexpected = present.filter((name) => !known.has(name) && !name.startsWith('.'));
  if (unexpected.length > 0) {
    const one = exercise.meta.editable.length === 1;
    return {
      problem: {
        code: 'unexpected-file',
        message: `${shownFolder} holds files that are not part of the exercise: ${unexpected.join(', ')}.`,
        hint: `Only ${exercise.meta.editable.join(', ')} ${one ? 'is' : 'are'} graded: move that code into ${one ? 'it' : 'them'}.`,
      },
    };
  }
  const files: Record<string, string> = {};
  for (const name of exercise.meta.editable) {
    try {
      files[name] = await readFile(join(folder, name), 'utf8');
    } catch {
      return {
        problem: {
          code: 'missing-file',
          message: `${shownFolder}/${name} is missing.`,
          hint: `Submit ${name}: it is the file this exercise grades.`,
        },
      };
    }
  }
  return { files };
}

async function gradeOne(
  target: Target,
  options: GradeOptions,
  courseIds: readonly string[],
): Promise<GradedExercise> {
  const shownFolder = relative(options.cwd, target.folder) || '.';
  if (!courseIds.includes(target.id)) {
    return {
      id: target.id,
      result: problemResult({
        code: 'unknown-exercise',
        message: `There is no exercise "${target.id}" in this course.`,
        hint: `Check the folder name; exercises look like ${courseIds[0] ?? '04-streams/lines'}.`,
      }),
      testCode: {},
      weights: {},
      dir: shownFolder,
      editable: [],
      testFiles: [],
    };
  }
  const exercise = await loadExercise(options.courseRoot, target.id);
  const testCode = Object.assign(
    {},
    ...exercise.tests.map((test) => extractTestCode(test.content, test.name)),
  ) as Record<string, string>;
  const base = {
    id: target.id,
    testCode,
    weights: exercise.meta.weights,
    dir: shownFolder,
    editable: exercise.meta.editable,
    testFiles: exercise.tests.map((t) =>
      relative(options.cwd, join(options.courseRoot, 'exercises', target.id, t.name)),
    ),
  };
  const submission = await readSubmission(exercise, target.folder, shownFolder);
  if ('problem' in submission) return { ...base, result: problemResult(submission.problem) };
  return { ...base, result: await options.runner.runExercise(exercise, submission.files) };
}

export async function gradeSubmissions(options: GradeOptions): Promise<GradedExercise[]> {
  const courseIds = await listExerciseIds(options.courseRoot);
  const targets = await resolveTargets(options.dir, courseIds, options.exerciseIds);
  return mapLimit(targets, options.concurrency ?? availableParallelism(), (target) =>
    gradeOne(target, options, courseIds),
  );
}
