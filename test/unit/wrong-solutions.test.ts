/**
 * Every wrong solution kept under test/fixtures/wrong-solutions/<track>/<slug>/ is the bug a
 * lesson warns about. The exercise's tests must catch each one with a failing assertion (not a
 * crash), or the lesson's warning is not backed by the grader.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBatch } from '../../src/runner/local/batch-runner.ts';
import { LocalRunner } from '../../src/runner/local/local-runner.ts';

const repo = resolve(import.meta.dirname, '..', '..');
const fixtures = join(repo, 'test', 'fixtures', 'wrong-solutions');

async function wrongSolutions(): Promise<Array<{ id: string; file: string; path: string }>> {
  const found: Array<{ id: string; file: string; path: string }> = [];
  for (const track of await readdir(fixtures)) {
    for (const slug of await readdir(join(fixtures, track))) {
      for (const file of await readdir(join(fixtures, track, slug))) {
        found.push({ id: `${track}/${slug}`, file, path: join(fixtures, track, slug, file) });
      }
    }
  }
  return found;
}

describe('wrong solutions', () => {
  it('each one fails its exercise with an assertion that names the bug', async () => {
    const runner = new LocalRunner({ courseRoot: repo });
    const cases = await wrongSolutions();
    expect(cases.length).toBeGreaterThan(0);
    const jobs = await Promise.all(
      cases.map(async ({ id, path }) => {
        const exercise = await runner.loadExercise(id);
        const [editable] = exercise.meta.editable;
        return { exercise, files: { [editable!]: await readFile(path, 'utf8') } };
      }),
    );
    const { results } = await runBatch(runner, jobs);
    results.forEach((result, index) => {
      const { id, file } = cases[index]!;
      expect(result.status, `${id}: ${file}`).toBe('fail');
      const failed = result.tests.filter((t) => t.status === 'fail');
      expect(failed.length, `${id}: ${file}`).toBeGreaterThan(0);
      for (const test of failed) expect(test.message, `${id}: ${file}`).toBeTruthy();
    });
    // No limit of our own: every submission in the batch runs under its exercise's time limit,
    // so the batch ends; how long it takes depends on how busy the machine is (a fixed limit
    // here failed with both cores loaded).
  }, 0);
});
