#!/usr/bin/env node
/**
 * `workbench`: the command-line front end of the grading engine. The browser and the server use
 * the same runner and result model; this adds the course check, the CI grader and the scaffold.
 *
 * Exit codes: 0 all good, 1 problems found or tests failed, 2 bad usage or unreadable input.
 */
import { appendFile, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalRunner } from '../runner/local/local-runner.ts';
import { stopAllGroups } from '../runner/local/process-groups.ts';
import { countByStatus } from '../runner/result.ts';
import { checkCourse, type CheckProblem } from './check.ts';
import { toGradeReport } from './formats/exercism.ts';
import { githubAnnotations, githubStepSummary } from './formats/github.ts';
import { toJUnitXml } from './formats/junit.ts';
import { textReport } from './formats/text.ts';
import { GradeUsageError, gradeSubmissions } from './grade.ts';
import { ScaffoldError, scaffoldExercise } from './scaffold.ts';

const installRoot = resolve(import.meta.dirname, '..', '..');

const USAGE = `Usage:
  workbench check [--exercise ID ...] [--root DIR]
      Prove every exercise: the reference solution passes, the starter fails with an
      assertion, hints and lessons are in order. Problems come with file, line and a fix.
      --exercise runs only that exercise, or a whole track ("06-databases").

  workbench grade [DIR] [--exercise ID ...] [--format text|json|junit] [--out FILE] [--root DIR]
      Grade a learner's work: DIR is laid out like exercises/ (<track>/<slug>/<files>) or is
      one exercise folder (default: the current directory). Tests come from the course at
      --root (default: this installation). Exit 0 if everything passes, 1 if not.
      With GITHUB_ACTIONS=true, also prints annotations and writes $GITHUB_STEP_SUMMARY.

  workbench new-exercise <track>/<slug> [--root DIR]
      Scaffold an exercise, its solution, its tests and a lesson that embeds it.

Exit codes: 0 success, 1 problems or failing tests, 2 bad usage or unreadable input,
128 + the signal's number when stopped by a signal (130 for Ctrl+C, 143 for SIGTERM).`;

/** How long the runs killed by a signal get to remove their temporary folders. */
const CLEAN_UP_GRACE_MS = 3000;
let interruptedBy: NodeJS.Signals | undefined;

/**
 * Ctrl+C or a CI job's timeout: the test processes lead process groups of their own, out of
 * the signal's reach, so kill them here, let the killed runs remove their folders (they finish
 * at once: nothing new can start), and exit without a report that would only list the kills.
 */
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    interruptedBy = signal;
    stopAllGroups();
    console.error(`\nStopped by ${signal}: every test process was killed.`);
    setTimeout(() => process.exit(128 + constants.signals[signal]), CLEAN_UP_GRACE_MS).unref();
  });
}

class UsageError extends Error {}

function formatProblem(problem: CheckProblem): string {
  const where = problem.line ? `${problem.file}:${problem.line}` : problem.file;
  return `  ✗ ${where}: ${problem.message}\n    → ${problem.hint}`;
}

async function check(root: string, only: readonly string[] = []): Promise<number> {
  const runner = new LocalRunner({ courseRoot: root, installRoot });
  const started = performance.now();
  const report = await checkCourse(root, runner, {
    only,
    onExercise: (result) => {
      if (interruptedBy) return;
      const detail = result.solution
        ? `${result.solution.tests.length} tests; starter fails ${result.starter ? countByStatus(result.starter.tests).fail : 0}`
        : 'not run';
      console.log(`${result.problems.length === 0 ? '✓' : '✗'} ${result.id} (${detail})`);
      for (const problem of result.problems) console.log(formatProblem(problem));
    },
  });
  if (interruptedBy) return 1;
  for (const problem of report.course) console.log(formatProblem(problem));
  const problems = report.exercises.reduce((n, e) => n + e.problems.length, report.course.length);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    problems === 0
      ? `\nCourse check passed: ${report.exercises.length} exercise(s) in ${seconds} s.`
      : `\nCourse check failed: ${problems} problem(s) in ${report.exercises.length} exercise(s).`,
  );
  return problems === 0 ? 0 : 1;
}

const FORMATS = ['text', 'json', 'junit'] as const;
type Format = (typeof FORMATS)[number];

async function grade(
  root: string,
  dir: string,
  values: { exercise?: string[]; format?: string; out?: string },
): Promise<number> {
  const format = (values.format ?? 'text') as Format;
  if (!FORMATS.includes(format))
    throw new UsageError(`Unknown format "${values.format}": use text, json or junit.`);
  const runner = new LocalRunner({ courseRoot: root, installRoot });
  const exercises = await gradeSubmissions({
    courseRoot: root,
    runner,
    dir,
    ...(values.exercise ? { exerciseIds: values.exercise } : {}),
    cwd: process.cwd(),
  });
  // A report of runs killed half-way would grade the interruption, not the learner.
  if (interruptedBy) return 1;
  const rendered =
    format === 'json'
      ? `${JSON.stringify(toGradeReport(exercises), null, 2)}\n`
      : format === 'junit'
        ? toJUnitXml(exercises)
        : textReport(exercises);
  if (values.out) {
    await writeFile(values.out, rendered);
    if (format !== 'text') console.log(textReport(exercises));
  } else {
    process.stdout.write(rendered);
  }
  if (process.env['GITHUB_ACTIONS'] === 'true') {
    for (const line of githubAnnotations(exercises)) console.log(line);
    const summaryFile = process.env['GITHUB_STEP_SUMMARY'];
    if (summaryFile) await appendFile(summaryFile, githubStepSummary(exercises));
  }
  return exercises.every((e) => e.result.status === 'pass') ? 0 : 1;
}

async function newExercise(root: string, id: string | undefined): Promise<number> {
  if (!id) throw new UsageError('new-exercise needs an id: workbench new-exercise <track>/<slug>');
  const { created } = await scaffoldExercise(root, id);
  console.log(`Created:\n${created.map((file) => `  ${file}`).join('\n')}`);
  console.log(
    '\nFill in the TODOs, then run `npm run check`: it fails until the solution passes and the starter does not.',
  );
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      root: { type: 'string' },
      exercise: { type: 'string', multiple: true },
      format: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const root = resolve(values.root ?? (command === 'grade' ? installRoot : process.cwd()));
  switch (command) {
    case 'check':
      return check(root, values.exercise);
    case 'grade':
      return grade(root, resolve(rest[0] ?? '.'), values);
    case 'new-exercise':
      return newExercise(root, rest[0]);
    default:
      throw new UsageError(command ? `Unknown command "${command}".` : 'No command given.');
  }
}

try {
  const code = await main(process.argv.slice(2));
  process.exitCode = interruptedBy ? 128 + constants.signals[interruptedBy] : code;
} catch (error) {
  if (error instanceof GradeUsageError || error instanceof ScaffoldError) {
    console.error(`${error.message}\n→ ${error.hint}`);
    process.exitCode = 2;
  } else if (
    error instanceof UsageError ||
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
