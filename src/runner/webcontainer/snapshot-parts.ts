/**
 * The WebContainer dependency snapshot comes in two parts, so that a learner who never opens
 * the database track never downloads PostgreSQL: `core` (vitest and everything every exercise
 * needs) is mounted when the container boots; `database` (PGlite, its WebAssembly and the
 * prepared data folder: most of the bytes) is mounted the first time a run needs it.
 *
 * Both parts are content-hashed files under the site's immutable assets; the small manifest that
 * names them is the only file a browser revalidates. Isomorphic: the build writes the manifest,
 * the page reads it.
 */

/** The packages of the database part; the rest of the dependency closure is core. */
export const DATABASE_PACKAGES = ['@electric-sql/pglite'] as const;

export const SNAPSHOT_MANIFEST_PATH = 'webcontainer/manifest.json';

export type SnapshotPart = 'core' | 'database';

export interface SnapshotManifest {
  version: 1;
  /** Path of each part's snapshot, relative to the site's base. */
  parts: Partial<Record<SnapshotPart, string>>;
  packages: Array<{ name: string; version: string; part: SnapshotPart }>;
}

const DATABASE_IMPORT =
  /["'](?:@electric-sql\/pglite|@workbench\/exercise-kit\/db)(?:\/[^"']*)?["']/;

/** Whether code that imports these sources needs the database part mounted. */
export function usesDatabase(sources: readonly string[]): boolean {
  return sources.some((source) => DATABASE_IMPORT.test(source));
}

export function isSnapshotManifest(value: unknown): value is SnapshotManifest {
  if (typeof value !== 'object' || value === null) return false;
  const manifest = value as Partial<SnapshotManifest>;
  return (
    manifest.version === 1 &&
    typeof manifest.parts === 'object' &&
    manifest.parts !== null &&
    Object.values(manifest.parts).every((path) => typeof path === 'string')
  );
}
