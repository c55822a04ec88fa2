/**
 * `npm run new:exercise -- <track>/<slug>`: creates an exercise, its reference solution and the
 * lesson that embeds it, all wired together and full of TODOs. As generated it fails the course
 * check on purpose (the solution throws and is identical to the starter), so a half-written
 * exercise cannot be committed by accident.
 */
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { exerciseIdSchema, type exerciseMetaSchema } from '../schemas/exercise.ts';
import type { lessonSchema } from '../schemas/lesson.ts';
import { trackSchema } from '../schemas/track.ts';

/** A refusal the CLI prints as-is: what is wrong and what to do about it. */
export class ScaffoldError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.name = 'ScaffoldError';
    this.hint = hint;
  }
}

/** `rate-limiter` → `rateLimiter`. */
export function camelCase(slug: string): string {
  return slug.replace(/-+([a-z0-9])/g, (_, char: string) => char.toUpperCase()).replace(/-/g, '');
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function readTrackIds(root: string): Promise<string[]> {
  const file = join(root, 'content', 'tracks.json');
  try {
    return z
      .array(trackSchema)
      .parse(JSON.parse(await readFile(file, 'utf8')))
      .map((track) => track.id);
  } catch (error) {
    throw new ScaffoldError(
      `content/tracks.json could not be read: ${(error as Error).message}`,
      'Run the command from the project root, and fix tracks.json if it is broken.',
    );
  }
}

/** The lesson files of a track that follow the `<nn>-<slug>.mdx` naming. */
async function lessonFiles(root: string, track: string): Promise<string[]> {
  const entries = await readdir(join(root, 'content', 'lessons', track)).catch(() => []);
  return entries.filter((name) => /^\d{2}-.+\.mdx$/.test(name));
}

const PLACEHOLDER_TEST = 'TODO: says what behaviour this test proves';

/** The full name of the one test testTs() writes, as the results list shows it. */
function placeholderTest(slug: string): string {
  return `${camelCase(slug)}() > ${PLACEHOLDER_TEST}`;
}

function exerciseJson(slug: string): string {
  const meta = {
    title: `TODO: ${camelCase(slug)}(), what the learner builds in a few words`,
    summary: 'TODO: one sentence saying what the learner builds and which mistake it avoids.',
    editable: [`${slug}.ts`],
    hints: [
      {
        text: 'TODO: a first hint that nudges towards the idea without giving away the code.',
        tests: [placeholderTest(slug)],
      },
      {
        text: 'TODO: a last hint close to the answer. Write 2 to 4 hints, each more specific, and list in "tests" the full names of the failing tests each one helps with.',
        tests: [placeholderTest(slug)],
      },
    ],
    timeLimitSeconds: 5,
  } satisfies z.input<typeof exerciseMetaSchema>;
  // Laid out as Prettier prints it, so a fresh exercise passes `npm run lint`.
  const tests = (names: readonly string[]) => {
    const quoted = names.map((name) => JSON.stringify(name));
    const line = `      "tests": [${quoted.join(', ')}]`;
    // Prettier keeps an array on one line only while it fits in its print width.
    return line.length <= 100
      ? line
      : `      "tests": [\n${quoted.map((q) => `        ${q}`).join(',\n')}\n      ]`;
  };
  const hint = (item: { text: string; tests: readonly string[] }) =>
    ['    {', `      "text": ${JSON.stringify(item.text)},`, tests(item.tests), '    }'].join('\n');
  const list = (items: ReadonlyArray<{ text: string; tests: readonly string[] }>) =>
    `[\n${items.map(hint).join(',\n')}\n  ]`;
  return [
    '{',
    `  "title": ${JSON.stringify(meta.title)},`,
    `  "summary": ${JSON.stringify(meta.summary)},`,
    `  "editable": [${meta.editable.map((name) => JSON.stringify(name)).join(', ')}],`,
    `  "hints": ${list(meta.hints)},`,
    `  "timeLimitSeconds": ${meta.timeLimitSeconds}`,
    '}',
    '',
  ].join('\n');
}

/**
 * The starter, and (byte for byte) the first draft of the reference solution: the check reports
 * an unchanged solution, and this one also throws, so neither can slip through unnoticed.
 */
function starterTs(slug: string): string {
  const name = camelCase(slug);
  return `/**
 * TODO: say what ${name}() does, in the words the lesson uses.
 */
export function ${name}(_input: string): string {
  // TODO: in exercises/, the learner's starting point: code that loads and runs but makes the
  // mistake the lesson warns about, so the tests fail with assertions. In solutions/, the
  // reference solution, which must pass every test.
  throw new Error('Not implemented yet');
}
`;
}

function testTs(slug: string): string {
  const name = camelCase(slug);
  return `import { describe, expect, it } from 'vitest';
import { ${name} } from './${slug}.ts';

describe('${name}()', () => {
  // TODO: replace this placeholder. Feed exact inputs, and name in each assertion message the
  // bug it catches, so a learner who fails it knows what to fix (docs/authoring.md).
  it('${PLACEHOLDER_TEST}', () => {
    expect(${name}('example input'), 'TODO: name the bug this assertion catches').toBe(
      'the expected output',
    );
  });
});
`;
}

function lessonMdx(id: string, track: string, order: number): string {
  const frontmatter = {
    title: 'TODO: lesson title',
    description: 'TODO: one sentence for search results and link previews, at most 160 characters.',
    track,
    order,
    objectives: ['TODO: something the learner can do after this lesson, one per line'],
    nodeDocs: [{ title: 'TODO: the Node.js API this lesson uses', url: 'https://nodejs.org/api/' }],
    exercises: [id],
  } satisfies z.input<typeof lessonSchema>;
  // lineWidth 0: a folded YAML string is valid but hard to edit by hand.
  return `---
${stringifyYaml(frontmatter, { lineWidth: 0 }).trimEnd()}
---

TODO: open with the situation the learner is in and what they will be able to do by the end.

## TODO: name the idea

TODO: explain the idea with small examples that run as they are.

<Callout type="warning" title="The mistake that bites in production">

TODO: the mistake that passes a demo and breaks in production, and why. The exercise tests must
catch exactly this mistake.

</Callout>

TODO: hand over to the exercise: what to build and what the tests will throw at it.

<Exercise id="${id}" />

## Recap

- TODO: one line per idea worth keeping.
`;
}

/**
 * Creates `exercises/<id>/`, `solutions/<id>/` and a lesson numbered after the last one in the
 * track. Refuses, before writing anything, when any of them exists: it never overwrites.
 * Returns the created files, relative to `root`.
 */
export async function scaffoldExercise(root: string, id: string): Promise<{ created: string[] }> {
  const parsed = exerciseIdSchema.safeParse(id);
  if (!parsed.success) {
    throw new ScaffoldError(
      `"${id}" is not a valid exercise id`,
      parsed.error.issues[0]?.message ?? 'Use "<track>/<slug>", e.g. "04-streams/lines".',
    );
  }
  const [track = '', slug = ''] = id.split('/');
  if (!/^[a-z]/.test(slug)) {
    throw new ScaffoldError(
      `the slug "${slug}" does not start with a letter, so it cannot name the exported function`,
      'Start the slug with a letter, e.g. "two-phase-commit" rather than "2pc".',
    );
  }
  const tracks = await readTrackIds(root);
  if (!tracks.includes(track)) {
    throw new ScaffoldError(
      `there is no track "${track}" in content/tracks.json`,
      `Use one of: ${tracks.join(', ')}. A new track is added to content/tracks.json first.`,
    );
  }

  const existingLessons = await lessonFiles(root, track);
  const present: string[] = [];
  for (const dir of [`exercises/${id}`, `solutions/${id}`]) {
    if (await exists(join(root, dir))) present.push(dir);
  }
  // The same lesson under another order number is still the same lesson.
  for (const name of existingLessons.filter((file) => file.slice(3) === `${slug}.mdx`)) {
    present.push(`content/lessons/${track}/${name}`);
  }
  if (present.length > 0) {
    throw new ScaffoldError(
      `${present.join(', ')} already ${present.length === 1 ? 'exists' : 'exist'}; nothing was created`,
      'The scaffold never overwrites: pick another slug, or edit the existing files.',
    );
  }
  const order = Math.max(0, ...existingLessons.map((name) => Number(name.slice(0, 2)))) + 1;
  if (order > 99) {
    throw new ScaffoldError(
      `track ${track} has no free two-digit lesson number left`,
      'Renumber the lessons in the track, or split it.',
    );
  }

  const files: Array<[path: string, content: string]> = [
    [`exercises/${id}/exercise.json`, exerciseJson(slug)],
    [`exercises/${id}/${slug}.ts`, starterTs(slug)],
    [`exercises/${id}/${slug}.test.ts`, testTs(slug)],
    [`solutions/${id}/${slug}.ts`, starterTs(slug)],
    [
      `content/lessons/${track}/${String(order).padStart(2, '0')}-${slug}.mdx`,
      lessonMdx(id, track, order),
    ],
  ];
  const created: string[] = [];
  const createdDirs: string[] = [];
  try {
    for (const dir of [`exercises/${id}`, `solutions/${id}`]) {
      await mkdir(join(root, dir, '..'), { recursive: true });
      // Not recursive: fails if the folder appeared since the check above.
      await mkdir(join(root, dir));
      createdDirs.push(dir);
    }
    await mkdir(join(root, 'content', 'lessons', track), { recursive: true });
    for (const [path, content] of files) {
      // 'wx' fails instead of replacing a file that appeared since the check above.
      await writeFile(join(root, path), content, { flag: 'wx' });
      created.push(path);
    }
  } catch (error) {
    // Leave no half-made exercise behind: a second run would refuse because of it.
    for (const path of created.toReversed()) await rm(join(root, path), { force: true });
    for (const dir of createdDirs.toReversed()) await rm(join(root, dir), { recursive: true });
    throw error;
  }
  return { created };
}
