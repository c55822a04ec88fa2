import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptySchema, openDatabase, type PGlite } from '@workbench/exercise-kit/db';
import { createRouter, shardFor, type Db } from './read-your-writes.ts';

// Two real PostgreSQL databases play primary and replica. Real replication streams the primary's
// write-ahead log to the replica continuously; here the test plays that part: every write the
// primary runs is queued, and replicate() applies the queue to the replica when the test says
// so. Until then the replica is exactly as stale as a lagging replica would be.
let primaryDb: PGlite;
let replicaDb: PGlite;
let pendingReplication: Array<{ sql: string; params: unknown[] }> = [];
const ran: Array<'primary' | 'replica'> = [];

const primary: Db = {
  query(sql, params = []) {
    ran.push('primary');
    if (!/^\s*select\b/i.test(sql)) pendingReplication.push({ sql, params });
    return primaryDb.query(sql, params);
  },
};
const replica: Db = {
  query(sql, params = []) {
    ran.push('replica');
    return replicaDb.query(sql, params);
  },
};

async function replicate(): Promise<void> {
  for (const { sql, params } of pendingReplication) await replicaDb.query(sql, params);
  pendingReplication = [];
}

let now = 0;
const clock = () => now;
const stickyMs = 1000;

function makeRouter() {
  return createRouter({ primary, replica, stickyMs, clock });
}

const addPost = 'INSERT INTO posts (author, body) VALUES ($1, $2)';
const countPosts = 'SELECT count(*)::int AS n FROM posts WHERE author = $1';

/** How many posts by author the router's read for userId sees, and where that read ran. */
async function postsSeen(
  router: ReturnType<typeof makeRouter>,
  userId: string,
  author: string,
): Promise<string> {
  const before = ran.length;
  const { rows } = await router.read<{ n: number }>(userId, countPosts, [author]);
  return `${rows[0]?.n} post(s), read on the ${ran.slice(before).join(' and ')}`;
}

// Two databases take twice the set-up, which a busy machine stretches well past 20 s; none of it
// counts against the learner's time limit.
beforeAll(async () => {
  [primaryDb, replicaDb] = await Promise.all([openDatabase(), openDatabase()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([primaryDb.close(), replicaDb.close()]);
});

describe('createRouter()', () => {
  beforeEach(async () => {
    now = 0;
    ran.length = 0;
    pendingReplication = [];
    for (const db of [primaryDb, replicaDb]) {
      await emptySchema(db);
      await db.exec(`
        CREATE TABLE posts (id serial PRIMARY KEY, author text NOT NULL, body text NOT NULL);
        INSERT INTO posts (author, body) VALUES ('carol', 'first!');
      `);
    }
  });

  it('reads from the replica and writes to the primary', async () => {
    const router = makeRouter();
    expect(
      await postsSeen(router, 'bob', 'carol'),
      'a user who has not written anything reads from the replica',
    ).toBe('1 post(s), read on the replica');

    ran.length = 0;
    await router.write('alice', addPost, ['alice', 'hello']);
    expect(ran, 'write() must run its statement on the primary, and only there').toEqual([
      'primary',
    ]);
    const onReplica = await replicaDb.query<{ n: number }>(countPosts, ['alice']);
    expect(onReplica.rows[0]?.n, 'the replica only changes when it replicates').toBe(0);
  });

  it('lets a user read their own write immediately', async () => {
    const router = makeRouter();
    await router.write('alice', addPost, ['alice', 'hello']);
    expect(
      await postsSeen(router, 'alice', 'alice'),
      "right after alice's write the replica has not replayed it yet: her reads must go to the " +
        'primary for stickyMs, or her own post is missing from the page she is sent to',
    ).toBe('1 post(s), read on the primary');
  });

  it('keeps other users on the replica while one user is sticky', async () => {
    const router = makeRouter();
    await router.write('alice', addPost, ['alice', 'hello']);
    expect(
      await postsSeen(router, 'bob', 'alice'),
      'the sticky window belongs to the user who wrote: bob did not write, so his reads stay on ' +
        'the (stale) replica. A window shared by all users sends every read to the primary ' +
        'whenever anyone writes',
    ).toBe('0 post(s), read on the replica');
    expect(await postsSeen(router, 'alice', 'alice')).toBe('1 post(s), read on the primary');
  });

  it('sends reads back to the replica stickyMs after the write, on the injected clock', async () => {
    const router = makeRouter();
    await router.write('alice', addPost, ['alice', 'hello']);
    now = stickyMs - 1;
    expect(
      await postsSeen(router, 'alice', 'alice'),
      'within stickyMs of her write, alice still reads from the primary',
    ).toBe('1 post(s), read on the primary');
    now = stickyMs;
    expect(
      await postsSeen(router, 'alice', 'alice'),
      'once options.clock() says stickyMs have passed since her write, alice reads from the ' +
        'replica again (still stale here, on purpose): measure the window with the injected ' +
        'clock, not Date.now()',
    ).toBe('0 post(s), read on the replica');
    await replicate();
    expect(await postsSeen(router, 'alice', 'alice')).toBe('1 post(s), read on the replica');
  });

  it('starts the window when the primary answers the write, not when it was sent', async () => {
    let answerWrite!: () => void;
    const answered = new Promise<void>((resolve) => (answerWrite = resolve));
    // A primary that runs the statement at once but acknowledges a write only when the test
    // says so: the commit waited for a lock, or for a slow disk.
    const slowPrimary: Db = {
      async query<T>(sql: string, params?: unknown[]) {
        const result = await primary.query<T>(sql, params);
        if (!/^\s*select\b/i.test(sql)) await answered;
        return result;
      },
    };
    const router = createRouter({ primary: slowPrimary, replica, stickyMs, clock });
    const writing = router.write('alice', addPost, ['alice', 'hello']); // sent at 0 ms
    now = 5_000; // the primary answers 5 s later
    answerWrite();
    await writing;
    now = 5_500;
    expect(
      await postsSeen(router, 'alice', 'alice'),
      'alice sent her write at 0 ms and the primary answered at 5000 ms: the window starts when ' +
        'the write has finished (only then can it replicate), so at 5500 ms her reads must still ' +
        'go to the primary. Read the clock after awaiting the write, not before',
    ).toBe('1 post(s), read on the primary');
    now = 6_000;
    expect(
      await postsSeen(router, 'alice', 'alice'),
      'stickyMs after the primary answered, alice reads from the replica again',
    ).toBe('0 post(s), read on the replica');
  });

  it('keeps the user on the primary after a write that failed', async () => {
    // The statement commits, then the connection drops before the answer arrives: the caller
    // gets an error for a write that did happen.
    const flakyPrimary: Db = {
      async query<T>(sql: string, params?: unknown[]) {
        const result = await primary.query<T>(sql, params);
        if (!/^\s*select\b/i.test(sql)) throw new Error('connection reset');
        return result;
      },
    };
    const router = createRouter({ primary: flakyPrimary, replica, stickyMs, clock });
    const failure = await router.write('alice', addPost, ['alice', 'hello']).then(
      () => 'no error',
      (error: unknown) => (error as Error).message,
    );
    expect(failure, "write() must pass the primary's error on to the caller").toBe(
      'connection reset',
    );
    now = 500;
    expect(
      await postsSeen(router, 'alice', 'alice'),
      'an error from the primary does not prove the write did not commit (here the connection ' +
        'dropped after the commit): start the window whether the write succeeded or failed ' +
        '(try/finally), or alice reads the stale replica',
    ).toBe('1 post(s), read on the primary');
  });

  it('extends the window with every write', async () => {
    const router = makeRouter();
    await router.write('alice', addPost, ['alice', 'one']);
    now = 800;
    await router.write('alice', addPost, ['alice', 'two']);
    now = 1500;
    expect(
      await postsSeen(router, 'alice', 'alice'),
      'a second write at 800 ms starts a new window: at 1500 ms (700 ms after it) alice must ' +
        'still read from the primary',
    ).toBe('2 post(s), read on the primary');
    now = 1800;
    expect(
      await postsSeen(router, 'alice', 'alice'),
      'stickyMs after her latest write, alice reads from the replica again',
    ).toBe('0 post(s), read on the replica');
  });

  it('passes params through and returns the rows of the query', async () => {
    const router = makeRouter();
    const written = await router.write<{ id: number }>(
      'alice',
      'INSERT INTO posts (author, body) VALUES ($1, $2) RETURNING id',
      ['alice', 'hi'],
    );
    expect(written.rows, 'write() resolves with the rows of the statement').toEqual([{ id: 2 }]);
    const read = await router.read<{ body: string }>(
      'bob',
      'SELECT body FROM posts WHERE id = $1',
      [1],
    );
    expect(read.rows, 'read() resolves with the rows of the query').toEqual([{ body: 'first!' }]);
  });
});

describe('shardFor()', () => {
  it('is the documented hash: 32-bit FNV-1a of the UTF-8 bytes, modulo shards', () => {
    // With 2^32 shards, "modulo shards" changes nothing and the raw hash shows.
    const raw = (key: string) => shardFor(key, 2 ** 32).toString(16);
    expect(
      [raw(''), raw('a'), raw('foobar')],
      'the FNV-1a test vectors: start from 0x811c9dc5, then per byte XOR it in and multiply by ' +
        '0x01000193 as 32-bit integers (Math.imul; a plain * loses the low bits past 2^53)',
    ).toEqual(['811c9dc5', 'e40c292c', 'bf9cf968']);
    expect(
      raw('Zoë'),
      'hash the UTF-8 bytes of the key (TextEncoder), not its UTF-16 char codes: "ë" is 2 bytes',
    ).toBe('c2a2bddc');
    expect(shardFor('Zoë', 16), 'the shard is the unsigned hash modulo shards').toBe(12);
  });

  it('always maps the same key to the same shard, inside 0..shards-1', () => {
    const outOfRange: string[] = [];
    const unstable: string[] = [];
    for (let i = 0; i < 200; i++) {
      const key = `order-${i * 7919}`;
      const shard = shardFor(key, 10);
      if (!Number.isInteger(shard) || shard < 0 || shard >= 10) outOfRange.push(`${key}→${shard}`);
      if (shardFor(key, 10) !== shard) unstable.push(key);
    }
    expect(outOfRange.slice(0, 3), 'a shard is an integer from 0 to shards - 1').toEqual([]);
    expect(unstable.slice(0, 3), 'the same key must always land on the same shard').toEqual([]);
  });

  it('throws a RangeError for a shard count that is not a positive integer', () => {
    for (const shards of [0, -1, 1.5, Number.NaN]) {
      expect(
        () => shardFor('order-1', shards),
        `shardFor(key, ${shards}) has no valid shard (% 0 is NaN, % 1.5 a fraction): throw a ` +
          'RangeError instead of returning a number nobody can route to',
      ).toThrow(RangeError);
    }
    expect(shardFor('order-1', 1), 'with one shard, every key is on shard 0').toBe(0);
  });

  it('spreads 1000 keys roughly evenly', () => {
    for (const shards of [8, 10]) {
      const counts = Array<number>(shards).fill(0);
      for (let i = 0; i < 1000; i++) counts[shardFor(`user-${i}`, shards)]! += 1;
      const mean = 1000 / shards;
      expect(
        counts.every((n) => n > mean * 0.75 && n < mean * 1.25),
        `1000 keys over ${shards} shards should give each shard about ${mean} (within 25%), ` +
          `got ${counts.join(', ')}`,
      ).toBe(true);
    }
  });
});
