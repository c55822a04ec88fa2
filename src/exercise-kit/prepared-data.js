/**
 * Where the prepared PostgreSQL data lives. A cold PGlite start runs initdb (about 3 s and
 * 1 GB of memory); loading a data directory saved once after initdb takes about 0.5 s. The
 * saved copy sits in node_modules/.cache, next to the PGlite it was made by: node_modules is
 * what every runner already sees (read-only in the local sandbox, inside the WebContainer
 * snapshot), and the version in the name means an upgrade of PGlite never loads stale data.
 *
 * Plain JavaScript with a .d.ts beside it: inside a WebContainer this package is a real folder
 * under node_modules, where Node refuses to strip types.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';

/** @param {string} [from] a file or URL to resolve PGlite from */
export function preparedDataPaths(from = import.meta.url) {
  // PGlite exports no ./package.json: resolve its entry and step up to the package root.
  const entry = createRequire(from).resolve('@electric-sql/pglite');
  const marker = `${sep}node_modules${sep}@electric-sql${sep}pglite${sep}`;
  const root = entry.slice(0, entry.lastIndexOf(marker) + marker.length - 1);
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const base = join(dirname(dirname(root)), '.cache', 'workbench', `postgres-${version}`);
  return { tar: `${base}.tar`, tarGz: `${base}.tar.gz` };
}

/** The prepared file to load, or undefined when none has been made on this machine. */
export function findPreparedData() {
  const paths = preparedDataPaths();
  return [paths.tar, paths.tarGz].find((path) => existsSync(path));
}
