/**
 * `npm run docs:fields`: regenerates the field tables in docs/authoring.md from the schemas.
 * Run it after changing a schema; test/unit/authoring-docs.test.ts fails until you do.
 */
import { join } from 'node:path';
import { updateAuthoringDoc } from './schema-docs.ts';

const doc = join(import.meta.dirname, '..', '..', 'docs', 'authoring.md');
const changed = await updateAuthoringDoc(doc);
console.log(
  changed
    ? 'docs/authoring.md: field tables regenerated from the schemas.'
    : 'docs/authoring.md: field tables already match the schemas.',
);
