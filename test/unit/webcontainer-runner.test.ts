import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExercise } from '../../src/exercises/catalog.ts';
import { containerPackageJson } from '../../src/runner/webcontainer/container-package.ts';
import {
  ContainerUnavailableError,
  WebContainerRunner,
  type ExerciseSpec,
  type WebContainerRunnerOptions,
} from '../../src/runner/webcontainer/webcontainer-runner.ts';
import { PROGRESS_MODULE, withProgressImport } from '../../src/runner/vitest/events.ts';
import { FakeContainer, type FakeContainerOptions } from '../fakes/fake-container.ts';

const repo = resolve(import.meta.dirname, '..', '..');
const exercise = await loadExercise(join(repo, 'test', 'fixtures', 'course'), '01-demo/sum');
const spec: ExerciseSpec = { ...exercise, timeLimitSeconds: exercise.meta.timeLimitSeconds };
const support = {
  reporter: readFileSync(join(repo, 'src/runner/vitest/events-reporter.ts'), 'utf8'),
  progress: readFileSync(join(repo, 'src/runner/vitest/progress-setup.ts'), 'utf8'),
};
const request = { exerciseId: '01-demo/sum', files: { 'sum.ts': 'export const sum = () => 0;' } };

function setup(
  fake: FakeContainerOptions = {},
  overrides: Partial<WebContainerRunnerOptions> = {},
): { runner: WebContainerRunner; container: FakeContainer; boots: () => number; output: string[] } {
  const container = new FakeContainer(fake);
  let boots = 0;
  const output: string[] = [];
  const runner = new WebContainerRunner({
    boot: async () => {
      boots += 1;
      return container;
    },
    dependencies: async () => new Uint8Array([1, 2, 3]),
    packageJson: containerPackageJson([{ name: 'vitest', version: '5.1.1' }]),
    exercises: (id) => (id === '01-demo/sum' ? spec : undefined),
    support,
    bootTimeoutMs: 500,
    onOutput: (chunk) => output.push(chunk),
    ...overrides,
  });
  return { runner, container, boots: () => boots, output };
}

describe('WebContainerRunner', () => {
  it('passes, reporting where it ran, with the workspace written like a local one', async () => {
    let seen: Map<string, string> | undefined;
    const { runner, container, output } = setup({
      vitest: (run) => {
        seen = run.files;
        return { kind: 'recorded', outcome: 'pass', output: 'vitest says hi\n' };
      },
    });
    const result = await runner.run(request);
    expect(result.status).toBe('pass');
    expect(result.tests.map((t) => t.status)).toEqual(['pass', 'pass', 'pass']);
    expect(result.runner).toBe('In the browser (WebContainer) · Node 22.22.0');
    expect(seen?.get('sum.ts')).toBe('export const sum = () => 0;');
    // The same progress import and load mark the local runner writes.
    expect(seen?.get('sum.test.ts')?.startsWith(withProgressImport(''))).toBe(true);
    expect(seen?.get(PROGRESS_MODULE)).toBe(support.progress);
    expect(output.join('')).toContain('vitest says hi');
    // The package.json asks for Node 22, which vitest 5 needs.
    expect(JSON.parse(container.files.get('/home/workbench/package.json')!).engines.node).toBe(
      '22.22.0',
    );
    // The run's folder and files are gone afterwards.
    expect([...container.files.keys()].filter((k) => k.includes('/runs/'))).toEqual([]);
  });

  it('boots and installs once, however many runs', async () => {
    const { runner, container, boots } = setup();
    await runner.run(request);
    await runner.run(request);
    expect(boots()).toBe(1);
    expect(container.mounted).toHaveLength(1);
    expect(container.spawned.filter((s) => s.command === 'npm')).toEqual([]);
  });

  it('reports failing assertions with the same messages as the local runner', async () => {
    const { runner } = setup({ vitest: () => ({ kind: 'recorded', outcome: 'fail/assertion' }) });
    const result = await runner.run(request);
    expect(result.status).toBe('fail');
    expect(result.tests[1]?.message).toContain('sum of 2 and 3: expected 2 to be 5');
    expect(result.tests[1]?.location).toMatchObject({ file: 'sum.test.ts', line: 11 });
  });

  it('reports a syntax error with its file and line, without container paths', async () => {
    const { runner } = setup({ vitest: () => ({ kind: 'recorded', outcome: 'error/syntax' }) });
    const result = await runner.run(request);
    expect(result).toMatchObject({
      status: 'error',
      errorCode: 'syntax-error',
      location: { file: 'sum.ts', line: 2 },
    });
    expect(JSON.stringify(result)).not.toContain('/home/workbench');
  });

  it('kills a run at the time limit and names the test that hung', async () => {
    const { runner, container } = setup({
      vitest: () => ({ kind: 'hang', outcome: 'timeout/busy-loop' }),
    });
    const started = Date.now();
    const result = await runner.run(request);
    expect(container.killed).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(spec.timeLimitSeconds * 1000 - 50);
    expect(result).toMatchObject({ status: 'timeout', errorCode: 'time-limit' });
    expect(result.message).toBe('Timed out after 3 s in "sum() > adds two numbers".');
  });

  it('installs with npm when there is no snapshot, and fails clearly when that fails', async () => {
    const { runner, container } = setup(
      { npmInstallExitCode: 1 },
      { dependencies: async () => undefined },
    );
    await expect(runner.prepare()).rejects.toMatchObject({ reason: 'install-failed' });
    expect(container.tornDown).toBe(true);
    const result = await runner.run(request);
    expect(result).toMatchObject({ status: 'error', errorCode: 'runner-unavailable' });
    expect(result.message).toContain('npm install exited with code 1');
    expect(result.hint).toContain('local runner');
  });

  it('gives up on a boot that fails or never finishes', async () => {
    const failing = setup(
      {},
      { boot: async () => Promise.reject(new Error('SharedArrayBuffer is not defined')) },
    );
    const error = await failing.runner.prepare().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContainerUnavailableError);
    expect(error).toMatchObject({ reason: 'boot-failed' });

    const hanging = setup({}, { boot: () => new Promise(() => {}), bootTimeoutMs: 50 });
    await expect(hanging.runner.prepare()).rejects.toMatchObject({ reason: 'boot-timeout' });
  });

  it('answers an exercise the page does not know with an error result', async () => {
    const { runner } = setup();
    expect(await runner.run({ exerciseId: '09-x/y', files: {} })).toMatchObject({
      errorCode: 'unknown-exercise',
    });
  });
});

describe('WebContainerRunner.runScript', () => {
  it('runs an example in the container and returns what it printed', async () => {
    const { runner, container } = setup();
    const result = await runner.runScript({ source: "console.log('hi')" });
    expect(container.spawned.at(-1)).toMatchObject({ command: 'node', args: ['examples/e1.mts'] });
    expect(result).toMatchObject({
      status: 'pass',
      runner: 'In the browser (WebContainer) · Node 22.22.0',
    });
    expect([...container.files.keys()].filter((k) => k.includes('/examples/'))).toEqual([]);
  });
});

describe('WebContainerRunner: the database part of the snapshot', () => {
  const DATABASE_PART = new Uint8Array([9, 9, 9]);
  const dbSpec: ExerciseSpec = {
    ...spec,
    tests: [
      {
        name: 'sum.test.ts',
        content: `import { openDatabase } from '@workbench/exercise-kit/db';\n${spec.tests[0]!.content}`,
      },
    ],
  };
  const dbRequest = { ...request, exerciseId: '06-demo/db' };

  function withDatabase(fetchPart: () => Promise<Uint8Array | undefined>) {
    let fetched = 0;
    const made = setup(
      { vitest: () => ({ kind: 'recorded', outcome: 'pass' }) },
      {
        exercises: (id) => (id === '06-demo/db' ? dbSpec : id === '01-demo/sum' ? spec : undefined),
        databaseDependencies: () => {
          fetched += 1;
          return fetchPart();
        },
      },
    );
    return { ...made, fetched: () => fetched };
  }

  it('is fetched and mounted only when a run needs PostgreSQL, and only once', async () => {
    const { runner, container, fetched } = withDatabase(async () => DATABASE_PART);
    expect((await runner.run(request)).status).toBe('pass');
    expect(fetched()).toBe(0);
    expect(container.mounted).toHaveLength(1);

    expect((await runner.run(dbRequest)).status).toBe('pass');
    expect((await runner.run(dbRequest)).status).toBe('pass');
    expect(fetched()).toBe(1);
    expect(container.mounted).toEqual([new Uint8Array([1, 2, 3]), DATABASE_PART]);
  });

  it('is mounted for an example that imports PGlite', async () => {
    const { runner, container, fetched } = withDatabase(async () => DATABASE_PART);
    await runner.runScript({ source: "import { PGlite } from '@electric-sql/pglite';" });
    expect(fetched()).toBe(1);
    expect(container.mounted.at(-1)).toEqual(DATABASE_PART);
  });

  it('says what failed when it cannot be downloaded, and tries again on the next run', async () => {
    let attempt = 0;
    const { runner, container } = withDatabase(async () => {
      attempt += 1;
      if (attempt === 1) throw new Error('Failed to fetch');
      return DATABASE_PART;
    });
    const failed = await runner.run(dbRequest);
    expect(failed).toMatchObject({ status: 'error', errorCode: 'runner-unavailable' });
    expect(failed.message).toContain('PostgreSQL (PGlite) could not be loaded');
    expect(failed.message).toContain('Failed to fetch');
    expect(failed.hint).toContain('press Run again');
    expect((await runner.run(dbRequest)).status).toBe('pass');
    expect(container.mounted.at(-1)).toEqual(DATABASE_PART);
  });
});
