/**
 * Field tables for docs/authoring.md, generated from the zod schemas so the documentation of
 * exercise.json, lesson frontmatter and tracks.json cannot drift from what the build accepts.
 * `npm run docs:fields` (update-docs.ts) rewrites the tables; a unit test fails when they are
 * stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { exerciseMetaSchema } from '../schemas/exercise.ts';
import { lessonSchema } from '../schemas/lesson.ts';
import { quizOptionSchema, quizSchema } from '../schemas/quiz.ts';
import { trackSchema } from '../schemas/track.ts';
import { markdownTable } from './markdown-table.ts';

type JsonSchema = z.core.JSONSchema.JSONSchema;
type JsonSchemaOrBoolean = JsonSchema | boolean;

/** The marker name in `<!-- fields:NAME -->` and the schema whose table goes there. */
export const FIELD_SECTIONS: Readonly<Record<string, z.core.$ZodType>> = {
  exercise: exerciseMetaSchema,
  lesson: lessonSchema,
  track: trackSchema,
  quiz: quizSchema,
  'quiz-option': quizOptionSchema,
};

/**
 * A type as an author reads it: a base (`string`, `string[]`, `Record<string, number>`), an
 * optional suffix that is part of the name (`matching /re/`) and details shown in parentheses.
 * Kept apart so an array can lift its items' details into its own ("each at least 10 chars").
 */
interface Described {
  base: string;
  suffix?: string;
  details: string[];
}

function format({ base, suffix, details }: Described): string {
  const name = suffix ? `${base} ${suffix}` : base;
  return details.length > 0 ? `${name} (${details.join(', ')})` : name;
}

function plural(count: number, unit: string): string {
  return count === 1 ? unit : `${unit}s`;
}

/** `1–4 items`, `at least 1 item`, `at most 160 chars`; undefined when there is no bound. */
function countRange(min: number | undefined, max: number | undefined, unit: string) {
  const low = min !== undefined && min > 0 ? min : undefined;
  if (low !== undefined && max !== undefined) {
    return low === max ? `exactly ${low} ${plural(low, unit)}` : `${low}–${max} ${unit}s`;
  }
  if (low !== undefined) return `at least ${low} ${plural(low, unit)}`;
  if (max !== undefined) return `at most ${max} ${plural(max, unit)}`;
  return undefined;
}

function numberBounds(schema: JsonSchema): string[] {
  // zod's .int() adds the safe-integer range; it says nothing an author needs to know.
  const min =
    schema.minimum !== undefined && schema.minimum > Number.MIN_SAFE_INTEGER
      ? schema.minimum
      : undefined;
  const max =
    schema.maximum !== undefined && schema.maximum < Number.MAX_SAFE_INTEGER
      ? schema.maximum
      : undefined;
  const bounds: string[] = [];
  if (min !== undefined && max !== undefined) bounds.push(`${min}–${max}`);
  else if (min !== undefined) bounds.push(`at least ${min}`);
  else if (max !== undefined) bounds.push(`at most ${max}`);
  if (typeof schema.exclusiveMinimum === 'number')
    bounds.push(`more than ${schema.exclusiveMinimum}`);
  if (typeof schema.exclusiveMaximum === 'number')
    bounds.push(`less than ${schema.exclusiveMaximum}`);
  if (schema.multipleOf !== undefined) bounds.push(`multiple of ${schema.multipleOf}`);
  return bounds;
}

function describeString(schema: JsonSchema): Described {
  const details: string[] = [];
  if (schema.format === 'uri' || schema.format === 'url') details.push('URL');
  else if (schema.format) details.push(schema.format);
  const length = countRange(schema.minLength, schema.maxLength, 'char');
  if (length) details.push(length);
  return {
    base: 'string',
    ...(schema.pattern ? { suffix: `matching /${schema.pattern}/` } : {}),
    details,
  };
}

function describeArray(schema: JsonSchema): Described {
  const count = countRange(schema.minItems, schema.maxItems, 'item');
  const counts = count ? [count] : [];
  const items = schema.items;
  if (items === undefined || Array.isArray(items)) {
    return { base: 'unknown[]', details: counts };
  }
  const item = describeSchema(items);
  // `string[]` only when the item type is one word; `Array<{ title, url }>` otherwise.
  if (/^\w+$/.test(item.base)) {
    const each = [...(item.suffix ? [item.suffix] : []), ...item.details].map((d) => `each ${d}`);
    return { base: `${item.base}[]`, details: [...counts, ...each] };
  }
  return { base: `Array<${format(item)}>`, details: counts };
}

function describeObject(schema: JsonSchema): Described {
  const properties = Object.keys(schema.properties ?? {}).filter((key) => !key.startsWith('$'));
  if (properties.length > 0) {
    const required = new Set(schema.required ?? []);
    const names = properties.map((key) => (required.has(key) ? key : `${key}?`));
    return { base: `{ ${names.join(', ')} }`, details: [] };
  }
  const values = schema.additionalProperties;
  if (values !== undefined && values !== false) {
    const key =
      schema.propertyNames === undefined ? 'string' : describeSchema(schema.propertyNames).base;
    return { base: `Record<${key}, ${format(describeSchema(values))}>`, details: [] };
  }
  return { base: 'object', details: [] };
}

function describeSchema(schema: JsonSchemaOrBoolean): Described {
  if (schema === true) return { base: 'unknown', details: [] };
  if (schema === false) return { base: 'never', details: [] };
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return { base: union.map((s) => format(describeSchema(s))).join(' | '), details: [] };
  if (schema.const !== undefined) return { base: JSON.stringify(schema.const), details: [] };
  if (schema.enum)
    return { base: schema.enum.map((v) => JSON.stringify(v)).join(' | '), details: [] };
  const type = schema.type;
  if (Array.isArray(type)) {
    return {
      base: type.map((t) => format(describeSchema({ ...schema, type: t }))).join(' | '),
      details: [],
    };
  }
  switch (type) {
    case 'string':
      return describeString(schema);
    case 'integer':
      return { base: 'number', details: ['integer', ...numberBounds(schema)] };
    case 'number':
      return { base: 'number', details: numberBounds(schema) };
    case 'array':
      return describeArray(schema);
    case 'object':
      return describeObject(schema);
    case 'boolean':
    case 'null':
      return { base: type, details: [] };
    default:
      return { base: 'unknown', details: [] };
  }
}

/** A readable type for one JSON Schema, e.g. `number (integer, 1–60)`. */
export function describeType(schema: JsonSchemaOrBoolean): string {
  return format(describeSchema(schema));
}

/** An inline code span; a pipe must be escaped even inside one, or it splits the table cell. */
function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  const pad = fence.length > 1 ? ' ' : '';
  return `${fence}${pad}${text.replaceAll('|', '\\|')}${pad}${fence}`;
}

/** Prose for a table cell: HTML-like tags (`<Exercise id="..." />`) would vanish as raw HTML. */
function prose(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .split(/(<[^<>]+>)/)
    .map((part, index) => (index % 2 === 1 ? code(part) : part.replaceAll('|', '\\|')))
    .join('');
}

/**
 * A Markdown table of the fields of a zod object schema, as an author writes them: the input
 * side, where a field with a default may be left out.
 */
export function fieldTable(schema: z.core.$ZodType): string {
  const json = z.toJSONSchema(schema, { io: 'input' });
  if (json.type !== 'object' || !json.properties) {
    throw new TypeError('fieldTable() documents object schemas only');
  }
  const required = new Set(json.required ?? []);
  const rows = Object.entries(json.properties)
    .filter(([key]) => !key.startsWith('$'))
    .map(([key, property]) => {
      const details = typeof property === 'boolean' ? {} : property;
      return [
        code(key),
        code(describeType(property)),
        required.has(key) ? 'yes' : 'no',
        details.default === undefined ? '' : code(JSON.stringify(details.default)),
        details.description ? prose(details.description) : '',
      ];
    });
  return markdownTable(['Field', 'Type', 'Required', 'Default', 'Description'], rows);
}

/**
 * Replaces what sits between `<!-- fields:NAME -->` and `<!-- /fields:NAME -->` with a fresh
 * table for each section in FIELD_SECTIONS, keeping the markers. Text outside them is untouched.
 */
export function renderFieldSections(text: string): string {
  let result = text;
  for (const [name, schema] of Object.entries(FIELD_SECTIONS)) {
    const open = `<!-- fields:${name} -->`;
    const close = `<!-- /fields:${name} -->`;
    let from = 0;
    for (;;) {
      const start = result.indexOf(open, from);
      if (start === -1) break;
      const end = result.indexOf(close, start + open.length);
      if (end === -1) {
        // Replacing up to the end of the file would silently eat the rest of the document.
        throw new Error(`${open} has no matching ${close}`);
      }
      const section = `${open}\n\n${fieldTable(schema)}\n\n`;
      result = result.slice(0, start) + section + result.slice(end);
      from = start + section.length + close.length;
    }
  }
  return result;
}

/** Regenerates the field tables in a Markdown file; writes it only if they changed. */
export async function updateAuthoringDoc(path: string): Promise<boolean> {
  const current = await readFile(path, 'utf8');
  const next = renderFieldSections(current);
  if (next === current) return false;
  await writeFile(path, next);
  return true;
}
