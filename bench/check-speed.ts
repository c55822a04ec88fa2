/**
 * Course check speed: the batched check (one vitest process for every starter and solution)
 * against the baseline of one cold vitest process per run, two at a time on this machine's
 * cores, both measured here and now. Measured on the real course and on a synthetic course of
 * COPIES copies of each real exercise, since the target (3x at 10+ exercises) is about scale.
 */
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkCourse } from '../src/grading/check.ts';
import { LocalRunner } from '../src/runner/local/local-runner.ts';

const COPIES = Number(process.env['BENCH_COPIES'] ?? 12);
const root = resolve(import.meta.dirname, '..');

async function time(
  courseRoot: string,
  oneProcessPerRun: boolean,
): Promise<{ ms: number; exercises: number }> {
  const runner = new LocalRunner({ courseRoot, installRoot: root });
  const started = performance.now();
  const report = await checkCourse(courseRoot, runner, { oneProcessPerRun });
  const broken = report.exercises.filter((e) => e.problems.length > 0);
  if (broken.length > 0)
    throw new Error(`check found problems: ${JSON.stringify(broken[0]?.problems)}`);
  return { ms: performance.now() - started, exercises: report.exercises.length };
}

/** A course with COPIES copies of every real exercise (lessons are not needed to time runs). */
async function syntheticCourse(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'workbench-bench-course-'));
  for (const track of await readdir(join(root, 'exercises'))) {
    for (const slug of await readdir(join(root, 'exercises', track))) {
      for (let i = 1; i <= COPIES; i += 1) {
        const copy = `${slug}-${String(i).padStart(2, '0')}`;
        await cp(join(root, 'exercises', track, slug), join(dir, 'exercises', track, copy), {
          recursive: true,
        });
        await cp(join(root, 'solutions', track, slug), join(dir, 'solutions', track, copy), {
          recursive: true,
        });
      }
    }
  }
  return dir;
}

function report(
  label: string,
  baseline: { ms: number; exercises: number },
  batched: { ms: number },
) {
  const per = (ms: number) => `${(ms / baseline.exercises).toFixed(0).padStart(6)} ms/exercise`;
  console.log(`${label} (${baseline.exercises} exercises, 2 runs each)`);
  console.log(
    `  baseline: one vitest process per run  ${(baseline.ms / 1000).toFixed(1).padStart(6)} s  ${per(baseline.ms)}`,
  );
  console.log(
    `  batched check                         ${(batched.ms / 1000).toFixed(1).padStart(6)} s  ${per(batched.ms)}`,
  );
  console.log(
    `  speed-up                              ${(baseline.ms / batched.ms).toFixed(1).padStart(6)} x`,
  );
}

// Warm the file system cache so neither side pays for the first read of node_modules.
await time(root, false);

report('Real course', await time(root, true), await time(root, false));
const synthetic = await syntheticCourse();
try {
  report(
    `Synthetic course: ${COPIES} copies of each exercise`,
    await time(synthetic, true),
    await time(synthetic, false),
  );
} finally {
  await rm(synthetic, { recursive: true, force: true });
}
