/**
 * A real PostgreSQL for exercise tests: PGlite, opened from data prepared ahead (see
 * prepared-data.js) so a database exercise runs in about a second, not four.
 */
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { REUSE_DATABASES_ENV } from './env.js';
import { findPreparedData } from './prepared-data.js';
import { setUpSpan } from './set-up-span.js';

/**
 * Where a warm sandbox's agent leaves a database it opened before the learner pressed Run
 * (preopenDatabase()). A global, not module state: the agent imports this module natively and
 * the tests import it through vitest, which may make a second copy of it.
 */
const PREOPENED = Symbol.for('workbench.exercise-kit.preopened-database');

const slots = /** @type {Record<symbol, Promise<PGlite> | undefined>} */ (
  /** @type {unknown} */ (globalThis)
);

async function open() {
  const preopened = slots[PREOPENED];
  if (preopened) {
    // Used once: a second database in the same run is a fresh one, as everywhere else.
    slots[PREOPENED] = undefined;
    return preopened.catch(openFresh);
  }
  return openFresh();
}

/**
 * Opens the first database of a run ahead of it. The agent of a warm sandbox kept for database
 * exercises calls this before it says it is ready, so the learner's Run does not wait for
 * PostgreSQL to start. A failure here is not reported: open() then starts a fresh one.
 */
export function preopenDatabase() {
  const opening = openFresh().then(async (db) => {
    // PostgreSQL's WebAssembly is compiled function by function as it first runs: take the
    // common paths once (DDL, writes, a join, an aggregate, a transaction) and roll it all back,
    // so the first statements of the run do not pay for it. The database stays as opened.
    await db.exec(`BEGIN;
      CREATE TABLE warm_up (id serial PRIMARY KEY, name text NOT NULL UNIQUE, n integer CHECK (n >= 0));
      CREATE INDEX ON warm_up (n);
      INSERT INTO warm_up (name, n) SELECT 'row ' || i, i FROM generate_series(1, 200) AS i;
      UPDATE warm_up SET n = n + 1 WHERE id % 2 = 0;
      DELETE FROM warm_up WHERE id > 190;
      SELECT a.name, count(*), sum(b.n) FROM warm_up a JOIN warm_up b ON a.n = b.n GROUP BY a.name ORDER BY 2 DESC LIMIT 5;
      ROLLBACK;`);
    await db.query('SELECT $1::int + 1 AS two', [1]);
    return db;
  });
  opening.catch(() => {});
  slots[PREOPENED] = opening;
  return opening.then(
    () => undefined,
    () => undefined,
  );
}

async function openFresh() {
  const prepared = findPreparedData();
  if (!prepared) {
    // Still correct, only slower: the runners prepare the data before the first database
    // run, so this path is for someone running the tests with a bare `vitest`.
    return PGlite.create();
  }
  return PGlite.create({ loadDataDir: new Blob([await readFile(prepared)]) });
}

/**
 * Our set-up, not the learner's code: the runner's clock stops while it runs. In the course
 * check's batches (env.js), databases are reset and reused rather than opened afresh.
 */
export function openDatabase() {
  return setUpSpan(process.env[REUSE_DATABASES_ENV] === '1' ? reuseDatabase : open);
}

/** Reset databases waiting for the next test file of this worker. */
const idle = [];

/**
 * What a fresh database has, so that a reset can drop everything else: the objects a test
 * makes live in schemas, roles, extensions and event triggers, and in settings.
 * @param {PGlite} db
 */
async function inventory(db) {
  const names = async (/** @type {string} */ sql) =>
    new Set((await db.query(sql)).rows.map((row) => /** @type {{ name: string }} */ (row).name));
  return {
    schemas: await names(
      `SELECT nspname AS name FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`,
    ),
    roles: await names(`SELECT rolname AS name FROM pg_roles`),
    extensions: await names(`SELECT extname AS name FROM pg_extension`),
    eventTriggers: await names(`SELECT evtname AS name FROM pg_event_trigger`),
  };
}

/** @param {string} name */
const quote = (name) => `"${name.replaceAll('"', '""')}"`;

/**
 * Brings a used database back to what a fresh one is. Throws when it cannot, and the database
 * is then closed instead of reused.
 * @param {PGlite} db
 * @param {Awaited<ReturnType<typeof inventory>>} fresh
 */
async function reset(db, fresh) {
  // Outside a transaction this only warns; DISCARD ALL refuses to run inside one.
  await db.exec('ROLLBACK');
  await db.exec('DISCARD ALL');
  const now = await inventory(db);
  const dropped = (/** @type {Set<string>} */ a, /** @type {Set<string>} */ b) =>
    [...a].filter((name) => !b.has(name));
  for (const name of dropped(now.eventTriggers, fresh.eventTriggers))
    await db.exec(`DROP EVENT TRIGGER ${quote(name)}`);
  for (const name of dropped(now.extensions, fresh.extensions))
    await db.exec(`DROP EXTENSION ${quote(name)} CASCADE`);
  for (const name of now.schemas) await db.exec(`DROP SCHEMA ${quote(name)} CASCADE`);
  for (const name of dropped(now.roles, fresh.roles))
    await db.exec(`DROP OWNED BY ${quote(name)} CASCADE; DROP ROLE ${quote(name)}`);
  // PostgreSQL 15 and later: public belongs to pg_database_owner and everyone may use it.
  await db.exec(`CREATE SCHEMA public AUTHORIZATION pg_database_owner;
    GRANT USAGE ON SCHEMA public TO PUBLIC;
    ALTER ROLE CURRENT_USER RESET ALL;`);
  await db.exec(
    `ALTER DATABASE ${quote(/** @type {{ name: string }} */ ((await db.query('SELECT current_database() AS name')).rows[0]).name)} RESET ALL`,
  );
  const after = await inventory(db);
  const same = (/** @type {Set<string>} */ a, /** @type {Set<string>} */ b) =>
    a.size === b.size && [...a].every((name) => b.has(name));
  if (!same(after.schemas, fresh.schemas) || !same(after.roles, fresh.roles))
    throw new Error('the database could not be brought back to its fresh state');
}

async function reuseDatabase() {
  const entry = idle.pop() ?? { db: await open(), fresh: undefined };
  entry.fresh ??= await inventory(entry.db);
  const { db } = entry;
  let released = false;
  // The test's close() puts the database back instead; every other member is the real one.
  return new Proxy(db, {
    get(target, property) {
      if (property === 'close') {
        return async () => {
          if (released) return;
          released = true;
          try {
            await reset(target, entry.fresh);
            idle.push(entry);
          } catch {
            await target.close();
          }
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** @param {import('@electric-sql/pglite').PGlite} db */
export async function emptySchema(db) {
  await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
}
