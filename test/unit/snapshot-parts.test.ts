import { describe, expect, it } from 'vitest';
import { isSnapshotManifest, usesDatabase } from '../../src/runner/webcontainer/snapshot-parts.ts';

describe('usesDatabase', () => {
  it('sees PGlite and the exercise kit database module, however they are imported', () => {
    expect(usesDatabase([`import { PGlite } from '@electric-sql/pglite';`])).toBe(true);
    expect(usesDatabase([`const { PGlite } = await import("@electric-sql/pglite");`])).toBe(true);
    expect(usesDatabase([`import { vector } from '@electric-sql/pglite/vector';`])).toBe(true);
    expect(usesDatabase([`import { openDatabase } from '@workbench/exercise-kit/db';`])).toBe(true);
  });

  it('leaves everything else to the core part', () => {
    expect(usesDatabase([`import { expect } from 'vitest';`, `// uses a database later`])).toBe(
      false,
    );
    expect(usesDatabase([`import { span } from '@workbench/exercise-kit/set-up';`])).toBe(false);
    expect(usesDatabase([])).toBe(false);
  });
});

describe('isSnapshotManifest', () => {
  it('accepts what the build writes and nothing else', () => {
    expect(isSnapshotManifest({ version: 1, parts: { core: '_astro/c.bin' }, packages: [] })).toBe(
      true,
    );
    expect(isSnapshotManifest({ version: 2, parts: {}, packages: [] })).toBe(false);
    expect(isSnapshotManifest({ version: 1, parts: { core: 3 } })).toBe(false);
    expect(isSnapshotManifest('<html>')).toBe(false);
  });
});
