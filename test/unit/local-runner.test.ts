/**
 * The local runner against real vitest, on fixture submissions laid out by outcome and cause
 * (test/fixtures/submissions/01-demo/sum/<outcome>/<cause>/sum.ts).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRunner } from '../../src/runner/local/local-runner.ts';
import { SETUP_LIMIT_SECONDS } from '../../src/runner/time-limits.ts';

const repo = resolve(import.meta.dirname, '..', '..');
const submissions = join(repo, 'test', 'fixtures', 'submissions', '01-demo', 'sum');
let tmp: string;
let runner: LocalRunner;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'workbench-test-'));
  runner = new LocalRunner({
    courseRoot: join(repo, 'test', 'fixtures', 'course'),
    installRoot: repo,
    tmpDir: tmp,
  });
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function runSubmission(cause: string) {
  const code = await readFile(join(submissions, cause, 'sum.ts'), 'utf8');
  return runner.run({ exerciseId: '01-demo/sum', files: { 'sum.ts': code } });
}

describe('LocalRunner', () => {
  it('passes the reference solution and labels where it ran', async () => {
    const result = await runSubmission('pass');
    expect(result.status).toBe('pass');
    expect(result.tests).toHaveLength(3);
    expect(result.runner).toMatch(/^Local runner · Node \d+\./);
  });

  it('fails a wrong solution with readable assertions', async () => {
    const result = await runSubmission('fail/assertion');
    expect(result.status).toBe('fail');
    expect(result.tests[1]?.message).toContain('expected 2 to be 5');
  });

  it('reports a syntax error with its line', async () => {
    const result = await runSubmission('error/syntax');
    expect(result).toMatchObject({
      status: 'error',
      errorCode: 'syntax-error',
      location: { file: 'sum.ts', line: 2 },
    });
  });

  it('reports code that throws while loading', async () => {
    const result = await runSubmission('error/load');
    expect(result).toMatchObject({ status: 'error', errorCode: 'load-error' });
    expect(result.message).toContain('sum.ts failed while loading');
  });

  it('never counts process.exit() as a result', async () => {
    const result = await runSubmission('error/process-exit');
    expect(result).toMatchObject({ status: 'error', errorCode: 'process-crashed' });
    expect(result.message).toContain('process.exit()');
  });

  it('stops a busy loop at the time limit and names the test', async () => {
    const started = Date.now();
    const result = await runSubmission('timeout/busy-loop');
    expect(result).toMatchObject({ status: 'timeout', errorCode: 'time-limit' });
    expect(result.message).toBe('Timed out after 3 s in "sum() > adds two numbers".');
    // The limit and the set-up budget: a stuck run never outlives both.
    expect(Date.now() - started).toBeLessThan((3 + SETUP_LIMIT_SECONDS) * 1000);
  });

  it('does not count set-up the exercise kit marks (opening a database) against the limit', async () => {
    const exercise = await runner.loadExercise('01-demo/sum');
    // The hook's set-up takes longer than the whole limit; the learner's code next to nothing.
    const slowSetUp = {
      ...exercise,
      meta: { ...exercise.meta, timeLimitSeconds: 1 },
      tests: exercise.tests.map((file) => ({
        ...file,
        content: file.content
          .replace('import { describe,', 'import { beforeAll, describe,')
          .replace(
            "describe('sum()'",
            "import { setUpSpan } from '@workbench/exercise-kit/set-up';\n" +
              'beforeAll(() => setUpSpan(() => new Promise((r) => setTimeout(r, 2500))));\n' +
              "describe('sum()'",
          ),
      })),
    };
    const pass = await readFile(join(submissions, 'pass', 'sum.ts'), 'utf8');
    const result = await runner.runExercise(slowSetUp, { 'sum.ts': pass });
    expect(result.status, result.message).toBe('pass');
    expect(result.tests).toHaveLength(3);
  });

  it("counts the learner's top-level code, and says it never finished loading", async () => {
    const result = await runner.run({
      exerciseId: '01-demo/sum',
      files: { 'sum.ts': 'while (true) {}\nexport const sum = () => 0;\n' },
    });
    expect(result).toMatchObject({ status: 'timeout', errorCode: 'time-limit' });
    expect(result.message).toBe(
      'Timed out after 3 s while your code was loading, before any test started (top-level code that never finishes?).',
    );
  });

  it('kills what the tests started when the run ends', async () => {
    const pidFile = join(tmp, 'child.pid');
    const code = `
      import { spawn } from 'node:child_process';
      import { writeFileSync } from 'node:fs';
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      writeFileSync(${JSON.stringify(pidFile)}, String(child.pid));
      export function sum(numbers: number[]): number { while (true) {} }
    `;
    const result = await runner.run({ exerciseId: '01-demo/sum', files: { 'sum.ts': code } });
    expect(result.status).toBe('timeout');
    const pid = Number(await readFile(pidFile, 'utf8'));
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await expect.poll(alive, { timeout: 5_000 }).toBe(false);
  });

  it('returns an error result, not an exception, for an unknown exercise', async () => {
    const result = await runner.run({ exerciseId: '01-demo/missing', files: {} });
    expect(result).toMatchObject({ status: 'error', errorCode: 'bad-request' });
  });

  it('leaves no workspace behind', async () => {
    await runSubmission('pass');
    const left = (await readdir(tmp)).filter((name) => name.startsWith('workbench-run-'));
    expect(left).toEqual([]);
  });

  it('starts from the exercise files: the learner cannot replace a test', async () => {
    const result = await runner.runExercise(await runner.loadExercise('01-demo/sum'), {
      'sum.ts': await readFile(join(submissions, 'pass', 'sum.ts'), 'utf8'),
      'sum.test.ts': "import { it } from 'vitest'; it('fake', () => {});",
    });
    expect(result.tests.map((t) => t.name)).not.toContain('fake');
  });

  describe('tampering', () => {
    async function runWithTests(testFile: string, sum: string) {
      const exercise = await runner.loadExercise('01-demo/sum');
      return runner.runExercise(
        { ...exercise, tests: [{ name: 'sum.test.ts', content: testFile }] },
        { 'sum.ts': sum },
      );
    }

    it('a failing asymmetric matcher is a failed test, not tampering (chai makes expect.__flags)', async () => {
      const result = await runWithTests(
        `import { expect, it } from 'vitest';
import { sum } from './sum.ts';
it('names the total', () => {
  expect({ total: String(sum([1, 2])) }).toEqual({ total: expect.stringMatching(/^4$/) });
});
it('adds', () => expect(sum([1, 2])).toBe(3));
`,
        'export const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);',
      );
      expect(result.status).toBe('fail');
      expect(result.errorCode).toBeUndefined();
      expect(result.tests.map((t) => t.status)).toEqual(['fail', 'pass']);
    });

    it('code that replaces what the assertions use is caught', async () => {
      const result = await runWithTests(
        `import { expect, it } from 'vitest';
import { sum } from './sum.ts';
it('adds', () => expect(sum([1, 2])).toBe(3));
`,
        'Object.is = () => true;\nexport const sum = (): number => 0;',
      );
      expect(result).toMatchObject({ status: 'error', errorCode: 'tampering' });
      expect(result.message).toContain('Object.is');
    });
  });
});
