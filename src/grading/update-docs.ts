/**
 * `npm run docs:fields`: regenerates the field tables in docs/authoring.md from the schemas and
 * the README's table of exercises from the catalog and docs/mutation-scores.json. Run it after
 * changing a schema or adding an exercise; test/unit/authoring-docs.test.ts fails until you do.
 */
import { join } from 'node:path';
import { updateReadme } from './exercise-table.ts';
import { updateAuthoringDoc } from './schema-docs.ts';

const root = join(import.meta.dirname, '..', '..');
const doc = join(root, 'docs', 'authoring.md');
const changed = await updateAuthoringDoc(doc);
console.log(
  changed
    ? 'docs/authoring.md: field tables regenerated from the schemas.'
    : 'docs/authoring.md: field tables already match the schemas.',
);
console.log(
  (await updateReadme(root))
    ? 'README.md: table of exercises regenerated.'
    : 'README.md: table of exercises already up to date.',
);
