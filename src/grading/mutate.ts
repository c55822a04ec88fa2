/**
 * `npm run mutate [-- --exercise ID ...]`: how much of each reference solution its exercise's
 * tests actually pin down. Stryker changes the solution one small way at a time (a `<` into
 * `<=`, a condition into `true`, a string into ""), and runs the tests against every change:
 * each change the tests let pass ("a surviving mutant") is a wrong solution a learner could
 * submit and get a green tick for.
 *
 * A survivor is either a missing test (write it, with a wrong-solution fixture) or an
 * equivalent mutant, a change that does not change behaviour: list those in the exercise's
 * `equivalentMutants` with the reason, and they no longer count (the course check validates
 * the list). Score = killed / (killed + survived), timeouts counting as killed.
 *
 * Trusted code only (reference solutions); runs outside any sandbox. Slow (seconds to a minute
 * per exercise), so it is a tool for authors, not part of `npm test`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  listExerciseIds,
  loadExercise,
  loadSolution,
  type Exercise,
} from '../exercises/catalog.ts';
import { HOOK_TIMEOUT_MS, testTimeoutFor } from '../runner/vitest/command.ts';
import type { EquivalentMutant } from '../schemas/exercise.ts';
import { recordMutationScores, updateReadme } from './exercise-table.ts';

const installRoot = resolve(import.meta.dirname, '..', '..');
const STRYKER = join(installRoot, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');

/** Stryker's mutation-testing-report-schema, the part read here. */
interface MutationReport {
  files: Record<
    string,
    {
      mutants: Array<{
        mutatorName: string;
        replacement?: string;
        status: string;
        location: { start: { line: number; column: number } };
      }>;
    }
  >;
}

export interface Survivor {
  file: string;
  line: number;
  column: number;
  mutator: string;
  replacement: string;
}

export interface MutationScore {
  id: string;
  killed: number;
  survived: Survivor[];
  equivalent: number;
  /** Mutants that never ran (a compile error of the mutant, for example): not counted. */
  invalid: number;
  score: number;
}

const KILLED = new Set(['Killed', 'Timeout']);
const SURVIVED = new Set(['Survived', 'NoCoverage']);

export function isListedEquivalent(survivor: Survivor, listed: readonly EquivalentMutant[]) {
  return listed.some(
    (m) =>
      m.file === survivor.file &&
      m.line === survivor.line &&
      m.mutator === survivor.mutator &&
      (m.replacement === undefined || m.replacement === survivor.replacement),
  );
}

export function scoreReport(
  id: string,
  report: MutationReport,
  equivalent: readonly EquivalentMutant[],
): MutationScore {
  let killed = 0;
  let invalid = 0;
  let listed = 0;
  const survived: Survivor[] = [];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const mutant of mutants) {
      if (KILLED.has(mutant.status)) killed += 1;
      else if (SURVIVED.has(mutant.status)) {
        const survivor = {
          file,
          line: mutant.location.start.line,
          column: mutant.location.start.column,
          mutator: mutant.mutatorName,
          replacement: mutant.replacement ?? '',
        };
        if (isListedEquivalent(survivor, equivalent)) listed += 1;
        else survived.push(survivor);
      } else invalid += 1;
    }
  }
  const counted = killed + survived.length;
  return {
    id,
    killed,
    survived,
    equivalent: listed,
    invalid,
    score: counted === 0 ? 1 : killed / counted,
  };
}

function run(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => done({ code, output }));
  });
}

export async function mutateExercise(root: string, exercise: Exercise): Promise<MutationScore> {
  const dir = await mkdtemp(join(tmpdir(), 'workbench-mutate-'));
  try {
    const solution = await loadSolution(root, exercise);
    for (const file of [...exercise.tests, ...exercise.support]) {
      await writeFile(join(dir, file.name), file.content);
    }
    for (const [name, content] of Object.entries(solution))
      await writeFile(join(dir, name), content);
    await symlink(join(installRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    await writeFile(
      join(dir, 'vitest.config.mjs'),
      `export default { test: ${JSON.stringify({
        include: ['*.test.ts'],
        testTimeout: testTimeoutFor(exercise.meta.timeLimitSeconds),
        hookTimeout: HOOK_TIMEOUT_MS,
      })} };\n`,
    );
    await writeFile(
      join(dir, 'stryker.config.json'),
      JSON.stringify({
        testRunner: 'vitest',
        plugins: ['@stryker-mutator/vitest-runner'],
        mutate: exercise.meta.editable,
        vitest: { configFile: 'vitest.config.mjs', related: false },
        coverageAnalysis: 'perTest',
        reporters: ['json'],
        jsonReporter: { fileName: 'mutation.json' },
        concurrency: 2,
        cleanTempDir: 'always',
        logLevel: 'error',
        fileLogLevel: 'off',
        // A mutant that loops forever is killed by the time limit, not waited for.
        timeoutMS: exercise.meta.timeLimitSeconds * 1000,
      }),
    );
    const { code, output } = await run(
      process.execPath,
      [STRYKER, 'run', 'stryker.config.json'],
      dir,
    );
    const reportFile = join(dir, 'mutation.json');
    if (code !== 0 || !existsSync(reportFile)) {
      throw new Error(
        `Stryker failed on ${exercise.id} (exit code ${String(code)}):\n${output.trim()}`,
      );
    }
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as MutationReport;
    return scoreReport(exercise.id, report, exercise.meta.equivalentMutants);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function percent(score: number): string {
  return `${(score * 100).toFixed(1)} %`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { exercise: { type: 'string', multiple: true }, root: { type: 'string' } },
  });
  const root = resolve(values.root ?? installRoot);
  const only = values.exercise ?? [];
  const ids = (await listExerciseIds(root)).filter(
    (id) => only.length === 0 || only.some((o) => id === o || id.startsWith(`${o}/`)),
  );
  if (ids.length === 0) {
    console.error(`No exercise matches ${only.join(', ')}.`);
    return 2;
  }
  const scores: MutationScore[] = [];
  for (const id of ids) {
    const exercise = await loadExercise(root, id);
    const started = performance.now();
    const score = await mutateExercise(root, exercise);
    scores.push(score);
    // Recorded as each exercise finishes, so a long run stopped halfway keeps what it measured.
    await recordMutationScores(root, {
      [id]: {
        killed: score.killed,
        survived: score.survived.length,
        equivalent: score.equivalent,
        measured: new Date().toISOString().slice(0, 10),
      },
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(
      `${id.padEnd(36)} ${percent(score.score).padStart(8)}  ${score.killed} killed, ${score.survived.length} survived, ${score.equivalent} equivalent (${seconds} s)`,
    );
    for (const s of score.survived) {
      console.log(
        `    survived: ${s.file}:${s.line}:${s.column} ${s.mutator}${s.replacement ? ` → ${s.replacement.split('\n')[0]!.slice(0, 60)}` : ''}`,
      );
    }
  }
  if (await updateReadme(root))
    console.log('README.md: the table of exercises shows the new scores.');
  const below = scores.filter((s) => s.score < 0.9);
  console.log(
    below.length === 0
      ? `\nEvery exercise scores 90 % or more.`
      : `\n${below.length} exercise(s) below 90 %: kill the survivors with tests (and wrong-solution fixtures), or list the equivalent ones in exercise.json "equivalentMutants" with the reason.`,
  );
  return below.length === 0 ? 0 : 1;
}

if (import.meta.main) process.exitCode = await main();
