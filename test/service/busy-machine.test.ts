/**
 * The course on a busy machine: every reference solution passes and every runnable example of
 * every lesson runs, each the way a learner's Run does it (the local runner's sandbox: own uid,
 * loopback only, read-only install, resource limits), while two processes keep both cores busy.
 * Time limits measure the learner's code, not our set-up, so a correct solution must never time
 * out because the machine is loaded. An example that only works on an author's machine (it
 * needs a DNS name, a writable folder outside /tmp, more time or memory than a run gets) fails
 * here first. Examples marked `chart` must also print a chart the page can draw, and the snippet
 * of every predict-the-output quiz must print exactly its right answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChartOutput } from '../../src/components/charts/chart-spec.ts';
import { withoutBackticks } from '../../src/components/quiz/quiz-text.ts';
import { listExerciseIds, loadSolution } from '../../src/exercises/catalog.ts';
import { readLessonQuizzes } from '../../src/grading/lessons.ts';
import { LocalRunner } from '../../src/runner/local/local-runner.ts';
import { probeSandbox } from '../../src/runner/local/sandbox/sandbox.ts';
import { repo } from './harness.ts';

interface Example {
  name: string;
  source: string;
  chart: boolean;
}

/** The ```ts runnable blocks of every lesson, named "<lesson file> #<n>". */
function examples(): Example[] {
  const found: Example[] = [];
  const lessons = join(repo, 'content', 'lessons');
  for (const track of readdirSync(lessons).sort()) {
    for (const file of readdirSync(join(lessons, track)).sort()) {
      const text = readFileSync(join(lessons, track, file), 'utf8');
      const blocks = text.matchAll(/^```ts ([^\n]*\brunnable\b[^\n]*)\n([\s\S]*?)^```$/gm);
      let n = 0;
      for (const [, meta, source] of blocks) {
        n += 1;
        found.push({
          name: `${track}/${file} #${n}`,
          source: source!,
          chart: /\bchart\b/.test(meta!),
        });
      }
    }
  }
  return found;
}

interface PredictQuiz {
  name: string;
  source: string;
  answer: string;
}

/** Every predict-the-output quiz, with the right answer as the learner reads it. */
async function predictQuizzes(): Promise<PredictQuiz[]> {
  return (await readLessonQuizzes(repo)).flatMap((lesson) =>
    lesson.quizzes.flatMap(({ id, quiz, snippet }) => {
      const right = quiz?.options.find((option) => option.correct === true);
      // An invalid quiz is the course check's to report; here it has nothing to compare.
      if (!snippet || !right) return [];
      return [
        {
          name: `${lesson.file}:${snippet.line} (${id ?? '?'})`,
          source: snippet.source,
          answer: withoutBackticks(right.text),
        },
      ];
    }),
  );
}

const quizzes = await predictQuizzes();
const runner = new LocalRunner({ courseRoot: repo, sandbox: probeSandbox() });
const exerciseIds = await listExerciseIds(repo);

/**
 * One busy loop per core, at the same priority as the runs. Each stops by itself when this
 * process is gone (its parent changes), so a crashed test run leaves no burner behind.
 */
const BURN =
  'const p = process.ppid; for (let i = 0; ; i++) if ((i & 0xfffff) === 0 && process.ppid !== p) process.exit();';
let burners: ChildProcess[] = [];
beforeAll(() => {
  burners = [0, 1].map(() => spawn(process.execPath, ['-e', BURN], { stdio: 'ignore' }));
});
afterAll(() => {
  for (const burner of burners) burner.kill('SIGKILL');
});

describe('on a busy machine, in the sandbox', () => {
  it('has both cores busy and a sandbox to run in', () => {
    expect(burners.every((b) => b.exitCode === null && b.pid !== undefined)).toBe(true);
    expect(runner.sandboxSupport?.available, 'bubblewrap must be installed').toBe(true);
    expect(examples().length).toBeGreaterThan(40);
    expect(exerciseIds.length).toBeGreaterThan(30);
    expect(quizzes.length).toBeGreaterThan(0);
  });

  it.each(exerciseIds)('the reference solution of %s passes', async (id) => {
    const exercise = await runner.loadExercise(id);
    const result = await runner.runExercise(exercise, await loadSolution(repo, exercise));
    const failing = result.tests.filter((t) => t.status !== 'pass');
    expect(
      result.status,
      `${result.message ?? ''}\n${failing.map((t) => `${t.name}: ${t.message ?? t.status}`).join('\n')}`,
    ).toBe('pass');
  });

  it.each(examples())('example $name runs', async ({ source, chart }) => {
    const result = await runner.runScript({ source });
    expect(result.status, `${result.message ?? ''}\n${result.output ?? ''}`).toBe('pass');
    expect(result.output ?? '', 'an example exists to print something').not.toBe('');
    if (chart) {
      const parsed = parseChartOutput(result.output ?? '');
      expect(parsed.ok ? 'a chart' : parsed.error, 'the chart line it printed').toBe('a chart');
    }
  });

  it.each(quizzes)('the snippet of predict quiz $name prints its right answer', async (quiz) => {
    const result = await runner.runScript({ source: quiz.source });
    expect(result.status, `${result.message ?? ''}\n${result.output ?? ''}`).toBe('pass');
    expect((result.output ?? '').trim(), 'the correct option, backticks removed').toBe(quiz.answer);
  });
});
