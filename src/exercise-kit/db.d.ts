/**
 * A real PostgreSQL for exercise tests.
 *
 *   import { openDatabase, emptySchema, type PGlite } from '@workbench/exercise-kit/db';
 *   const db = await openDatabase();
 *
 * Every call returns an empty database of its own. In a learner's run it is a new one (about a
 * second); in the course check's batches a database another test file closed is reset and
 * reused (see env.js), which is why close() must be awaited in afterAll. PGlite is one
 * connection: where a lesson needs two sessions at once, open two databases or say that the
 * second is simulated.
 */
import type { PGlite } from '@electric-sql/pglite';

export type { PGlite };

export function openDatabase(): Promise<PGlite>;

/**
 * For the runner, not for tests: opens the next openDatabase()'s database ahead of time (a
 * warm sandbox does it before a run starts). Resolves when done; never rejects.
 */
export function preopenDatabase(): Promise<void>;

/** Drops every table, index and type the previous test made: cheaper than a new database. */
export function emptySchema(db: PGlite): Promise<void>;
