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

// Any number that fits every deploy: it only has to be the same for every copy of this code.
const LOCK_ID = 7_346_201;

/**
 * Applies the files that have not been applied yet, in the numeric order of their versions,
 * each in a transaction of its own, and returns the names of the ones it applied.
 */
export async function migrate(db: Db, files: MigrationFile[]): Promise<string[]> {
  // Validate every name before touching the schema: a typo must not leave half a deploy behind.
  const migrations = files.map((file) => ({ ...file, version: versionOf(file.name) }));
  // 2_a and 02_b are both version 2: which one ran first would be luck, and the second would
  // then be skipped as already applied.
  const nameOfVersion = new Map<bigint, string>();
  for (const { name, version } of migrations) {
    const other = nameOfVersion.get(version);
    if (other !== undefined) {
      throw codedError('ERR_MIGRATION_NAME', `${other} and ${name} have the same version`);
    }
    nameOfVersion.set(version, name);
  }
  // Versions are numbers: as strings, "10_x" sorts before "9_x". BigInt copes with timestamp
  // versions such as 20240131120000 as well; sort() only needs the sign of the difference,
  // which Number() keeps even where it rounds.
  migrations.sort((a, b) => Number(a.version - b.version));

  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version bigint PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  // Two instances deploying at once would both see a migration as missing and both run it.
  // The second one waits here until the first is done, then finds nothing left to do.
  await db.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
  try {
    const { rows } = await db.query<{ version: string }>(
      'SELECT version::text AS version FROM schema_migrations',
    );
    const done = new Set(rows.map((row) => BigInt(row.version)));

    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      // PostgreSQL runs DDL inside transactions: if any statement of the file fails, ROLLBACK
      // undoes the ones before it too, and the record row is never written. The database is
      // then exactly as it was before this file, ready for a fixed version of it.
      await db.query('BEGIN');
      try {
        await db.exec(migration.sql);
        await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version.toString(),
          migration.name,
        ]);
        await db.query('COMMIT');
      } catch (error) {
        await db.query('ROLLBACK');
        const reason = error instanceof Error ? error.message : String(error);
        throw codedError('ERR_MIGRATION_FAILED', `migration ${migration.name} failed: ${reason}`, {
          cause: error,
        });
      }
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]);
  }
}

function versionOf(name: string): bigint {
  const match = /^(\d+)_./.exec(name);
  if (match?.[1] === undefined) {
    throw codedError(
      'ERR_MIGRATION_NAME',
      `${JSON.stringify(name)} is not <version>_<description>, e.g. 001_create_users.sql`,
    );
  }
  return BigInt(match[1]);
}

function codedError(code: string, message: string, options?: ErrorOptions): Error {
  return Object.assign(new Error(message, options), { code });
}
