/**
 * A batch must grade exactly like single runs, only faster: same statuses, same messages, and a
 * hang in one workspace must not cost the others their results.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/runner/local/batch-runner.ts';
import { LocalRunner } from '../../src/runner/local/local-runner.ts';
import type { RunResult } from '../../src/runner/result.ts';

const repo = resolve(import.meta.dirname, '..', '..');
const submissions = join(repo, 'test', 'fixtures', 'submissions', '01-demo', 'sum');
const causes = [
  'pass',
  'fail/assertion',
  'error/syntax',
  'error/load',
  'timeout/busy-loop',
  'error/process-exit',
];
let tmp: string;
let runner: LocalRunner;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'workbench-batch-test-'));
  runner = new LocalRunner({
    courseRoot: join(repo, 'test', 'fixtures', 'course'),
    installRoot: repo,
    tmpDir: tmp,
  });
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/**
 * What must agree between a batch and single runs (durations and the runner label may not). A
 * run that hangs times out either way, but whether vitest had started a test by then depends on
 * the machine's speed, so for a timeout only the outcome is compared, not the message.
 */
function comparable(result: RunResult) {
  if (result.status === 'timeout') return { status: result.status, errorCode: result.errorCode };
  return {
    status: result.status,
    errorCode: result.errorCode,
    message: result.message,
    location: result.location,
    tests: result.tests.map((t) => ({
      name: t.name,
      status: t.status,
      message: t.message,
      output: t.output,
    })),
  };
}

/** A limit no run that finishes reaches, however slow or busy the machine. */
const UNREACHABLE_LIMIT_SECONDS = 300;

describe('runBatch', () => {
  it('grades every workspace as a single run would, re-running only the one that hung', async () => {
    const exercise = await runner.loadExercise('01-demo/sum');
    // Only the busy loop keeps the exercise's own short limit: it reaches any limit. The others
    // get one they cannot reach, so neither the batch nor a single run times out by accident
    // while six cold vitest processes share two cores.
    const patient = {
      ...exercise,
      meta: { ...exercise.meta, timeLimitSeconds: UNREACHABLE_LIMIT_SECONDS },
    };
    const jobs = await Promise.all(
      causes.map(async (cause) => ({
        exercise: cause.startsWith('timeout/') ? exercise : patient,
        files: { 'sum.ts': await readFile(join(submissions, cause, 'sum.ts'), 'utf8') },
      })),
    );
    // One worker: when the batch is stopped for the hang, no other file can be half-way
    // through, so exactly one workspace is re-run alone.
    const batch = await runBatch(runner, jobs, { tmpDir: tmp, maxWorkers: 1 });
    const single = await Promise.all(
      jobs.map((job) => runner.runExercise(job.exercise, job.files)),
    );
    expect(batch.results.map(comparable)).toEqual(single.map(comparable));
    expect(batch.results.map((r) => r.status)).toEqual([
      'pass',
      'fail',
      'error',
      'error',
      'timeout',
      'error',
    ]);
    expect(batch.rerun).toBe(1);
    expect((await readdir(tmp)).filter((name) => name.startsWith('workbench-'))).toEqual([]);
  }, 600_000);

  it('returns nothing for nothing', async () => {
    expect(await runBatch(runner, [])).toEqual({ results: [], rerun: 0 });
  });
});
