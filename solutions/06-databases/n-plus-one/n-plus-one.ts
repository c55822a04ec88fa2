/** The part of a database client this file needs; PGlite and node-postgres both fit it. */
export interface Db {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

export interface Book {
  id: number;
  title: string;
  year: number;
}

export interface AuthorWithBooks {
  id: number;
  name: string;
  /** Oldest first; books from the same year by id. */
  books: Book[];
}

/**
 * Every author, ordered by name (then id), each with their books. Two queries however many
 * authors there are: the authors, then all of their books at once.
 */
export async function loadAuthorsWithBooks(db: Db): Promise<AuthorWithBooks[]> {
  const { rows: authors } = await db.query<{ id: number; name: string }>(
    'SELECT id, name FROM authors ORDER BY name, id',
  );
  if (authors.length === 0) return [];

  // One round trip for all the books. The ids travel as one array parameter: the SQL text is
  // the same for 1 author or 10,000, so it is never built from data and can be prepared once.
  const { rows: books } = await db.query<Book & { author_id: number }>(
    `SELECT id, author_id, title, year FROM books
     WHERE author_id = ANY($1::int[])
     ORDER BY year, id`,
    [authors.map((author) => author.id)],
  );

  // The rows are already in year order, and Map.groupBy keeps that order within each author.
  const booksByAuthor = Map.groupBy(books, (book) => book.author_id);
  return authors.map(({ id, name }) => ({
    id,
    name,
    // An author without books gets [] rather than disappearing (what an inner join would do)
    // or getting undefined.
    books: (booksByAuthor.get(id) ?? []).map((book) => ({
      id: book.id,
      title: book.title,
      year: book.year,
    })),
  }));
}

/** An error batchFn returns in place of the value for one key; only that key's load() rejects. */
export type KeyedError<K> = Error & { key: K };

interface Waiter<V> {
  resolve: (value: V | null) => void;
  reject: (error: unknown) => void;
}

export interface Loader<K, V> {
  /** The value for key, or null when batchFn returned nothing for it. */
  load(key: K): Promise<V | null>;
}

/**
 * DataLoader-style batching: every load() made before the current tick ends is collected, and
 * batchFn is called once with the distinct keys. batchFn may return its values in any order
 * (a database returns rows in whatever order suits it) and may leave keys out; keyOf tells
 * which key a value belongs to.
 */
export function createLoader<K, V>(
  batchFn: (keys: K[]) => Promise<Array<V | KeyedError<K>>>,
  keyOf: (value: V) => K,
): Loader<K, V> {
  // The batch being collected: each distinct key with every caller waiting for it.
  let pending: Map<K, Waiter<V>[]> | undefined;

  async function dispatch(batch: Map<K, Waiter<V>[]>): Promise<void> {
    let results: Array<V | KeyedError<K>>;
    try {
      results = await batchFn([...batch.keys()]);
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
      return;
    }
    // Match by key, never by position: row i is not the answer to key i.
    const byKey = new Map<K, V | KeyedError<K>>();
    for (const result of results) {
      byKey.set(result instanceof Error ? result.key : keyOf(result), result);
    }
    for (const [key, waiters] of batch) {
      const result = byKey.get(key);
      for (const waiter of waiters) {
        if (result instanceof Error) waiter.reject(result);
        else waiter.resolve(result ?? null);
      }
    }
  }

  return {
    load(key) {
      if (pending === undefined) {
        const batch = new Map<K, Waiter<V>[]>();
        pending = batch;
        // process.nextTick runs once the current microtasks are done, so loads issued from
        // several awaiting async functions in the same turn still end up in this batch.
        process.nextTick(() => {
          pending = undefined;
          void dispatch(batch);
        });
      }
      const waiters = pending.get(key) ?? [];
      pending.set(key, waiters);
      return new Promise<V | null>((resolve, reject) => waiters.push({ resolve, reject }));
    },
  };
}
