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
  // TODO: maxAttempts is ignored: there is no retry.
  void options;
  const { rows } = await db.query<DocumentRow>(
    'SELECT id, data, version FROM documents WHERE id = $1',
    [id],
  );
  const row = rows[0];
  // TODO: give this error the code 'ERR_NOT_FOUND'.
  if (!row) throw new Error(`document ${id} not found`);
  const data = await change(row);
  // TODO: this writes whatever happened since the SELECT. If another session committed its own
  // change in between, that change is silently overwritten.
  const updated = await db.query<DocumentRow>(
    `UPDATE documents SET data = $2, version = version + 1
     WHERE id = $1
     RETURNING id, data, version`,
    [id, JSON.stringify(data)],
  );
  return updated.rows[0]!;
}
