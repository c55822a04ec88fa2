/**
 * The exercise kit's databases. In the course check's batches (WORKBENCH_REUSE_DATABASES=1)
 * a closed database is reset and handed to the next test file: it must then be as good as a
 * fresh one, whatever the previous file left in it. Everywhere else close() closes.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, preopenDatabase, type PGlite } from '@workbench/exercise-kit/db';
import { REUSE_DATABASES_ENV } from '../../src/exercise-kit/env.js';
import { ensurePreparedDatabase } from '../../src/runner/local/prepared-database.ts';
import { resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..', '..');

beforeAll(async () => {
  await ensurePreparedDatabase(repo);
}, 120_000);

afterEach(() => {
  delete process.env[REUSE_DATABASES_ENV];
});

/** Temporary schemas appear with the first temp table and stay, empty, as in any PostgreSQL. */
const SCHEMAS = `SELECT nspname AS name FROM pg_namespace WHERE nspname !~ '^pg_(toast_)?temp_'`;

/** The same PGlite underneath: its Emscripten module object is shared. */
/** Where the kit keeps a database opened ahead (exercise-kit/db.js). */
const PREOPENED = Symbol.for('workbench.exercise-kit.preopened-database');

const sameInstance = (a: PGlite, b: PGlite) => Reflect.get(a, 'mod') === Reflect.get(b, 'mod');

async function names(db: PGlite, sql: string): Promise<string[]> {
  return (await db.query<{ name: string }>(sql)).rows.map((row) => row.name).sort();
}

describe('openDatabase() in a course check batch', () => {
  it('hands the next file the same database back, reset to what a fresh one has', async () => {
    process.env[REUSE_DATABASES_ENV] = '1';
    const used = await openDatabase();
    const fresh = {
      schemas: await names(used, SCHEMAS),
      roles: await names(used, `SELECT rolname AS name FROM pg_roles`),
      workMem: (await used.query<{ w: string }>(`SELECT current_setting('work_mem') AS w`)).rows[0]!
        .w,
    };
    await used.exec(`
      CREATE TABLE accounts (id int PRIMARY KEY, balance int);
      INSERT INTO accounts VALUES (1, 100);
      CREATE SCHEMA audit;
      CREATE TABLE audit.log (line text);
      CREATE TYPE mood AS ENUM ('ok', 'sad');
      CREATE ROLE reporter;
      GRANT SELECT ON accounts TO reporter;
      ALTER ROLE CURRENT_USER SET work_mem = '77MB';
      CREATE FUNCTION stop_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
      CREATE EVENT TRIGGER no_ddl ON ddl_command_start EXECUTE FUNCTION stop_ddl();
      SET statement_timeout = '1s';
      CREATE TEMP TABLE scratch (x int);
      PREPARE one AS SELECT 1;
    `);
    // A file that ends in the middle of a transaction.
    await used.exec('BEGIN; INSERT INTO accounts VALUES (2, 5);');
    await used.close();

    const next = await openDatabase();
    expect(sameInstance(used, next)).toBe(true);
    expect(await names(next, SCHEMAS)).toEqual(fresh.schemas);
    expect(await names(next, `SELECT rolname AS name FROM pg_roles`)).toEqual(fresh.roles);
    expect(
      await names(next, `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`),
    ).toEqual([]);
    expect(await names(next, `SELECT typname AS name FROM pg_type WHERE typname = 'mood'`)).toEqual(
      [],
    );
    expect(await names(next, `SELECT evtname AS name FROM pg_event_trigger`)).toEqual([]);
    expect(await names(next, `SELECT name FROM pg_prepared_statements`)).toEqual([]);
    expect(
      (await next.query<{ t: string }>(`SELECT current_setting('statement_timeout') AS t`)).rows[0]!
        .t,
    ).toBe('0');
    // What a fresh database allows: making tables in public, as any test does first.
    await next.exec('CREATE TABLE accounts (id int PRIMARY KEY)');
    await next.close();
    const third = await openDatabase();
    expect(sameInstance(next, third)).toBe(true);
    expect(
      (await third.query<{ w: string }>(`SELECT current_setting('work_mem') AS w`)).rows[0]!.w,
    ).toBe(fresh.workMem);
    await third.close();
  }, 120_000);

  it('gives two databases open at once (a primary and a replica) separate instances', async () => {
    process.env[REUSE_DATABASES_ENV] = '1';
    const [primary, replica] = await Promise.all([openDatabase(), openDatabase()]);
    expect(sameInstance(primary, replica)).toBe(false);
    await primary.exec('CREATE TABLE only_here (x int)');
    expect(
      await names(replica, `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`),
    ).toEqual([]);
    await Promise.all([primary.close(), replica.close()]);
  }, 120_000);
});

describe('preopenDatabase(), what a warm sandbox for database exercises does first', () => {
  it('hands its database to the first openDatabase() only; the next one is fresh', async () => {
    await preopenDatabase();
    const [first, second] = [await openDatabase(), await openDatabase()];
    expect(sameInstance(first, second)).toBe(false);
    expect(
      await names(first, `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`),
      'opening ahead warms PostgreSQL up, and must leave nothing of it behind',
    ).toEqual([]);
    await first.exec('CREATE TABLE seen_by_first (x int)');
    expect(
      await names(second, `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`),
    ).toEqual([]);
    await Promise.all([first.close(), second.close()]);
  }, 120_000);

  it('hands out the database it opened ahead, not a new one', async () => {
    await preopenDatabase();
    const preopened = (await Reflect.get(globalThis, PREOPENED)) as PGlite;
    const db = await openDatabase();
    expect(sameInstance(db, preopened)).toBe(true);
    await db.close();
  }, 120_000);

  it('opens a fresh database when opening ahead failed, instead of failing the tests', async () => {
    const failed = Promise.reject(new Error('no memory left while opening ahead'));
    failed.catch(() => {});
    Reflect.set(globalThis, PREOPENED, failed);
    const db = await openDatabase();
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
    await db.close();
  }, 120_000);
});

describe("openDatabase() in a learner's run", () => {
  it('closes for real: every run starts from a database nobody used', async () => {
    const db = await openDatabase();
    await db.close();
    expect(db.closed).toBe(true);
  }, 120_000);
});
