import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptySchema, openDatabase, type PGlite } from '@workbench/exercise-kit/db';
import {
  createLoader,
  loadAuthorsWithBooks,
  type AuthorWithBooks,
  type Db,
  type KeyedError,
} from './n-plus-one.ts';

let pg: PGlite;
beforeAll(async () => {
  pg = await openDatabase();
}, 20_000);
beforeEach(async () => {
  await emptySchema(pg);
  await pg.exec(`
    CREATE TABLE authors (id integer PRIMARY KEY, name text NOT NULL);
    CREATE TABLE books (
      id integer PRIMARY KEY,
      author_id integer NOT NULL REFERENCES authors,
      title text NOT NULL,
      year integer NOT NULL
    );
  `);
});
afterAll(() => pg.close());

interface LoggedQuery {
  sql: string;
  params: unknown[];
}

/** The database, wrapped so that every query the code under test sends is written down. */
function counting(): { db: Db; log: LoggedQuery[] } {
  const log: LoggedQuery[] = [];
  const db: Db = {
    query<T>(sql: string, params?: unknown[]) {
      log.push({ sql, params: params ?? [] });
      return pg.query<T>(sql, params);
    },
  };
  return { db, log };
}

// Ids far from 1, so that an id pasted into the SQL text is easy to spot.
const FIRST_AUTHOR = 70_001;
const NAMES = [
  'Ursula K. Le Guin',
  "Flann O'Brien",
  'Italo Calvino',
  'Octavia E. Butler',
  'Jorge Luis Borges',
  'Toni Morrison',
  'Stanisław Lem',
  'Clarice Lispector',
  'Kazuo Ishiguro',
  'Chinua Achebe',
  'Olga Tokarczuk',
];

/**
 * Fills the tables with `count` authors. Names repeat (so ties are broken by id), one author in
 * four has no books, and books are inserted shuffled, so the order rows happen to be stored in
 * is neither the author order nor the year order.
 */
async function seed(count: number): Promise<void> {
  const authors = Array.from({ length: count }, (_, i) => ({
    id: FIRST_AUTHOR + i,
    name: NAMES[(i * 4) % NAMES.length] ?? 'Anonymous',
  }));
  const books: Array<{ id: number; authorId: number; title: string; year: number }> = [];
  authors.forEach((author, i) => {
    for (let j = 0; j < i % 4; j++) {
      books.push({
        id: 80_001 + books.length,
        authorId: author.id,
        title: `Book ${j + 1} of ${author.name}`,
        // The third book shares its year with the first: the order must fall back to the id.
        year: 1950 + ((7 * i + 31 * ((j % 2) + 1)) % 70),
      });
    }
  });
  const shuffled = books
    .map((book, k) => ({ book, rank: (k * 7_919) % 1_009 }))
    .sort((a, b) => a.rank - b.rank)
    .map(({ book }) => book);
  await pg.query('INSERT INTO authors SELECT * FROM unnest($1::int[], $2::text[])', [
    authors.map((a) => a.id),
    authors.map((a) => a.name),
  ]);
  await pg.query(
    'INSERT INTO books SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::int[])',
    [
      shuffled.map((b) => b.id),
      shuffled.map((b) => b.authorId),
      shuffled.map((b) => b.title),
      shuffled.map((b) => b.year),
    ],
  );
}

/** The loader the exercise starts from: right results, one query per author. */
async function naiveAuthorsWithBooks(): Promise<AuthorWithBooks[]> {
  const { rows: authors } = await pg.query<{ id: number; name: string }>(
    'SELECT id, name FROM authors ORDER BY name, id',
  );
  const result: AuthorWithBooks[] = [];
  for (const author of authors) {
    const { rows: books } = await pg.query<{ id: number; title: string; year: number }>(
      'SELECT id, title, year FROM books WHERE author_id = $1 ORDER BY year, id',
      [author.id],
    );
    result.push({ id: author.id, name: author.name, books });
  }
  return result;
}

/** The first author that differs, in one line ('none' if the lists are equal). */
function firstDifference(actual: AuthorWithBooks[], expected: AuthorWithBooks[]): string {
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    const [a, e] = [JSON.stringify(actual[i]), JSON.stringify(expected[i])];
    if (a !== e) {
      return `entry ${i} is ${a} instead of ${e} (${actual.length} authors, ${expected.length} expected)`;
    }
  }
  return 'none';
}

function queryCountMessage(log: LoggedQuery[], authors: number): string {
  return (
    `loadAuthorsWithBooks() sent ${log.length} queries for ${authors} authors: that is 1 for ` +
    'the authors plus 1 per author, the N+1 problem. Fetch the books of all authors in one ' +
    'query (WHERE author_id = ANY($1), or a LEFT JOIN) and group them in JavaScript'
  );
}

/** How a promise ended, in one word: the value's JSON, or 'rejected: <message>'. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    return JSON.stringify(await promise);
  } catch (error) {
    return `rejected: ${error instanceof Error ? error.message : String(error)}`;
  }
}

interface AuthorRow {
  id: number;
  name: string;
}

describe('loadAuthorsWithBooks()', () => {
  it('returns each author with their books, authors by name and books by year', async () => {
    await pg.exec(`
      INSERT INTO authors VALUES (3, 'Ursula K. Le Guin'), (1, 'Italo Calvino'), (2, 'Toni Morrison');
      INSERT INTO books VALUES
        (12, 3, 'The Dispossessed', 1974),
        (10, 3, 'A Wizard of Earthsea', 1968),
        (11, 1, 'Invisible Cities', 1972);
    `);
    const { db } = counting();
    expect(
      await loadAuthorsWithBooks(db),
      'authors ordered by name, each with { id, title, year } books ordered by year, and [] for ' +
        'an author without books',
    ).toEqual([
      { id: 1, name: 'Italo Calvino', books: [{ id: 11, title: 'Invisible Cities', year: 1972 }] },
      { id: 2, name: 'Toni Morrison', books: [] },
      {
        id: 3,
        name: 'Ursula K. Le Guin',
        books: [
          { id: 10, title: 'A Wizard of Earthsea', year: 1968 },
          { id: 12, title: 'The Dispossessed', year: 1974 },
        ],
      },
    ]);
  });

  it('sends at most 2 queries for 50 authors', async () => {
    await seed(50);
    const { db, log } = counting();
    await loadAuthorsWithBooks(db);
    expect(log.length, queryCountMessage(log, 50)).toBeLessThanOrEqual(2);
  });

  it('returns exactly what the naive loader returns for 50 authors', async () => {
    await seed(50);
    const { db } = counting();
    expect(
      firstDifference(await loadAuthorsWithBooks(db), await naiveAuthorsWithBooks()),
      'same authors in the same order (name, then id), same books in the same order (year, ' +
        'then id), same fields: rows of a batched query come back in whatever order the ' +
        'database likes unless ORDER BY says otherwise',
    ).toBe('none');
  });

  it('gives an author without books an empty array', async () => {
    await seed(8);
    const { db } = counting();
    const result = await loadAuthorsWithBooks(db);
    expect(
      result.length,
      'every author must be in the result, also the ones without books (an inner join drops ' +
        'them: use LEFT JOIN, or start from the list of authors)',
    ).toBe(8);
    expect(
      result.filter((author) => author.id % 4 === 1).map((author) => author.books),
      'an author without books gets books: [] (not undefined, and not [null] from a LEFT JOIN)',
    ).toEqual([[], []]);
  });

  it('handles 0 and 1 authors in at most 2 queries', async () => {
    const empty = counting();
    expect(await loadAuthorsWithBooks(empty.db), 'no authors, no entries').toEqual([]);
    expect(empty.log.length, queryCountMessage(empty.log, 0)).toBeLessThanOrEqual(2);

    await seed(2);
    await pg.query('DELETE FROM books WHERE author_id = $1', [FIRST_AUTHOR]);
    await pg.query('DELETE FROM authors WHERE id = $1', [FIRST_AUTHOR]);
    const one = counting();
    expect(
      firstDifference(await loadAuthorsWithBooks(one.db), await naiveAuthorsWithBooks()),
      'one author with their one book',
    ).toBe('none');
    expect(one.log.length, queryCountMessage(one.log, 1)).toBeLessThanOrEqual(2);
  });

  it('passes ids as parameters, never inside the SQL text', async () => {
    await seed(6);
    const { db, log } = counting();
    await loadAuthorsWithBooks(db);
    const pasted = log.map((query) => query.sql).find((sql) => /\b7\d{4}\b/.test(sql));
    expect(
      pasted,
      'author ids were pasted into the SQL text: send them as one array parameter ' +
        '(author_id = ANY($1)). Built SQL is an injection hole the day the ids come from a ' +
        'request, and every different list is a new statement for the server to parse and plan',
    ).toBeUndefined();
  });
});

describe('createLoader()', () => {
  /** A batchFn on the real database, which records the keys of every call. */
  function authorLoader() {
    const calls: number[][] = [];
    const loader = createLoader<number, AuthorRow>(
      async (ids) => {
        calls.push(ids);
        const { rows } = await pg.query<AuthorRow>(
          'SELECT id, name FROM authors WHERE id = ANY($1::int[])',
          [ids],
        );
        return rows;
      },
      (row) => row.id,
    );
    return { loader, calls };
  }

  it('batches every load() made in the same tick into one batchFn call', async () => {
    await seed(5);
    const { loader, calls } = authorLoader();
    // Two loads right away, two more from async functions that awaited something first, as
    // resolvers of a GraphQL query or the handlers of one request do.
    const results = await Promise.all([
      loader.load(70_001),
      loader.load(70_002),
      (async () => {
        await null;
        return loader.load(70_003);
      })(),
      (async () => {
        await Promise.resolve();
        await null;
        return loader.load(70_004);
      })(),
    ]);
    expect(
      calls.length,
      `batchFn was called ${calls.length} times for 4 loads in one tick: collect the keys and ` +
        'call batchFn once, when the tick is over. process.nextTick waits for the pending ' +
        'microtasks; queueMicrotask fires before the loads that come after an await',
    ).toBe(1);
    expect(results.map((row) => row?.id)).toEqual([70_001, 70_002, 70_003, 70_004]);
  });

  it('gives each load() the value of its own key, whatever order the rows come back in', async () => {
    await seed(5);
    const { loader } = authorLoader();
    const requested = [70_004, 70_001, 70_003];
    const rows = await Promise.all(requested.map((id) => loader.load(id)));
    expect(
      rows.map((row) => row?.id),
      'the database returned the rows in its own order (by id here), not in the order of the ' +
        'keys: match each row to its caller with keyOf(row), never by its position',
    ).toEqual(requested);
  });

  it('sends each key once and gives duplicate loads the same value', async () => {
    await seed(5);
    const { loader, calls } = authorLoader();
    const rows = await Promise.all([70_002, 70_005, 70_002].map((id) => loader.load(id)));
    expect(calls, 'batchFn gets each distinct key once, in the order first requested').toEqual([
      [70_002, 70_005],
    ]);
    expect(
      rows.map((row) => row?.id),
      'both loads of 70002 get its row',
    ).toEqual([70_002, 70_005, 70_002]);
  });

  it('resolves a key that batchFn returned nothing for with null', async () => {
    await seed(3);
    const { loader } = authorLoader();
    const rows = await Promise.all([70_002, 99_999, 70_003].map((id) => loader.load(id)));
    expect(
      rows.map((row) => row?.id ?? row),
      'a missing row resolves to null, and it does not shift the other keys onto wrong rows',
    ).toEqual([70_002, null, 70_003]);
  });

  it('rejects only the load whose key failed', async () => {
    const loader = createLoader<number, AuthorRow>(
      async (ids) =>
        ids.map((id): AuthorRow | KeyedError<number> =>
          id === 2
            ? Object.assign(new Error('author 2 is hidden'), { key: id })
            : { id, name: `author ${id}` },
        ),
      (row) => row.id,
    );
    const [one, two, three] = [loader.load(1), loader.load(2), loader.load(3)];
    expect(
      [await outcome(one), await outcome(two), await outcome(three)],
      'a KeyedError in the results rejects the load() of its key, and only that one',
    ).toEqual([
      JSON.stringify({ id: 1, name: 'author 1' }),
      'rejected: author 2 is hidden',
      JSON.stringify({ id: 3, name: 'author 3' }),
    ]);
  });

  it('rejects every load of a batch when batchFn rejects, and starts a new batch later', async () => {
    let calls = 0;
    const loader = createLoader<number, AuthorRow>(
      async (ids) => {
        calls++;
        if (calls === 1) throw new Error('connection terminated');
        return ids.map((id) => ({ id, name: `author ${id}` }));
      },
      (row) => row.id,
    );
    const first = [loader.load(1), loader.load(2)];
    expect(
      [await outcome(first[0]!), await outcome(first[1]!)],
      'when batchFn rejects, every load() waiting on that batch rejects with its error',
    ).toEqual(['rejected: connection terminated', 'rejected: connection terminated']);
    expect(
      await outcome(loader.load(1)),
      'a load() after the previous batch was sent starts a new batch',
    ).toBe(JSON.stringify({ id: 1, name: 'author 1' }));
    expect(calls, 'two ticks, two batches').toBe(2);
  });
});
