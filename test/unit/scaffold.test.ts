import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as prettier from 'prettier';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { checkCourse } from '../../src/grading/check.ts';
import { ScaffoldError, scaffoldExercise } from '../../src/grading/scaffold.ts';
import { LocalRunner } from '../../src/runner/local/local-runner.ts';
import { exerciseMetaSchema } from '../../src/schemas/exercise.ts';
import { lessonSchema } from '../../src/schemas/lesson.ts';

const repo = resolve(import.meta.dirname, '..', '..');
const id = '04-streams/rate-limiter';

const EXISTING_LESSON = `---
title: Transform streams
description: An existing lesson, so the scaffold has to number the new one after it.
track: 04-streams
order: 4
objectives:
  - Write a Transform
---

Text.
`;

let root: string;

beforeEach(async () => {
  // A minimal course: the real tracks and one lesson. No node_modules: the runner links the
  // repository's.
  root = await mkdtemp(join(tmpdir(), 'scaffold-'));
  await mkdir(join(root, 'content', 'lessons', '04-streams'), { recursive: true });
  await copyFile(join(repo, 'content', 'tracks.json'), join(root, 'content', 'tracks.json'));
  await writeFile(
    join(root, 'content', 'lessons', '04-streams', '04-transform-streams.mdx'),
    EXISTING_LESSON,
  );
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const read = (path: string) => readFile(join(root, path), 'utf8');

/** Every file under the course root, relative to it, to prove a refusal wrote nothing. */
async function listFiles(): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();
}

/** The error a rejected promise was rejected with, to assert on its fields. */
async function rejection(promise: Promise<unknown>): Promise<ScaffoldError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ScaffoldError) return error;
    throw error;
  }
  throw new Error('expected the scaffold to refuse, but it succeeded');
}

describe('scaffoldExercise', () => {
  it('creates the exercise, its solution and a lesson numbered after the last one', async () => {
    const { created } = await scaffoldExercise(root, id);
    expect(created).toEqual([
      `exercises/${id}/exercise.json`,
      `exercises/${id}/rate-limiter.ts`,
      `exercises/${id}/rate-limiter.test.ts`,
      `solutions/${id}/rate-limiter.ts`,
      'content/lessons/04-streams/05-rate-limiter.mdx',
    ]);

    const meta = exerciseMetaSchema.parse(JSON.parse(await read(`exercises/${id}/exercise.json`)));
    expect(meta.editable).toEqual(['rate-limiter.ts']);
    expect(meta.timeLimitSeconds).toBe(5);
    expect(meta.hints).toHaveLength(2);
    expect(meta.hints.every((hint) => hint.text.includes('TODO'))).toBe(true);
    // Each hint names the placeholder test by the full name the results list shows.
    expect(meta.hints.map((hint) => hint.tests)).toEqual([
      ['rateLimiter() > TODO: says what behaviour this test proves'],
      ['rateLimiter() > TODO: says what behaviour this test proves'],
    ]);
    expect(meta.title).toContain('TODO');

    const starter = await read(`exercises/${id}/rate-limiter.ts`);
    expect(starter).toContain('export function rateLimiter(');
    expect(starter).toContain("throw new Error('Not implemented yet');");
    expect(starter).toContain('TODO');
    expect(await read(`solutions/${id}/rate-limiter.ts`)).toBe(starter);

    const test = await read(`exercises/${id}/rate-limiter.test.ts`);
    expect(test).toContain("import { rateLimiter } from './rate-limiter.ts';");
    expect(test.match(/describe\('rateLimiter\(\)'/g)).toHaveLength(1);
    expect(test.match(/\bit\(/g)).toHaveLength(1);

    const lesson = await read('content/lessons/04-streams/05-rate-limiter.mdx');
    const frontmatter = /^---\n([\s\S]*?)\n---\n/.exec(lesson);
    const data = lessonSchema.parse(parseYaml(frontmatter?.[1] ?? ''));
    expect(data).toMatchObject({ track: '04-streams', order: 5, exercises: [id] });
    expect(data.title).toContain('TODO');
    const body = lesson.slice(frontmatter?.[0].length ?? 0);
    expect(body).toContain('<Callout type="warning"');
    expect(body).toContain(`<Exercise id="${id}" />`);
    expect(body).toContain('## Recap');
  });

  it('writes TypeScript and JSON that npm run lint accepts as formatted', async () => {
    const { created } = await scaffoldExercise(root, id);
    // A long slug makes the hints' test names too long for one line of exercise.json.
    const long = await scaffoldExercise(
      root,
      '04-streams/parse-a-multipart-upload-body-without-buffering-it',
    );
    const longMeta = long.created.filter((p) => p.endsWith('exercise.json'));
    for (const path of [...created, ...longMeta].filter((p) => !p.endsWith('.mdx'))) {
      // Resolved against the repository, whose Prettier config the files will live under.
      const filepath = join(repo, path);
      const options = await prettier.resolveConfig(filepath);
      expect(await prettier.check(await read(path), { ...options, filepath }), path).toBe(true);
    }
  });

  it('numbers the first lesson of an empty track 01', async () => {
    const { created } = await scaffoldExercise(root, '07-scaling/retry-with-backoff');
    expect(created).toContain('content/lessons/07-scaling/01-retry-with-backoff.mdx');
    const lesson = await read('content/lessons/07-scaling/01-retry-with-backoff.mdx');
    expect(lesson).toContain('order: 1\n');
    expect(await read('exercises/07-scaling/retry-with-backoff/retry-with-backoff.ts')).toContain(
      'export function retryWithBackoff(',
    );
  });

  it('refuses a second run and leaves what the first one created untouched', async () => {
    await scaffoldExercise(root, id);
    const edited = 'export const edited = true;\n';
    await writeFile(join(root, 'exercises', id, 'rate-limiter.ts'), edited);
    const before = await listFiles();

    const error = await rejection(scaffoldExercise(root, id));
    expect(error.message).toContain(`exercises/${id}`);
    expect(error.message).toContain('already exist');
    expect(error.hint).toContain('never overwrites');
    expect(await listFiles()).toEqual(before);
    expect(await read(`exercises/${id}/rate-limiter.ts`)).toBe(edited);
  });

  it('refuses when only the solution folder or a lesson with that slug exists', async () => {
    await mkdir(join(root, 'solutions', id), { recursive: true });
    const solution = await rejection(scaffoldExercise(root, id));
    expect(solution.message).toContain(`solutions/${id} already exists`);

    await writeFile(join(root, 'content', 'lessons', '04-streams', '02-window.mdx'), 'x');
    const lesson = await rejection(scaffoldExercise(root, '04-streams/window'));
    expect(lesson.message).toContain('content/lessons/04-streams/02-window.mdx already exists');
    expect(await listFiles()).not.toContain(join('exercises', '04-streams', 'window', 'window.ts'));
  });

  it('refuses a track that is not in tracks.json, naming the ones that are', async () => {
    const before = await listFiles();
    const error = await rejection(scaffoldExercise(root, '09-nowhere/thing'));
    expect(error.message).toContain('"09-nowhere"');
    expect(error.hint).toContain('04-streams');
    expect(await listFiles()).toEqual(before);
  });

  it.each([
    ['lines'],
    ['Streams/Lines'],
    ['04-streams/../lines'],
    ['04-streams/'],
    ['04-streams/2pc'],
  ])('refuses the id %j with a hint', async (badId) => {
    const before = await listFiles();
    const error = await rejection(scaffoldExercise(root, badId));
    expect(error.message).toContain(badId.includes('2pc') ? '"2pc"' : `"${badId}"`);
    expect(error.hint.length).toBeGreaterThan(10);
    expect(await listFiles()).toEqual(before);
  });

  it('fails the course check until the author writes the solution', async () => {
    await scaffoldExercise(root, id);
    const report = await checkCourse(
      root,
      new LocalRunner({ courseRoot: root, installRoot: repo }),
    );
    const check = report.exercises.find((e) => e.id === id);
    expect(check?.problems.length).toBeGreaterThan(0);
    expect(check?.solution?.status).toBe('fail');
    expect(check?.problems.map((p) => p.message)).toContainEqual(
      expect.stringContaining('reference solution does not pass'),
    );
    // Everything else is already well-formed: the starter fails its test with an assertion
    // failure, and the lesson embeds and declares the exercise.
    expect(check?.starter?.status).toBe('fail');
    expect(check?.problems.filter((p) => p.file.startsWith('exercises/'))).toEqual([]);
    expect(report.course.filter((p) => p.file.includes('rate-limiter'))).toEqual([]);
  });
});
