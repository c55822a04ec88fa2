import { lstat, mkdtemp, readFile, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExercise, type Exercise } from '../../src/exercises/catalog.ts';
import { createWorkspace } from '../../src/runner/local/workspace.ts';
import { PROGRESS_MODULE } from '../../src/runner/vitest/events.ts';

const repo = resolve(import.meta.dirname, '..', '..');
let parentDir: string;
let exercise: Exercise;

beforeAll(async () => {
  parentDir = await mkdtemp(join(tmpdir(), 'workbench-ws-test-'));
  exercise = await loadExercise(join(repo, 'test', 'fixtures', 'course'), '01-demo/sum');
});

afterAll(() => rm(parentDir, { recursive: true, force: true }));

const options = () => ({
  nodeModulesDir: join(repo, 'node_modules'),
  progressModule: join(repo, 'src', 'runner', 'vitest', 'progress-setup.ts'),
  parentDir,
});

describe('createWorkspace', () => {
  it('writes the learner files, the tests with the progress import, and links node_modules', async () => {
    const ws = await createWorkspace(
      exercise,
      { 'sum.ts': 'export const sum = () => 1;' },
      options(),
    );
    expect((await readdir(ws.dir)).sort()).toEqual([
      PROGRESS_MODULE,
      'node_modules',
      'sum.test.ts',
      'sum.ts',
    ]);
    expect(await readFile(join(ws.dir, 'sum.ts'), 'utf8')).toBe('export const sum = () => 1;');
    const test = await readFile(join(ws.dir, 'sum.test.ts'), 'utf8');
    // Same line count as the original: locations in failures still point at the right line.
    expect(test.split('\n')).toHaveLength(exercise.tests[0]!.content.split('\n').length);
    // The progress module first, then the call that marks the end of loading.
    expect(
      test.startsWith(
        `import { loaded as __workbenchLoaded } from './${PROGRESS_MODULE}'; __workbenchLoaded(); `,
      ),
    ).toBe(true);
    expect((await lstat(join(ws.dir, 'node_modules'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(ws.dir, 'node_modules'))).toBe(join(repo, 'node_modules'));
    await ws.remove();
    expect(await readdir(parentDir)).toEqual([]);
  });

  it('uses the starter for editable files the submission leaves out', async () => {
    const ws = await createWorkspace(exercise, {}, options());
    expect(await readFile(join(ws.dir, 'sum.ts'), 'utf8')).toBe(exercise.starter[0]!.content);
    await ws.remove();
  });

  it('never lets a submitted file overwrite a test', async () => {
    const ws = await createWorkspace(exercise, { 'sum.test.ts': 'hijacked' }, options());
    expect(await readFile(join(ws.dir, 'sum.test.ts'), 'utf8')).not.toContain('hijacked');
    await ws.remove();
  });

  it('gives each run its own directory', async () => {
    const [a, b] = await Promise.all([
      createWorkspace(exercise, {}, options()),
      createWorkspace(exercise, {}, options()),
    ]);
    expect(a.dir).not.toBe(b.dir);
    await Promise.all([a.remove(), b.remove()]);
  });
});
