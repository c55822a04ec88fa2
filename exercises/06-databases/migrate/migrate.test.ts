import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptySchema, openDatabase, type PGlite } from '@workbench/exercise-kit/db';
import { migrate, type Db, type MigrationFile } from './migrate.ts';

let db: PGlite;
beforeAll(async () => {
  db = await openDatabase();
}, 20_000);
beforeEach(async () => {
  await emptySchema(db);
  // Where the test migrations write down that they ran, in the order they ran.
  await db.exec('CREATE TABLE steps (n serial, name text NOT NULL)');
});
afterAll(() => db.close());

/** A migration that only records that it ran. */
function step(name: string): MigrationFile {
  return { name, sql: `INSERT INTO steps (name) VALUES ('${name}');` };
}

async function steps(): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM steps ORDER BY n');
  return rows.map((row) => row.name);
}

async function tables(): Promise<string[]> {
  const { rows } = await db.query<{ tablename: string }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  return rows.map((row) => row.tablename);
}

async function columns(table: string): Promise<string[]> {
  // The catalog behind information_schema.columns, which is several times slower to query.
  const { rows } = await db.query<{ attname: string }>(
    `SELECT attname FROM pg_attribute
     WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [`public.${table}`],
  );
  return rows.map((row) => row.attname);
}

/** The names in schema_migrations, by version ([] if the table does not exist). */
async function recorded(): Promise<string[]> {
  if (!(await tables()).includes('schema_migrations')) return [];
  const { rows } = await db.query<{ name: string }>(
    'SELECT name FROM schema_migrations ORDER BY version',
  );
  return rows.map((row) => row.name);
}

/** How a run ended, in one line: the names it returned, or the error's code and message. */
async function howItEnded(run: Promise<string[]>): Promise<string> {
  try {
    return `applied ${JSON.stringify(await run)}`;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : String(error);
    return `${typeof code === 'string' ? code : 'an error without a code'}: ${message}`;
  }
}

async function failure(run: Promise<unknown>): Promise<Error & { code?: unknown }> {
  try {
    await run;
  } catch (error) {
    return error as Error & { code?: unknown };
  }
  throw new Error('migrate() resolved, but a migration failed: it must reject');
}

const accounts: MigrationFile = {
  name: '1_create_accounts.sql',
  sql: 'CREATE TABLE accounts (id serial PRIMARY KEY, email text NOT NULL UNIQUE);',
};
// Valid DDL first, then a statement that fails: everything before it must be undone.
const brokenInvoices: MigrationFile = {
  name: '2_create_invoices.sql',
  sql: `
    CREATE TABLE invoices (id serial PRIMARY KEY, account_id integer REFERENCES accounts);
    CREATE INDEX invoices_account_idx ON invoices (account_id);
    ALTER TABLE accounts ADD COLUMN plan text;
    INSERT INTO invoice_lines (invoice_id) VALUES (1);
  `,
};
const fixedInvoices: MigrationFile = {
  name: '2_create_invoices.sql',
  sql: `
    CREATE TABLE invoices (id serial PRIMARY KEY, account_id integer REFERENCES accounts);
    CREATE INDEX invoices_account_idx ON invoices (account_id);
    ALTER TABLE accounts ADD COLUMN plan text;
  `,
};
const payments: MigrationFile = {
  name: '3_create_payments.sql',
  sql: 'CREATE TABLE payments (id serial PRIMARY KEY, invoice_id integer REFERENCES invoices);',
};

describe('migrate()', () => {
  it('applies the files in order, returns their names and records them', async () => {
    const files = [step('010_add_index.sql'), step('001_init.sql'), step('002_add_users.sql')];
    const order = ['001_init.sql', '002_add_users.sql', '010_add_index.sql'];
    expect(
      await howItEnded(migrate(db, files)),
      'files arrive in any order: sort them by version before applying',
    ).toBe(`applied ${JSON.stringify(order)}`);
    expect(await steps(), 'the migrations ran in version order').toEqual(order);
    expect(
      await recorded(),
      'every applied file is recorded in schema_migrations (version, name)',
    ).toEqual(order);
  });

  it('compares versions as numbers: 10_x comes after 9_x', async () => {
    const files = ['9_add_email.sql', '10_add_index.sql', '2_add_users.sql', '1_init.sql'];
    const order = ['1_init.sql', '2_add_users.sql', '9_add_email.sql', '10_add_index.sql'];
    await howItEnded(migrate(db, files.map(step)));
    expect(
      await steps(),
      'the version is the number before the first "_": compared as strings, "10_add_index" ' +
        'sorts before "9_add_email" (and even before "1_init"), so the newest migration ran ' +
        'before the ones it builds on',
    ).toEqual(order);
  });

  it('applies nothing on a second run and returns []', async () => {
    const files = [accounts, fixedInvoices, step('4_seed.sql')];
    await migrate(db, files);
    expect(
      await howItEnded(migrate(db, files)),
      'a second run with the same files must skip every recorded file and return []',
    ).toBe('applied []');
    expect(await steps(), 'the recorded files did not run again').toEqual(['4_seed.sql']);
  });

  it('applies only the files a later run adds', async () => {
    await migrate(db, [accounts, fixedInvoices]);
    expect(
      await howItEnded(migrate(db, [payments, fixedInvoices, accounts])),
      'only the new file is applied',
    ).toBe(`applied ["3_create_payments.sql"]`);
    expect(await recorded(), 'all three are recorded now').toEqual([
      '1_create_accounts.sql',
      '2_create_invoices.sql',
      '3_create_payments.sql',
    ]);
  });

  it('leaves nothing of a failed migration behind and keeps the earlier ones', async () => {
    await howItEnded(migrate(db, [payments, brokenInvoices, accounts]));
    const after = await tables();
    expect(
      after.includes('invoices'),
      'the failed migration created the table invoices before its last statement failed, and ' +
        'the table is still there: run each file between BEGIN and COMMIT, and ROLLBACK when ' +
        'it fails, so its DDL is undone',
    ).toBe(false);
    expect(
      after.includes('accounts'),
      '1_create_accounts succeeded before the failing file and must stay applied: one ' +
        'transaction per file, not one around the whole run',
    ).toBe(true);
    expect(
      await columns('accounts'),
      'the ALTER TABLE accounts of the failed migration must be rolled back with the rest of ' +
        'its file',
    ).toEqual(['id', 'email']);
    expect(
      await recorded(),
      'only the migration that succeeded is recorded: the failed one must not be, and one ' +
        'failure must not undo the migrations that were applied before it',
    ).toEqual(['1_create_accounts.sql']);
    expect(
      after.includes('payments'),
      'migrate() must stop at the first failure: later migrations may depend on it',
    ).toBe(false);
  });

  it('commits a file and its schema_migrations row together, or neither', async () => {
    // The connection drops just as the first record row is written.
    let dropped = false;
    const recording = /insert\s+into\s+schema_migrations/i;
    function dropOnce(sql: string): void {
      if (dropped || !recording.test(sql)) return;
      dropped = true;
      throw new Error('Connection terminated unexpectedly');
    }
    const flaky: Db = {
      async query<T>(sql: string, params?: unknown[]) {
        dropOnce(sql);
        return db.query<T>(sql, params);
      },
      async exec(sql: string) {
        dropOnce(sql);
        return db.exec(sql);
      },
    };
    await howItEnded(migrate(flaky, [accounts, fixedInvoices]));
    expect(
      (await tables()).includes('accounts'),
      '1_create_accounts ran but its schema_migrations row was never written, and its table ' +
        'stayed: the next run applies it again and fails on "already exists". Run the file and ' +
        'its INSERT INTO schema_migrations in one transaction (BEGIN ... COMMIT)',
    ).toBe(false);
    expect(
      await howItEnded(migrate(db, [accounts, fixedInvoices])),
      'after the rollback, the next run applies both files',
    ).toBe('applied ["1_create_accounts.sql","2_create_invoices.sql"]');
  });

  it('rejects with ERR_MIGRATION_FAILED, naming the file, with the database error as cause', async () => {
    const error = await failure(migrate(db, [accounts, brokenInvoices]));
    expect(error.code, 'the error of a failed migration has code ERR_MIGRATION_FAILED').toBe(
      'ERR_MIGRATION_FAILED',
    );
    expect(
      error.message,
      'the message must name the file that failed, or the person deploying has to guess',
    ).toContain('2_create_invoices.sql');
    expect(
      String((error.cause as Error | undefined)?.message),
      'error.cause is the original database error',
    ).toContain('invoice_lines');
  });

  it('can run again once the failed file is fixed', async () => {
    await howItEnded(migrate(db, [accounts, brokenInvoices, payments]));
    expect(
      await howItEnded(migrate(db, [accounts, fixedInvoices, payments])),
      'after a failure the next run applies the fixed file and the ones after it; "already ' +
        'exists" means the failed file left DDL behind, "current transaction is aborted" means ' +
        'a failed transaction was never rolled back',
    ).toBe('applied ["2_create_invoices.sql","3_create_payments.sql"]');
    expect(await columns('accounts'), 'the fixed ALTER TABLE ran once').toEqual([
      'id',
      'email',
      'plan',
    ]);
  });

  it('rejects a badly named file or a repeated version before applying anything', async () => {
    expect(
      await howItEnded(migrate(db, [step('1_init.sql'), step('README.md')])),
      'a name must start with a version number and "_": anything else is rejected with code ' +
        'ERR_MIGRATION_NAME, and the message names the file, so the person deploying knows ' +
        'which one to rename',
    ).toMatch(/^ERR_MIGRATION_NAME: .*README\.md/);
    expect(
      await howItEnded(migrate(db, [step('1_init.sql'), step('v2_add_users.sql')])),
      'the version is the digits at the START of the name: v2_add_users.sql has none, and a ' +
        'pattern without ^ finds "2_" inside it and accepts it',
    ).toMatch(/^ERR_MIGRATION_NAME: .*v2_add_users\.sql/);
    const repeated = await howItEnded(
      migrate(db, [step('1_init.sql'), step('2_a.sql'), step('02_b.sql')]),
    );
    expect(
      repeated,
      '2_a and 02_b have the same version, 2: which one runs first would be luck, so it is ' +
        'rejected with ERR_MIGRATION_NAME',
    ).toMatch(/^ERR_MIGRATION_NAME: /);
    expect(
      repeated.includes('2_a.sql') && repeated.includes('02_b.sql'),
      `the message must name both files with the same version, got "${repeated}"`,
    ).toBe(true);
    expect(
      await steps(),
      'names are checked before the first migration runs, not when the loop reaches them',
    ).toEqual([]);
  });

  it('releases its advisory lock when it is done, and when a migration fails', async () => {
    // An advisory lock taken with pg_advisory_lock() is held until the session unlocks it or
    // ends. A pool keeps the session open, so a lock left held blocks every later deploy.
    async function heldLocks(): Promise<number> {
      const { rows } = await db.query<{ count: number }>(
        "SELECT count(*)::int AS count FROM pg_locks WHERE locktype = 'advisory'",
      );
      return rows[0]?.count ?? 0;
    }
    await howItEnded(migrate(db, [accounts, fixedInvoices]));
    expect(
      await heldLocks(),
      'after a successful run, no advisory lock may stay held: unlock what you locked',
    ).toBe(0);
    const broken = { name: '4_broken.sql', sql: 'INSERT INTO nowhere VALUES (1);' };
    expect(
      await howItEnded(migrate(db, [payments, broken])),
      '4_broken.sql fails, so migrate() must reject',
    ).not.toMatch(/^applied/);
    expect(
      await heldLocks(),
      'after a failed migration the lock is still held: release it in a finally block, so ' +
        'it is released however the run ends',
    ).toBe(0);
  });
});
