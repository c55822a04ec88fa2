import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as prettier from 'prettier';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  FIELD_SECTIONS,
  describeType,
  fieldTable,
  renderFieldSections,
  updateAuthoringDoc,
} from '../../src/grading/schema-docs.ts';
import { exerciseMetaSchema } from '../../src/schemas/exercise.ts';
import { lessonSchema } from '../../src/schemas/lesson.ts';
import { trackSchema } from '../../src/schemas/track.ts';

const repo = resolve(import.meta.dirname, '..', '..');
const docPath = join(repo, 'docs', 'authoring.md');

function section(text: string, name: string): string {
  const start = text.indexOf(`<!-- fields:${name} -->`);
  const end = text.indexOf(`<!-- /fields:${name} -->`);
  return start === -1 || end < start ? '' : text.slice(start, end);
}

describe('docs/authoring.md', () => {
  it('has field tables that match the schemas (run npm run docs:fields after a schema change)', async () => {
    const current = await readFile(docPath, 'utf8');
    expect(renderFieldSections(current)).toBe(current);
  });

  it.each([
    ['exercise', exerciseMetaSchema.shape],
    ['lesson', lessonSchema.shape],
    ['track', trackSchema.shape],
  ] as const)('documents every field of the %s schema in its own section', async (name, shape) => {
    const text = section(await readFile(docPath, 'utf8'), name);
    expect(text, `docs/authoring.md has no <!-- fields:${name} --> section`).not.toBe('');
    for (const field of Object.keys(shape).filter((key) => !key.startsWith('$'))) {
      expect(text, `the ${name} table does not mention "${field}"`).toContain(`| \`${field}\``);
    }
  });

  it('is formatted the way Prettier prints it, so npm run lint and the generator agree', async () => {
    const current = await readFile(docPath, 'utf8');
    const options = await prettier.resolveConfig(docPath);
    expect(await prettier.check(current, { ...options, filepath: docPath })).toBe(true);
  });
});

describe('fieldTable', () => {
  it('renders types, requiredness, defaults and descriptions readably', () => {
    const rows = fieldTable(exerciseMetaSchema).split('\n');
    const row = (field: string) => rows.find((r) => r.startsWith(`| \`${field}\``)) ?? '';
    expect(rows[0]).toMatch(/^\| Field +\| Type +\| Required +\| Default +\| Description +\|$/);
    expect(row('title')).toMatch(/`string \(at least 3 chars\)` +\| yes +\| +\| Shown above/);
    expect(row('hints')).toContain('`Array<{ text, tests }> (1–4 items)`');
    expect(row('timeLimitSeconds')).toMatch(/`number \(integer, 1–60\)` +\| no +\| `10` +\|/);
    expect(row('weights')).toMatch(/`Record<string, number \(more than 0\)>` +\| no +\| `\{\}`/);
    // A pipe inside a cell must be escaped, or it would end the cell.
    expect(row('editable')).toContain('\\.(ts\\|mts\\|js\\|mjs\\|json\\|txt)$/');
  });

  it('skips $-prefixed keys such as $schema', () => {
    expect(fieldTable(exerciseMetaSchema)).not.toContain('$schema');
  });

  it('shows patterns, nested objects and tags in prose as an author reads them', () => {
    const table = fieldTable(lessonSchema);
    expect(table).toContain('`string matching /^\\d{2}-[a-z0-9-]+$/`');
    expect(table).toContain('`Array<{ title, url }>`');
    expect(table).toContain('`number (integer, at least 1)`');
    expect(table).toContain('embeds with `<Exercise id="..." />`.');
  });

  it('pads every row to the same width', () => {
    const widths = new Set(
      fieldTable(trackSchema)
        .split('\n')
        .map((line) => [...line].length),
    );
    expect(widths.size).toBe(1);
  });

  it('describes other shapes too', () => {
    const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input' });
    expect(describeType(json(z.enum(['note', 'tip'])))).toBe('"note" | "tip"');
    expect(describeType(json(z.boolean().optional()))).toBe('boolean');
    expect(describeType(json(z.array(z.number()).max(3)))).toBe('number[] (at most 3 items)');
    expect(describeType(json(z.string().max(1)))).toBe('string (at most 1 char)');
    expect(describeType(json(z.url()))).toBe('string (URL)');
    expect(describeType(json(z.union([z.string(), z.number()])))).toBe('string | number');
  });

  it('refuses a schema that is not an object', () => {
    expect(() => fieldTable(z.string())).toThrow(/object schemas only/);
  });
});

describe('renderFieldSections', () => {
  const doc = [
    '# Title',
    '',
    '<!-- fields:track -->',
    'stale content',
    '<!-- /fields:track -->',
    '',
    'Text after.',
    '',
  ].join('\n');

  it('replaces only what is between the markers and keeps the markers', () => {
    const rendered = renderFieldSections(doc);
    expect(rendered).toBe(
      [
        '# Title',
        '',
        '<!-- fields:track -->',
        '',
        fieldTable(trackSchema),
        '',
        '<!-- /fields:track -->',
        '',
        'Text after.',
        '',
      ].join('\n'),
    );
    expect(renderFieldSections(rendered)).toBe(rendered);
  });

  it('fills every known section and leaves a text without markers alone', () => {
    const all = Object.keys(FIELD_SECTIONS)
      .map((name) => `<!-- fields:${name} --><!-- /fields:${name} -->`)
      .join('\n\n');
    const rendered = renderFieldSections(all);
    for (const field of ['timeLimitSeconds', 'objectives', 'summary']) {
      expect(rendered).toContain(`\`${field}\``);
    }
    expect(renderFieldSections('no markers here\n')).toBe('no markers here\n');
  });

  it('refuses an opening marker without its closing one rather than eat the rest', () => {
    expect(() => renderFieldSections('<!-- fields:lesson -->\n\nrest of the doc\n')).toThrow(
      '<!-- /fields:lesson -->',
    );
  });
});

describe('updateAuthoringDoc', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'authoring-docs-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rewrites a stale file and reports whether it changed', async () => {
    const file = join(dir, 'authoring.md');
    await writeFile(file, '# Doc\n\n<!-- fields:exercise -->\n<!-- /fields:exercise -->\n');
    expect(await updateAuthoringDoc(file)).toBe(true);
    const updated = await readFile(file, 'utf8');
    expect(updated).toContain('`timeLimitSeconds`');
    expect(await updateAuthoringDoc(file)).toBe(false);
    expect(await readFile(file, 'utf8')).toBe(updated);
  });
});
