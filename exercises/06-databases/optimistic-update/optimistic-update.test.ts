import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptySchema, openDatabase, type PGlite } from '@workbench/exercise-kit/db';
import { updateWithRetry, type DocumentData, type DocumentRow } from './optimistic-update.ts';

let db: PGlite;

beforeAll(async () => {
  db = await openDatabase();
}, 20_000);

beforeEach(async () => {
  if (db.isInTransaction()) await db.query('ROLLBACK');
  await emptySchema(db);
  await db.exec(`
    CREATE TABLE documents (
      id integer PRIMARY KEY,
      data jsonb NOT NULL,
      version integer NOT NULL
    );
    INSERT INTO documents (id, data, version) VALUES
      (1, '{"title": "Release notes", "tags": ["draft"]}', 1),
      (2, '{"title": "Untouched", "tags": []}', 1);
  `);
});

afterAll(() => db.close());

async function row(id: number): Promise<DocumentRow | undefined> {
  const { rows } = await db.query<DocumentRow>(
    'SELECT id, data, version FROM documents WHERE id = $1',
    [id],
  );
  return rows[0];
}

/** How a call ended, in one short string: 'done', or the `code` of the error it rejected with. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'done';
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : `an error without a code: ${String(error)}`;
  }
}

/** The learner's edit: add a tag to whatever the document holds when it is read. */
const addTag =
  (tag: string) =>
  (current: DocumentRow): DocumentData => ({
    ...current.data,
    tags: [...(current.data['tags'] as string[]), tag],
  });

/**
 * A `change` callback that also plays a second session. PGlite is one connection, so the other
 * session cannot run in parallel; instead, on each of its first `competeTimes` calls, it commits
 * a competing edit (a tag "other-N", and version + 1, as a well-behaved writer does) after your
 * SELECT and before your UPDATE. That is exactly the window a real concurrent writer hits. It
 * records the rows it was given, and refuses to be called more than 10 times.
 */
function contended(competeTimes: number, edit = addTag('mine')) {
  const seen: DocumentRow[] = [];
  let insideTransaction = false;
  const change = async (current: DocumentRow): Promise<DocumentData> => {
    seen.push(structuredClone(current));
    if (db.isInTransaction()) insideTransaction = true;
    if (seen.length > 10) throw new Error('change() called more than 10 times: stopping the loop');
    if (seen.length <= competeTimes && !insideTransaction) {
      await db.query(
        `UPDATE documents
         SET data = jsonb_set(data, '{tags}', (data -> 'tags') || to_jsonb($2::text)),
             version = version + 1
         WHERE id = $1`,
        [current.id, `other-${seen.length}`],
      );
    }
    return edit(current);
  };
  return {
    change,
    seen,
    get insideTransaction() {
      return insideTransaction;
    },
  };
}

/** Why change() was called `calls` times instead of `maxAttempts`, in the learner's terms. */
function attemptsMessage(calls: number, maxAttempts: number): string {
  return calls > maxAttempts
    ? `change() was called ${calls} times with maxAttempts ${maxAttempts}: the retry loop must ` +
        'stop after maxAttempts attempts, however the race goes (an unbounded loop spins ' +
        'forever on a hot row)'
    : `change() was called ${calls} times with maxAttempts ${maxAttempts}: each time the other ` +
        'session commits first, your conditional UPDATE changes 0 rows, and you must read ' +
        'again and retry, up to maxAttempts attempts in all';
}

const noTransaction =
  'change() ran while a transaction was open. Optimistic concurrency holds no transaction ' +
  '(and no lock) while the new value is computed: read, compute, then a conditional UPDATE';

describe('updateWithRetry()', () => {
  it('applies the change and increments the version by exactly 1', async () => {
    const seen: DocumentRow[] = [];
    const result = await updateWithRetry(
      db,
      1,
      (current) => {
        seen.push(structuredClone(current));
        return { ...current.data, title: 'Release notes v2' };
      },
      { maxAttempts: 3 },
    );
    expect(seen, 'change() must be called once, with the row as read (id, data, version)').toEqual([
      { id: 1, data: { title: 'Release notes', tags: ['draft'] }, version: 1 },
    ]);
    const expected = { id: 1, data: { title: 'Release notes v2', tags: ['draft'] }, version: 2 };
    expect(await row(1), 'the new data must be stored and the version go from 1 to 2').toEqual(
      expected,
    );
    expect(result, 'resolve with the row as written (UPDATE ... RETURNING)').toEqual(expected);
    expect(
      await row(2),
      'another document must not change: the UPDATE needs both id and version in its WHERE',
    ).toEqual({ id: 2, data: { title: 'Untouched', tags: [] }, version: 1 });
  });

  it('retries when another session commits in between, and loses neither update', async () => {
    const other = contended(1);
    await updateWithRetry(db, 1, other.change, { maxAttempts: 3 });
    expect(other.insideTransaction, noTransaction).toBe(false);
    const stored = await row(1);
    expect(
      stored?.data['tags'],
      'the other session committed tag "other-1" between your SELECT and your UPDATE, and your ' +
        'write erased it: a lost update. Write only if the version is still the one you read ' +
        '(UPDATE ... WHERE id = $1 AND version = $2), and when that changes 0 rows, read again',
    ).toEqual(['draft', 'other-1', 'mine']);
    expect(
      other.seen.map((r) => r.version),
      'after losing the race, change() must be called again on a fresh read (version 2)',
    ).toEqual([1, 2]);
    expect(stored?.version, 'two successful writes, so version 1 + 2').toBe(3);
  });

  it('gives up with ERR_CONFLICT after maxAttempts attempts', async () => {
    const other = contended(3);
    const result = await outcome(updateWithRetry(db, 1, other.change, { maxAttempts: 3 }));
    expect(other.insideTransaction, noTransaction).toBe(false);
    expect(other.seen.length, attemptsMessage(other.seen.length, 3)).toBe(3);
    expect(
      result,
      'after the last lost race, reject with an error whose code is ERR_CONFLICT',
    ).toBe('ERR_CONFLICT');
    expect(
      (await row(1))?.data['tags'],
      'every attempt lost the race, so none of your writes may have landed',
    ).toEqual(['draft', 'other-1', 'other-2', 'other-3']);
  });

  it('succeeds on the last allowed attempt, and maxAttempts 1 means no retry', async () => {
    const twice = contended(2);
    await updateWithRetry(db, 1, twice.change, { maxAttempts: 3 });
    expect(twice.seen.length, attemptsMessage(twice.seen.length, 3)).toBe(3);
    expect(await row(1), 'three writes in all: the version goes from 1 to 4').toEqual({
      id: 1,
      data: { title: 'Release notes', tags: ['draft', 'other-1', 'other-2', 'mine'] },
      version: 4,
    });

    const once = contended(1);
    const result = await outcome(updateWithRetry(db, 2, once.change, { maxAttempts: 1 }));
    expect(
      [once.seen.length, result],
      'maxAttempts 1 means one attempt: lose the race and reject with ERR_CONFLICT at once',
    ).toEqual([1, 'ERR_CONFLICT']);
  });

  it('rejects a missing row with ERR_NOT_FOUND without calling change', async () => {
    let calls = 0;
    const result = await outcome(
      updateWithRetry(
        db,
        404,
        (current) => {
          calls++;
          return current.data;
        },
        { maxAttempts: 3 },
      ),
    );
    expect(result, 'no document 404: reject with an error whose code is ERR_NOT_FOUND').toBe(
      'ERR_NOT_FOUND',
    );
    expect(calls, 'there is no row to compute from, so change() must not be called').toBe(0);
  });

  it('reports ERR_NOT_FOUND when the row is deleted while change() runs', async () => {
    let calls = 0;
    const result = await outcome(
      updateWithRetry(
        db,
        1,
        async (current) => {
          calls++;
          if (calls === 1) await db.query('DELETE FROM documents WHERE id = 1');
          return current.data;
        },
        { maxAttempts: 3 },
      ),
    );
    expect(
      [result, calls],
      'the other session deleted the document: the conditional UPDATE changes 0 rows, and the ' +
        'fresh read that follows finds nothing, so reject with ERR_NOT_FOUND (a write that ' +
        'recreates or pretends to update the row is wrong)',
    ).toEqual(['ERR_NOT_FOUND', 1]);
    expect(await row(1), 'a deleted document must stay deleted').toBeUndefined();
  });
});
