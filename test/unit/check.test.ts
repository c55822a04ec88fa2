import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCourse } from '../../src/grading/check.ts';
import { LocalRunner } from '../../src/runner/local/local-runner.ts';

const repo = resolve(import.meta.dirname, '..', '..');

// No time limits of our own: every run inside a check has its exercise's limit, so a check
// ends, and how long it takes depends on how busy the machine is.
describe('checkCourse', { timeout: 0 }, () => {
  it('proves the real course: every solution passes, every starter fails with an assertion', async () => {
    const report = await checkCourse(repo, new LocalRunner({ courseRoot: repo }));
    expect(report.course).toEqual([]);
    expect(report.exercises.length).toBeGreaterThan(0);
    for (const exercise of report.exercises) {
      expect(exercise.problems, exercise.id).toEqual([]);
      expect(exercise.solution?.status).toBe('pass');
      expect(exercise.starter?.status).toBe('fail');
    }
  });

  it('reports a broken exercise and course wiring with file and hint', async () => {
    const root = join(repo, 'test', 'fixtures', 'course');
    const report = await checkCourse(
      root,
      new LocalRunner({ courseRoot: root, installRoot: repo }),
    );
    const empty = report.exercises.find((e) => e.id === '01-demo/empty');
    expect(empty?.problems.map((p) => p.message)).toEqual([
      'the reference solution is identical to the starter',
      expect.stringContaining('reference solution does not pass (error)'),
      expect.stringContaining('but with an error (no-tests)'),
    ]);
    expect(report.exercises.find((e) => e.id === '01-demo/greet')?.problems).toEqual([]);
    expect(report.course.map((p) => [p.file, p.message])).toEqual([
      ['exercises/01-demo/empty', 'is not used by any lesson'],
      ['exercises/01-demo/greet', 'is not used by any lesson'],
      ['exercises/01-demo/sum', 'is not used by any lesson'],
    ]);
    expect(report.course.every((p) => p.hint.length > 0)).toBe(true);
  });

  it('reports links between lessons that lead nowhere or ignore the base path', async () => {
    const root = mkdtempSync(join(tmpdir(), 'workbench-check-links-'));
    try {
      cpSync(join(repo, 'test', 'fixtures', 'course'), root, { recursive: true });
      const lessons = join(root, 'content', 'lessons');
      mkdirSync(join(lessons, '01-demo'), { recursive: true });
      mkdirSync(join(lessons, '02-more'), { recursive: true });
      const lesson = (body: string) => `---\ntitle: A lesson\n---\n\n${body}\n`;
      writeFileSync(join(lessons, '02-more', '01-other.mdx'), lesson('Nothing here.'));
      writeFileSync(
        join(lessons, '01-demo', '01-first.mdx'),
        lesson(
          [
            'Next: [the second](../second/#part-two), or [another track](../../02-more/other/).',
            'A [renamed lesson](../third/) and [a root link](/learn/01-demo/second/).',
            'Not ours: [Node](https://nodejs.org/api/) and [a heading](#below).',
          ].join('\n'),
        ),
      );
      writeFileSync(join(lessons, '01-demo', '02-second.mdx'), lesson('Back [home](../../../).'));
      // No exercise is selected: only the course's wiring is checked.
      const report = await checkCourse(
        root,
        new LocalRunner({ courseRoot: root, installRoot: repo }),
        {
          only: ['nothing'],
        },
      );
      const links = report.course.filter((p) => p.message.startsWith('links to'));
      expect(links.map((p) => [p.file, p.line, p.message])).toEqual([
        [
          'content/lessons/01-demo/01-first.mdx',
          6,
          'links to ../third/, which is not a page of the course (/learn/01-demo/third/)',
        ],
        [
          'content/lessons/01-demo/01-first.mdx',
          6,
          "links to /learn/01-demo/second/ from the site's root, which breaks where the site is served under a base path",
        ],
      ]);
      expect(links.every((p) => p.hint.includes('../'))).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('runs a reference that failed in the shared batch again alone before reporting it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'workbench-check-alone-'));
    try {
      cpSync(join(repo, 'test', 'fixtures', 'course'), root, { recursive: true });
      // A test that only the batch can fail (its workspaces live in a workbench-batch- folder),
      // standing for a guard that gave up on a slow answer while the batch kept the machine busy.
      const tests = join(root, 'exercises', '01-demo', 'sum', 'sum.test.ts');
      writeFileSync(
        tests,
        readFileSync(tests, 'utf8').replace(
          "describe('sum()', () => {",
          "describe('sum()', () => {\n  it('runs alone', () => {\n    expect(import.meta.dirname).not.toContain('workbench-batch-');\n  });\n",
        ),
      );
      const meta = join(root, 'exercises', '01-demo', 'sum', 'exercise.json');
      const parsed = JSON.parse(readFileSync(meta, 'utf8')) as {
        hints: Array<{ tests: string[] }>;
      };
      parsed.hints[0]!.tests.push('sum() > runs alone');
      writeFileSync(meta, JSON.stringify(parsed));
      const report = await checkCourse(
        root,
        new LocalRunner({ courseRoot: root, installRoot: repo }),
        { only: ['01-demo/sum'] },
      );
      const sum = report.exercises.find((e) => e.id === '01-demo/sum');
      expect(sum?.problems).toEqual([]);
      expect(sum?.solution?.tests.map((t) => [t.name, t.status])).toContainEqual([
        'sum() > runs alone',
        'pass',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('rejects equivalent mutants that no longer point at the reference solution', async () => {
    const root = mkdtempSync(join(tmpdir(), 'workbench-check-mutants-'));
    try {
      cpSync(join(repo, 'test', 'fixtures', 'course'), root, { recursive: true });
      const meta = join(root, 'exercises', '01-demo', 'sum', 'exercise.json');
      writeFileSync(
        meta,
        JSON.stringify({
          ...JSON.parse(readFileSync(meta, 'utf8')),
          equivalentMutants: [
            { file: 'sum.ts', line: 1, mutator: 'BlockStatement', reason: 'still on line one' },
            { file: 'sum.ts', line: 400, mutator: 'StringLiteral', reason: 'the file got shorter' },
            { file: 'other.ts', line: 1, mutator: 'StringLiteral', reason: 'not a file of it' },
          ],
        }),
      );
      const report = await checkCourse(
        root,
        new LocalRunner({ courseRoot: root, installRoot: repo }),
        {
          only: ['01-demo/sum'],
        },
      );
      const messages = report.exercises
        .find((e) => e.id === '01-demo/sum')
        ?.problems.map((p) => p.message);
      expect(messages).toEqual([
        expect.stringMatching(
          /^equivalentMutants\[1\] points at line 400 of sum\.ts, which has \d+ lines$/,
        ),
        'equivalentMutants[2] names "other.ts", which is not an editable file',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('rejects hints that name a test the results do not have, and failing tests no hint names', async () => {
    const root = mkdtempSync(join(tmpdir(), 'workbench-check-hints-'));
    try {
      cpSync(join(repo, 'test', 'fixtures', 'course'), root, { recursive: true });
      const meta = join(root, 'exercises', '01-demo', 'sum', 'exercise.json');
      writeFileSync(
        meta,
        JSON.stringify({
          ...JSON.parse(readFileSync(meta, 'utf8')),
          hints: [
            // A bare title instead of the full name, and a test that does not exist at all.
            { text: 'Start from zero and add each number.', tests: ['adds two numbers'] },
            { text: 'Array.prototype.reduce does it.', tests: ['sum() > adds three numbers'] },
          ],
        }),
      );
      const report = await checkCourse(
        root,
        new LocalRunner({ courseRoot: root, installRoot: repo }),
        { only: ['01-demo/sum'] },
      );
      const problems = report.exercises.find((e) => e.id === '01-demo/sum')?.problems ?? [];
      expect(problems.map((p) => [p.file, p.message])).toEqual([
        [
          'exercises/01-demo/sum/exercise.json',
          'hints[0] names the test "adds two numbers", which the reference run does not report',
        ],
        [
          'exercises/01-demo/sum/exercise.json',
          'hints[1] names the test "sum() > adds three numbers", which the reference run does not report',
        ],
        [
          'exercises/01-demo/sum/exercise.json',
          'no hint names the test "sum() > adds two numbers", which the starter fails',
        ],
        [
          'exercises/01-demo/sum/exercise.json',
          'no hint names the test "sum() > adds negative numbers", which the starter fails',
        ],
      ]);
      expect(problems[0]?.hint).toContain('Did you mean "sum() > adds two numbers"?');
      expect(problems[1]?.hint).toContain('" > "');
      expect(problems[3]?.hint).toContain('Add "sum() > adds negative numbers" to the tests');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
