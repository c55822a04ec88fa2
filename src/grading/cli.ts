/**
 * `workbench`: the command-line front end of the grading engine.
 *
 *   node src/grading/cli.ts check      prove every exercise (npm run check)
 *
 * Exit codes: 0 all good, 1 problems found, 2 bad usage.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalRunner } from '../runner/local/local-runner.ts';
import { countByStatus } from '../runner/result.ts';
import { checkCourse, type CheckProblem } from './check.ts';

const USAGE = `Usage: workbench check [--root DIR]

Commands:
  check   Prove every exercise: the reference solution passes, the starter fails with an
          assertion, hints and lessons are in order. Problems are listed with file and line.`;

function formatProblem(problem: CheckProblem): string {
  const where = problem.line ? `${problem.file}:${problem.line}` : problem.file;
  return `  ✗ ${where}: ${problem.message}\n    → ${problem.hint}`;
}

async function check(root: string): Promise<number> {
  const runner = new LocalRunner({
    courseRoot: root,
    installRoot: resolve(import.meta.dirname, '..', '..'),
  });
  const started = performance.now();
  const report = await checkCourse(root, runner, {
    onExercise: (result) => {
      const counts = result.solution ? countByStatus(result.solution.tests) : undefined;
      const starterFails = result.starter ? countByStatus(result.starter.tests).fail : 0;
      const detail = counts
        ? `${result.solution?.tests.length ?? 0} tests; starter fails ${starterFails}`
        : 'not run';
      console.log(`${result.problems.length === 0 ? '✓' : '✗'} ${result.id} (${detail})`);
      for (const problem of result.problems) console.log(formatProblem(problem));
    },
  });
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

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { root: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command] = parsed.positionals;
  if (parsed.values.help || !command) {
    console.log(USAGE);
    return command || parsed.values.help ? 0 : 2;
  }
  const root = resolve(parsed.values.root ?? process.cwd());
  if (command === 'check') return check(root);
  console.error(`Unknown command "${command}".\n\n${USAGE}`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
