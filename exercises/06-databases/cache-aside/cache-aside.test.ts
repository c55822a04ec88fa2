import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptySchema, openDatabase, type PGlite } from '@workbench/exercise-kit/db';
import { cached } from './cache-aside.ts';

/** A loader whose calls stay pending until the test settles them, one by one. */
function manualLoader<V>() {
  const calls: Array<{ key: string; resolve(value: V): void; reject(error: unknown): void }> = [];
  const loader = (key: string) =>
    new Promise<V>((resolve, reject) => calls.push({ key, resolve, reject }));
  return { loader, calls };
}

/** A loader that answers at once, and counts its calls. */
function countingLoader<V>(answer: (key: string, call: number) => V) {
  let count = 0;
  const loader = async (key: string) => answer(key, ++count);
  return { loader, calls: () => count };
}

/** Lets every pending promise callback run, so whatever the cache stores is stored. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** How a promise ended, in one line. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    return `resolved with ${JSON.stringify(await promise)}`;
  } catch (error) {
    return `rejected with ${(error as Error).message}`;
  }
}

// The tests' clock reads like Date.now(), far from 0: a cache that adds the time a value was
// stored instead of subtracting it would pass with a clock that starts at 0.
const start = 1_700_000_000_000;
let now = start;
const clock = () => now;

let db: PGlite;
beforeAll(async () => {
  db = await openDatabase();
}, 20_000);
beforeEach(async () => {
  now = start;
  await emptySchema(db);
});
afterAll(() => db.close());

describe('cached()', () => {
  it('calls the loader once for a key and serves the next gets from the cache', async () => {
    const { loader, calls } = countingLoader((key) => `value of ${key}`);
    const cache = cached(loader, { ttlMs: 1000, clock });
    expect(await cache.get('a'), 'get() must resolve with what the loader returned').toBe(
      'value of a',
    );
    await settle();
    expect(await cache.get('a')).toBe('value of a');
    expect(await cache.get('a')).toBe('value of a');
    expect(calls(), 'a value that was loaded must be served from the cache next time').toBe(1);
  });

  it('shares one loader call between concurrent gets of the same key (single-flight)', async () => {
    const { loader, calls } = manualLoader<string>();
    const cache = cached(loader, { ttlMs: 1000, clock });
    const waiting = Array.from({ length: 10 }, () => cache.get('hot'));
    await settle();
    expect(
      calls.length,
      '10 gets of a key that is not cached yet, made while its load is running, must share ' +
        'ONE loader call (single-flight): keep the in-flight promise and hand it to every caller',
    ).toBe(1);
    calls[0]?.resolve('fresh');
    expect(await Promise.all(waiting), 'every waiter gets the value of the shared load').toEqual(
      Array(10).fill('fresh'),
    );
  });

  it('loads different keys independently', async () => {
    const { loader, calls } = manualLoader<string>();
    const cache = cached(loader, { ttlMs: 1000, clock });
    const a = cache.get('a');
    const b = cache.get('b');
    await settle();
    expect(
      calls.map((call) => call.key),
      'a load in flight for one key must not hold back (or be shared with) another key',
    ).toEqual(['a', 'b']);
    calls[1]?.reject(new Error('b is broken'));
    calls[0]?.resolve('A');
    expect(await outcome(a), 'a failure loading b must not affect a').toBe('resolved with "A"');
    expect(await outcome(b)).toBe('rejected with b is broken');
  });

  it('reloads a value once ttlMs has passed on the injected clock', async () => {
    const { loader, calls } = countingLoader((_key, call) => `version ${call}`);
    const cache = cached(loader, { ttlMs: 1000, clock });
    await cache.get('k');
    await settle();
    now = start + 999;
    expect(await cache.get('k'), 'a value is fresh for ttlMs after it was stored').toBe(
      'version 1',
    );
    now = start + 1000;
    expect(
      await cache.get('k'),
      'once options.clock() says ttlMs have passed since the value was stored, get() must ' +
        'call the loader again: measure the age with the injected clock, not Date.now()',
    ).toBe('version 2');
    expect(calls()).toBe(2);
  });

  it('shares one reload between concurrent gets of an expired key', async () => {
    const { loader, calls } = manualLoader<string>();
    const cache = cached(loader, { ttlMs: 1000, clock });
    const first = cache.get('hot');
    await settle();
    calls[0]?.resolve('v1');
    await first;
    await settle();
    now = start + 5000;
    const waiting = Array.from({ length: 10 }, () => cache.get('hot'));
    await settle();
    expect(
      calls.length > 1,
      'the value expired on options.clock() (stored 5000 ms ago, ttlMs 1000): get() must ' +
        'reload it',
    ).toBe(true);
    expect(
      calls.length,
      'when a hot key expires, the requests that arrive together must share one reload, or ' +
        'every expiry becomes a stampede on the database (10 gets, expected 1 new loader call)',
    ).toBe(2);
    calls[1]?.resolve('v2');
    expect(await Promise.all(waiting)).toEqual(Array(10).fill('v2'));
  });

  it('does not cache a failed load: every waiter gets the error and the next get retries', async () => {
    const { loader, calls } = manualLoader<string>();
    const cache = cached(loader, { ttlMs: 1000, clock });
    const waiting = [cache.get('k'), cache.get('k'), cache.get('k')];
    await settle();
    expect(calls.length, 'the three concurrent gets must share one load (single-flight)').toBe(1);
    calls[0]?.reject(new Error('connection reset'));
    expect(
      await Promise.all(waiting.map(outcome)),
      'every caller that shared the failed load must get its error',
    ).toEqual(Array(3).fill('rejected with connection reset'));
    await settle();
    const retry = cache.get('k');
    await settle();
    expect(
      calls.length,
      'a failed load must not be cached: forget the rejected promise so the next get() calls ' +
        'the loader again, instead of replaying the error until the TTL runs out',
    ).toBe(2);
    calls[1]?.resolve('recovered');
    expect(await outcome(retry)).toBe('resolved with "recovered"');
  });

  it('caches a null result like any other value (negative caching)', async () => {
    const { loader, calls } = countingLoader(() => null);
    const cache = cached(loader, { ttlMs: 1000, clock });
    expect(await cache.get('missing')).toBe(null);
    await settle();
    expect(await cache.get('missing')).toBe(null);
    expect(
      calls(),
      '"no such row" (null) is an answer and must be cached too, or every lookup of a missing ' +
        'key goes to the database: decide a hit by the entry, not by the value being truthy',
    ).toBe(1);
  });

  it('invalidate() makes the next get load again', async () => {
    const { loader, calls } = countingLoader((_key, call) => `version ${call}`);
    const cache = cached(loader, { ttlMs: 60_000, clock });
    await cache.get('k');
    await settle();
    cache.invalidate('k');
    expect(await cache.get('k'), 'after invalidate(key) the next get() must load again').toBe(
      'version 2',
    );
    expect(calls()).toBe(2);
  });

  it('invalidate() during an in-flight load keeps the stale result out of the cache', async () => {
    const { loader, calls } = manualLoader<string>();
    const cache = cached(loader, { ttlMs: 60_000, clock });
    const early = cache.get('k'); // this read runs before the write...
    cache.invalidate('k'); // ...and the write commits and invalidates while it is running
    await settle();
    calls[0]?.resolve('old');
    expect(await early, 'the caller of the early read still gets what it read').toBe('old');
    await settle();
    const later = cache.get('k');
    await settle();
    expect(
      calls.length,
      'a load that was running when invalidate() was called may have read the row before the ' +
        'write: its result must not be stored, so the next get() must call the loader again',
    ).toBe(2);
    calls[1]?.resolve('new');
    expect(await later).toBe('new');
  });

  it('after invalidate(), a get starts a fresh load that a late stale result cannot overwrite', async () => {
    const { loader, calls } = manualLoader<string>();
    const cache = cached(loader, { ttlMs: 60_000, clock });
    const early = cache.get('k');
    cache.invalidate('k');
    const later = cache.get('k');
    await settle();
    expect(
      calls.length,
      'a get() after invalidate() must not join the load that started before the write: it ' +
        'would return the old row to someone who has just changed it',
    ).toBe(2);
    calls[1]?.resolve('new');
    expect(await later).toBe('new');
    await settle();
    calls[0]?.resolve('old'); // the slow, stale read finishes last
    await early;
    await settle();
    expect(
      await cache.get('k'),
      'the stale load finished after the fresh one: it must not overwrite the fresh value',
    ).toBe('new');
    expect(calls.length).toBe(2);
  });

  it('a stale load that finishes while the fresh one is still running changes nothing', async () => {
    const { loader, calls } = manualLoader<string>();
    const cache = cached(loader, { ttlMs: 60_000, clock });
    const early = cache.get('k');
    cache.invalidate('k');
    const later = cache.get('k');
    await settle();
    expect(calls.length, 'a get() after invalidate() must start a fresh load').toBe(2);
    calls[0]?.resolve('old'); // the stale read finishes first, the fresh one is still running
    await early;
    await settle();
    const meanwhile = cache.get('k');
    await settle();
    expect(
      calls.length,
      'a get() while the fresh load is running must join it: the stale load finishing must ' +
        'not remove the fresh load from the in-flight map (delete only your own entry)',
    ).toBe(2);
    calls[1]?.resolve('new');
    expect(
      await outcome(meanwhile),
      'the load that started before invalidate() finished while the fresh one was still ' +
        'running: a get() in between must wait for the fresh load, not be served the old row. ' +
        'A finished load may store its value only if it is still THE current load of its key ' +
        '(not merely if some load of the key is running)',
    ).toBe('resolved with "new"');
    expect(await later).toBe('new');
    await settle();
    expect(
      [await cache.get('k'), calls.length],
      'once the fresh load finishes, its value must be cached: the stale load must neither ' +
        'have stored its value nor ended the fresh load ([value, loader calls])',
    ).toEqual(['new', 2]);
  });

  it('a stale load that fails while the fresh one is still running changes nothing', async () => {
    const { loader, calls } = manualLoader<string>();
    const cache = cached(loader, { ttlMs: 60_000, clock });
    const early = cache.get('k');
    cache.invalidate('k');
    const later = cache.get('k');
    await settle();
    expect(calls.length, 'a get() after invalidate() must start a fresh load').toBe(2);
    calls[0]?.reject(new Error('connection reset')); // the stale read fails first
    expect(await outcome(early), 'the caller of the stale read gets its error').toBe(
      'rejected with connection reset',
    );
    await settle();
    const meanwhile = cache.get('k');
    await settle();
    expect(
      calls.length,
      'a get() while the fresh load is running must join it: a stale load that FAILS must not ' +
        'remove the fresh load from the in-flight map either (on rejection too, delete only ' +
        'your own entry)',
    ).toBe(2);
    calls[1]?.resolve('new');
    expect([await outcome(meanwhile), await outcome(later)]).toEqual([
      'resolved with "new"',
      'resolved with "new"',
    ]);
  });

  it('with PostgreSQL: 100 concurrent gets run one query, and a write invalidates', async () => {
    await db.exec(`
      CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
      INSERT INTO users VALUES (1, 'Ada'), (2, 'Grace');
    `);
    let queries = 0;
    const findName = async (id: number) => {
      queries++;
      const { rows } = await db.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [
        id,
      ]);
      return rows[0]?.name ?? null;
    };
    const names = cached(findName, { ttlMs: 60_000, clock });

    const results = await Promise.all(Array.from({ length: 100 }, () => names.get(1)));
    expect(results, 'every get sees the row').toEqual(Array(100).fill('Ada'));
    expect(
      queries,
      '100 concurrent gets of one uncached key must reach the database as ONE query',
    ).toBe(1);

    await db.query('UPDATE users SET name = $1 WHERE id = $2', ['Ada Lovelace', 1]);
    names.invalidate(1);
    expect(await names.get(1), 'after the write and invalidate(), the new row is read').toBe(
      'Ada Lovelace',
    );
    expect(await names.get(3), 'a missing row comes back as null').toBe(null);
    await settle();
    expect(await names.get(3)).toBe(null);
    expect(queries, 'one query for the reload after the write, one for the missing row').toBe(3);
  });
});
