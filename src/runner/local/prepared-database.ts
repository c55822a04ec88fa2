/**
 * Makes sure the prepared PostgreSQL data exists (exercise-kit/prepared-data.js) before a run
 * that opens a database, so the run loads it in about 0.5 s instead of running initdb (3 s,
 * 1 GB) inside the learner's time limit. The preparing happens once per installation, in a
 * process of its own so the server never carries initdb's memory.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { preparedDataPaths } from '../../exercise-kit/prepared-data.js';

/** Code that opens a database: imports the kit's db module or PGlite itself. */
const OPENS_DATABASE = /['"]@workbench\/exercise-kit\/db['"]|['"]@electric-sql\/pglite['"]/;

export function opensDatabase(sources: Iterable<string>): boolean {
  for (const source of sources) if (OPENS_DATABASE.test(source)) return true;
  return false;
}

const preparing = new Map<string, Promise<void>>();

/**
 * Resolves once the data exists. Never rejects: when preparing fails (a full disk, say), the
 * reason is logged and runs fall back to a cold start, which is slower but still correct.
 */
export function ensurePreparedDatabase(installRoot: string): Promise<void> {
  const kit = join(installRoot, 'src', 'exercise-kit');
  const paths = preparedDataPaths(join(kit, 'prepared-data.js'));
  if (existsSync(paths.tar) && existsSync(paths.tarGz)) return Promise.resolve();
  let pending = preparing.get(installRoot);
  if (!pending) {
    pending = promisify(execFile)(process.execPath, [join(kit, 'prepare.ts')], {
      cwd: installRoot,
      timeout: 120_000,
    }).then(
      () => undefined,
      (error: Error) => {
        preparing.delete(installRoot);
        console.warn(
          `Could not prepare the PostgreSQL data for database exercises (${error.message}); ` +
            'they will start PostgreSQL from scratch, about 3 s slower per run.',
        );
      },
    );
    preparing.set(installRoot, pending);
  }
  return pending;
}
