/** The part of a database client this file needs; PGlite and node-postgres both fit it. */
export interface Db {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs a script of several statements (a migration file), without parameters. */
  exec(sql: string): Promise<unknown>;
}

export interface MigrationFile {
  /** `<version>_<description>`: 001_create_users.sql, 10_add_index.sql. */
  name: string;
  sql: string;
}

/**
 * Applies the files that have not been applied yet, in the numeric order of their versions,
 * each in a transaction of its own, and returns the names of the ones it applied.
 *
 * An advisory lock taken around the run (see the lesson) must be released however the run ends.
 *
 * This version works as long as every migration succeeds and nobody has more than nine.
 */
export async function migrate(db: Db, files: MigrationFile[]): Promise<string[]> {
  // TODO: a name must start with <digits>_<description>. Anything else, or two files with the
  // same version number, must be rejected with code 'ERR_MIGRATION_NAME' before anything is
  // applied, with a message that names the file (both files, for a repeated version).
  // TODO: the order must follow the version numbers, so that 10_x runs after 9_x.
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version bigint PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const { rows } = await db.query<{ name: string }>('SELECT name FROM schema_migrations');
  const done = new Set(rows.map((row) => row.name));

  const applied: string[] = [];
  for (const file of sorted) {
    if (done.has(file.name)) continue;
    // TODO: when a statement in the middle of a file fails, the statements before it stay
    // applied and the file is not recorded, so the next run fails on "already exists".
    // TODO: the error says what went wrong but not in which file. Reject with an Error whose
    // code is 'ERR_MIGRATION_FAILED', whose message names the file and whose cause is the error.
    await db.exec(file.sql);
    await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
      file.name.split('_')[0],
      file.name,
    ]);
    applied.push(file.name);
  }
  return applied;
}
