/** The part of a PostgreSQL client this exercise needs (PGlite and node-postgres both fit). */
export interface Db {
  query<T = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: T[]; affectedRows?: number }>;
}

export type DocumentData = Record<string, unknown>;

/** A row of `documents (id integer PRIMARY KEY, data jsonb NOT NULL, version integer NOT NULL)`. */
export interface DocumentRow {
  id: number;
  data: DocumentData;
  version: number;
}

export interface RetryOptions {
  /** How many times at most to read the row, call `change` and try the write. At least 1. */
  maxAttempts: number;
}

/**
 * Replaces the data of document `id` with `change(row)`, computed from the row as it was read,
 * without ever overwriting a change another session committed in the meantime. Each successful
 * write adds exactly 1 to `version`. Resolves with the row as written.
 *
 * Rejects with an Error whose code is 'ERR_NOT_FOUND' when the document does not exist, and
 * 'ERR_CONFLICT' when every one of `maxAttempts` attempts lost the race.
 */
export async function updateWithRetry(
  db: Db,
  id: number,
  change: (row: DocumentRow) => DocumentData | Promise<DocumentData>,
  options: RetryOptions,
): Promise<DocumentRow> {
  // A bound, so that a hot row under constant contention fails loudly instead of spinning.
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    // Read and write are two short statements with no transaction held open in between:
    // change() may be slow (a user, a remote call), and nothing is locked while it runs.
    const { rows } = await db.query<DocumentRow>(
      'SELECT id, data, version FROM documents WHERE id = $1',
      [id],
    );
    const row = rows[0];
    if (!row) throw coded('ERR_NOT_FOUND', `document ${id} not found`);

    const data = await change(row);

    // The write only lands if the row is still at the version `data` was computed from. If
    // another session committed first, this matches no row and nothing is overwritten.
    const updated = await db.query<DocumentRow>(
      `UPDATE documents SET data = $2, version = version + 1
       WHERE id = $1 AND version = $3
       RETURNING id, data, version`,
      [id, JSON.stringify(data), row.version],
    );
    if (updated.rows[0]) return updated.rows[0];
    // Lost the race: go round again with a fresh read, so change() sees the winner's data.
  }
  throw coded(
    'ERR_CONFLICT',
    `document ${id} kept changing: gave up after ${options.maxAttempts} attempts`,
  );
}

function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
