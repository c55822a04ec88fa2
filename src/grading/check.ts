/**
 * The course check (`npm run check`): proves every exercise is gradeable and the course is
 * wired together. Each problem names the file (and line where there is one) and how to fix it.
 */
import { readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  ExerciseDefinitionError,
  listExerciseIds,
  loadExercise,
  loadSolution,
  type Exercise,
} from '../exercises/catalog.ts';
import { isFailing, type RunResult } from '../runner/result.ts';
import { runBatch } from '../runner/local/batch-runner.ts';
import type { LocalRunner } from '../runner/local/local-runner.ts';
import { readLessonQuizzes, readLessonRefs } from './lessons.ts';
import { mapLimit } from './map-limit.ts';

export interface CheckProblem {
  file: string;
  line?: number;
  message: string;
  hint: string;
}

export interface ExerciseCheck {
  id: string;
  problems: CheckProblem[];
  solution?: RunResult;
  starter?: RunResult;
}

export interface CheckReport {
  exercises: ExerciseCheck[];
  /** Problems not tied to one exercise: lessons, folder layout. */
  course: CheckProblem[];
}

const FOCUS_OR_SKIP =
  /\b(?:it|test|describe)\.(only|skip|todo)\b|\b(?:fit|fdescribe|xit|xtest|xdescribe)\(/;

function summarizeFailure(result: RunResult): string {
  const failed = result.tests.filter((t) => t.status !== 'pass').map((t) => t.name);
  return (
    result.message ??
    (failed.length > 0 ? `failing: ${failed.slice(0, 3).join('; ')}` : result.status)
  );
}

function staticProblems(exercise: Exercise): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const meta = `exercises/${exercise.id}/exercise.json`;
  if (exercise.meta.hints.length < 2 || exercise.meta.hints.length > 4) {
    problems.push({
      file: meta,
      message: `has ${exercise.meta.hints.length} hint(s); every exercise needs 2 to 4`,
      hint: 'Write progressive hints: the first a nudge, the last close to the answer.',
    });
  }
  if (exercise.tests.length === 0) {
    problems.push({
      file: `exercises/${exercise.id}`,
      message: 'has no test file (*.test.ts)',
      hint: 'Add a vitest file next to the starter.',
    });
  }
  for (const test of exercise.tests) {
    test.content.split('\n').forEach((text, index) => {
      const match = FOCUS_OR_SKIP.exec(text);
      if (match) {
        problems.push({
          file: `exercises/${exercise.id}/${test.name}`,
          line: index + 1,
          message: `uses ${match[0].replace(/\($/, '')}: every test must run for every learner`,
          hint: 'Remove .only/.skip/.todo (and x/f prefixes) before committing.',
        });
      }
    });
  }
  return problems;
}

interface Prepared {
  check: ExerciseCheck;
  exercise?: Exercise;
  solutionFiles?: Record<string, string>;
}

/** Everything that can be checked without running code, and the files to run. */
async function prepareExercise(root: string, id: string): Promise<Prepared> {
  let exercise: Exercise;
  try {
    exercise = await loadExercise(root, id);
  } catch (error) {
    if (error instanceof ExerciseDefinitionError) {
      const message = error.message.replace(`${error.file}: `, '');
      return { check: { id, problems: [{ file: error.file, message, hint: error.hint }] } };
    }
    throw error;
  }
  const problems = staticProblems(exercise);
  let solutionFiles: Record<string, string>;
  try {
    solutionFiles = await loadSolution(root, exercise);
  } catch {
    problems.push({
      file: `solutions/${id}`,
      message: `is missing a reference version of ${exercise.meta.editable.join(', ')}`,
      hint: `Add solutions/${id}/ with the same editable files as the starter.`,
    });
    return { check: { id, problems } };
  }
  const unchanged = exercise.starter.every((file) => solutionFiles[file.name] === file.content);
  if (unchanged) {
    problems.push({
      file: `solutions/${id}`,
      message: 'the reference solution is identical to the starter',
      hint: 'Write the reference solution in solutions/ and leave the starter for the learner to complete.',
    });
  }
  problems.push(...equivalentMutantProblems(exercise, solutionFiles));
  return { check: { id, problems }, exercise, solutionFiles };
}

/**
 * Each mutant listed as equivalent must still point at code of the reference solution: after an
 * edit moves the lines, a stale entry would excuse a different mutant (see grading/mutate.ts).
 */
function equivalentMutantProblems(
  exercise: Exercise,
  solutionFiles: Record<string, string>,
): CheckProblem[] {
  const meta = `exercises/${exercise.id}/exercise.json`;
  return exercise.meta.equivalentMutants.flatMap((mutant, index): CheckProblem[] => {
    const source = solutionFiles[mutant.file];
    if (source === undefined) {
      return [
        {
          file: meta,
          message: `equivalentMutants[${index}] names "${mutant.file}", which is not an editable file`,
          hint: `Use one of: ${exercise.meta.editable.join(', ')}.`,
        },
      ];
    }
    const lines = source.split('\n').length;
    if (mutant.line > lines) {
      return [
        {
          file: meta,
          message: `equivalentMutants[${index}] points at line ${mutant.line} of ${mutant.file}, which has ${lines} lines`,
          hint:
            'Run npm run mutate -- --exercise ' +
            exercise.id +
            " and copy the survivor's line again.",
        },
      ];
    }
    return [];
  });
}

/** Judges the two runs of an exercise: the solution must pass, the starter fail an assertion. */
function judgeRuns(
  check: ExerciseCheck,
  exercise: Exercise,
  solution: RunResult,
  starter: RunResult,
): void {
  const id = exercise.id;
  check.solution = solution;
  check.starter = starter;
  if (solution.status !== 'pass') {
    check.problems.push({
      file: `solutions/${id}/${exercise.meta.editable[0] ?? ''}`,
      ...(solution.location ? { line: solution.location.line } : {}),
      message: `the reference solution does not pass (${solution.status}): ${summarizeFailure(solution)}`,
      hint: 'Fix the solution or the tests: the reference must pass every test.',
    });
  }
  const starterFile = `exercises/${id}/${exercise.meta.editable[0] ?? ''}`;
  if (starter.status === 'pass') {
    check.problems.push({
      file: starterFile,
      message: 'the starter already passes every test',
      hint: 'Leave the starter incomplete, or add the test that the missing work must satisfy.',
    });
  } else if (starter.status !== 'fail') {
    check.problems.push({
      file: starterFile,
      ...(starter.location ? { line: starter.location.line } : {}),
      message: `the starter does not fail with an assertion but with ${starter.status === 'timeout' ? 'a timeout' : `an error (${starter.errorCode ?? 'unknown'})`}: ${summarizeFailure(starter)}`,
      hint: 'A learner must first see readable failing assertions: make the starter compile, load and return quickly.',
    });
  }
  check.problems.push(...hintProblems(exercise, solution, starter));
}

/**
 * The panel offers a hint beside the failing test it names, so each name must be one the
 * results list shows, and each test the starter fails (what a learner sees first) must lead to
 * at least one hint.
 */
function hintProblems(exercise: Exercise, solution: RunResult, starter: RunResult): CheckProblem[] {
  const meta = `exercises/${exercise.id}/exercise.json`;
  const problems: CheckProblem[] = [];
  // Without test results from the reference there is nothing to compare with, and the run's
  // own problem already says why.
  const names = solution.tests.map((t) => t.name);
  if (names.length === 0) return problems;
  exercise.meta.hints.forEach((hint, index) => {
    for (const name of hint.tests.filter((t) => !names.includes(t))) {
      const similar = names.find((n) => n.endsWith(name) || name.endsWith(n.split(' > ').at(-1)!));
      problems.push({
        file: meta,
        message: `hints[${index}] names the test "${name}", which the reference run does not report`,
        hint: similar
          ? `Did you mean "${similar}"? Name tests in full, as the results list shows them.`
          : `Name tests in full, as the results list shows them: describe blocks and test joined by " > ", e.g. "${names[0]}".`,
      });
    }
  });
  // A starter that timed out or crashed is a problem of its own; what it did not reach says
  // nothing about the hints.
  if (starter.status !== 'fail') return problems;
  const named = new Set(exercise.meta.hints.flatMap((hint) => hint.tests));
  for (const test of starter.tests.filter((t) => isFailing(t) && !named.has(t.name))) {
    problems.push({
      file: meta,
      message: `no hint names the test "${test.name}", which the starter fails`,
      hint: `Add "${test.name}" to the tests of the hint that helps a learner fix it, so the panel can offer that hint beside the failing test.`,
    });
  }
  return problems;
}

async function subdirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

async function layoutProblems(
  root: string,
  exerciseIds: readonly string[],
): Promise<CheckProblem[]> {
  const problems: CheckProblem[] = [];
  const solutionIds: string[] = [];
  for (const track of await subdirs(join(root, 'solutions'))) {
    for (const slug of await subdirs(join(root, 'solutions', track)))
      solutionIds.push(`${track}/${slug}`);
  }
  for (const id of solutionIds.filter((s) => !exerciseIds.includes(s))) {
    problems.push({
      file: `solutions/${id}`,
      message: 'has no matching exercise',
      hint: `Move it to match exercises/<track>/<slug>, or delete it.`,
    });
  }
  const lessons = await readLessonRefs(root);
  const used = new Set<string>();
  for (const lesson of lessons) {
    for (const { id, line } of lesson.embedded) {
      used.add(id);
      if (!exerciseIds.includes(id)) {
        problems.push({
          file: lesson.file,
          line,
          message: `embeds exercise "${id}", which does not exist`,
          hint: `Use an id from exercises/ (${exerciseIds.slice(0, 3).join(', ')}…), or create it with npm run new:exercise.`,
        });
      }
      if (!lesson.declared.includes(id)) {
        problems.push({
          file: lesson.file,
          line,
          message: `embeds "${id}" but does not list it under exercises: in the frontmatter`,
          hint: 'Add it to the frontmatter list so the course index counts it.',
        });
      }
    }
    for (const id of lesson.declared.filter((d) => !lesson.embedded.some((e) => e.id === d))) {
      problems.push({
        file: lesson.file,
        message: `lists "${id}" in its frontmatter but never embeds it`,
        hint: `Add <Exercise id="${id}" /> where the learner is ready for it.`,
      });
    }
  }
  // A link to a lesson that was renamed or never written is a 404 only a reader would find.
  const pages = new Set(['/', ...lessons.map((lesson) => lesson.url)]);
  for (const lesson of lessons) {
    for (const { href, line } of lesson.links) {
      if (href.startsWith('/')) {
        problems.push({
          file: lesson.file,
          line,
          message: `links to ${href} from the site's root, which breaks where the site is served under a base path`,
          hint: 'Link relatively: ../<slug>/ within a track, ../../<track>/<slug>/ across tracks.',
        });
        continue;
      }
      const target = new URL(href, `https://site.invalid${lesson.url}`).pathname;
      if (pages.has(target) || pages.has(`${target}/`)) continue;
      problems.push({
        file: lesson.file,
        line,
        message: `links to ${href}, which is not a page of the course (${target})`,
        hint: 'Link to a lesson as ../<slug>/ within its track, ../../<track>/<slug>/ across tracks: the slug is the file name without its number.',
      });
    }
  }
  for (const lesson of await readLessonQuizzes(root)) {
    for (const { line, message, hint } of lesson.problems) {
      problems.push({ file: lesson.file, ...(line === undefined ? {} : { line }), message, hint });
    }
  }
  for (const id of exerciseIds.filter((e) => !used.has(e))) {
    problems.push({
      file: `exercises/${id}`,
      message: 'is not used by any lesson',
      hint: `Embed it in a lesson with <Exercise id="${id}" />.`,
    });
  }
  return problems;
}

/**
 * A reference solution that did not pass in the shared batch runs again on its own before the
 * check reports it. Its tests share the batch's workers with every other exercise, so on a busy
 * machine a test that guards against a hang can give up on a slow but correct answer; alone it
 * gets the same chance a learner's run does. A real fault fails both times, and the single run's
 * result is the one reported. Starters are expected to fail and are not re-run.
 */
async function confirmAlone(
  runner: LocalRunner,
  jobs: ReadonlyArray<{ exercise: Exercise; files: Readonly<Record<string, string>> }>,
  results: RunResult[],
): Promise<RunResult[]> {
  return mapLimit(results, availableParallelism(), async (result, index) => {
    const isSolution = index % 2 === 0;
    if (!isSolution || result.status === 'pass') return result;
    const job = jobs[index]!;
    return runner.runExercise(job.exercise, job.files);
  });
}

export interface CheckOptions {
  onExercise?: (check: ExerciseCheck) => void;
  /** Run every exercise in its own vitest process instead of batching (the benchmark baseline). */
  oneProcessPerRun?: boolean;
  /**
   * Run only these exercises (an author iterating on one). The course-wide layout checks
   * still run over everything.
   */
  only?: readonly string[];
}

export async function checkCourse(
  root: string,
  runner: LocalRunner,
  options: CheckOptions = {},
): Promise<CheckReport> {
  const ids = await listExerciseIds(root);
  const only = options.only;
  const selected = only?.length
    ? ids.filter((id) => only.some((o) => id === o || id.startsWith(`${o}/`)))
    : ids;
  const prepared = await Promise.all(selected.map((id) => prepareExercise(root, id)));
  const runnable = prepared.filter((p) => p.exercise && p.solutionFiles);
  // Solution and starter of every exercise, in one batch: see runner/local/batch-runner.ts.
  const jobs = runnable.flatMap((p) => [
    { exercise: p.exercise!, files: p.solutionFiles! },
    { exercise: p.exercise!, files: {} },
  ]);
  const results = options.oneProcessPerRun
    ? await mapLimit(jobs, availableParallelism(), (job) =>
        runner.runExercise(job.exercise, job.files),
      )
    : await confirmAlone(runner, jobs, (await runBatch(runner, jobs)).results);
  runnable.forEach((p, index) => {
    judgeRuns(p.check, p.exercise!, results[index * 2]!, results[index * 2 + 1]!);
  });
  for (const p of prepared) options.onExercise?.(p.check);
  return { exercises: prepared.map((p) => p.check), course: await layoutProblems(root, ids) };
}
