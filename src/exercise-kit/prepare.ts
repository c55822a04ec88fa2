/**
 * Makes the prepared PostgreSQL data (prepared-data.ts) if it is missing: one cold PGlite
 * start, saved as a tar and a gzipped tar. Run as its own process (about 1 GB while initdb
 * runs) by the runners before the first database run, and by the build for the WebContainer
 * snapshot. Writes to a temporary name and renames, so a reader never sees half a file and two
 * preparers racing each other both succeed.
 *
 *   node src/exercise-kit/prepare.ts
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { preparedDataPaths } from './prepared-data.js';

async function save(path: string, data: Blob): Promise<void> {
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, new Uint8Array(await data.arrayBuffer()));
  await rename(partial, path);
}

export async function prepareData(): Promise<{ tar: string; tarGz: string; made: boolean }> {
  const paths = preparedDataPaths();
  if (existsSync(paths.tar) && existsSync(paths.tarGz)) return { ...paths, made: false };
  await mkdir(dirname(paths.tar), { recursive: true });
  const db = await PGlite.create();
  try {
    await save(paths.tar, await db.dumpDataDir('none'));
    await save(paths.tarGz, await db.dumpDataDir('gzip'));
  } finally {
    await db.close();
  }
  return { ...paths, made: true };
}

if (import.meta.main) {
  const started = performance.now();
  const result = await prepareData();
  const ms = Math.round(performance.now() - started);
  console.log(
    result.made ? `Prepared ${result.tar} in ${ms} ms.` : `Already prepared: ${result.tar}.`,
  );
}
