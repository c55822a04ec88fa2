import { describe, expect, it } from 'vitest';
import { createTtlCache, type TtlCache, type TtlCacheOptions } from './ttl-cache.ts';

/** A clock the test moves by hand, in milliseconds. */
function manualClock(start = 1_000_000) {
  const state = { ms: start };
  return {
    now: () => state.ms,
    at: (offset: number) => (state.ms = start + offset),
  };
}

/** A cache on a manual clock; the clock starts at offset 0. */
function cacheOf(options: Partial<TtlCacheOptions> = {}) {
  const time = manualClock();
  const cache: TtlCache<string> = createTtlCache<string>({
    ttlMs: 1000,
    maxEntries: 100,
    clock: time.now,
    ...options,
  });
  return { cache, time };
}

/** What calling `make` did: "returned", or the name of the error it threw. */
function outcome(make: () => unknown): string {
  try {
    make();
    return 'returned';
  } catch (error) {
    return error instanceof Error ? error.name : 'threw a non-Error';
  }
}

/** The keys of `keys` that the cache still answers for, joined with commas. */
function present(cache: TtlCache<string>, keys: string[]): string {
  return keys.filter((key) => cache.get(key) !== undefined).join(',');
}

describe('createTtlCache()', () => {
  it('returns what was set, and undefined for a key never set', () => {
    const { cache } = cacheOf();
    cache.set('user:1', 'Ada');
    cache.set('user:2', 'Grace');
    expect(cache.get('user:1'), 'a fresh entry is returned as it was set').toBe('Ada');
    expect(cache.get('user:2')).toBe('Grace');
    expect(cache.get('user:3'), 'a key never set has no value').toBeUndefined();
    expect(cache.size, 'two keys were set').toBe(2);
  });

  it('forgets an entry once the clock reaches its ttl', () => {
    const { cache, time } = cacheOf({ ttlMs: 1000 });
    cache.set('user:1', 'Ada');
    time.at(999);
    expect(cache.get('user:1'), '999 ms after the write, a 1000 ms entry is still live').toBe(
      'Ada',
    );
    time.at(1000);
    expect(
      cache.get('user:1'),
      'at write time + ttlMs the entry has expired: compare the time from options.clock() ' +
        'with the time the entry was written, and return undefined once ttlMs have passed',
    ).toBeUndefined();
  });

  it('does not extend an entry when it is read', () => {
    const { cache, time } = cacheOf({ ttlMs: 1000 });
    cache.set('user:1', 'Ada');
    for (const offset of [300, 600, 900]) {
      time.at(offset);
      expect(cache.get('user:1'), `read at +${offset} ms, before the ttl`).toBe('Ada');
    }
    time.at(1000);
    expect(
      cache.get('user:1'),
      'the entry was written at 0 with a ttl of 1000 ms: reading it must not restart its ttl, ' +
        'or a key read often enough never expires and never shows a change made elsewhere',
    ).toBeUndefined();
  });

  it('restarts the ttl when a key is written again', () => {
    const { cache, time } = cacheOf({ ttlMs: 1000 });
    cache.set('a', 'first');
    time.at(100);
    cache.set('b', 'b');
    time.at(800);
    cache.set('a', 'second');
    time.at(1200);
    expect(cache.get('a'), 'a was written again at 800 ms, so it lives until 1800 ms').toBe(
      'second',
    );
    expect(
      cache.sweep(),
      'at 1200 ms only b (written at 100 ms) has expired: a rewritten key must count from its ' +
        'last write, and a sweep must still find the entries written before the rewrite',
    ).toBe(1);
    expect(cache.get('b'), 'b expired at 1100 ms').toBeUndefined();
    expect(cache.size, 'a is left').toBe(1);
    time.at(1800);
    expect(cache.get('a'), 'and a expires 1000 ms after its last write').toBeUndefined();
  });

  it('throws a RangeError for options out of range', () => {
    const base = { ttlMs: 1000, maxEntries: 10, clock: () => 0 };
    for (const [what, options] of [
      ['ttlMs 0', { ...base, ttlMs: 0 }],
      ['ttlMs -1', { ...base, ttlMs: -1 }],
      ['ttlMs NaN', { ...base, ttlMs: Number.NaN }],
      ['ttlMs Infinity', { ...base, ttlMs: Number.POSITIVE_INFINITY }],
      ['maxEntries 0', { ...base, maxEntries: 0 }],
      ['maxEntries 2.5', { ...base, maxEntries: 2.5 }],
      ['maxEntries NaN', { ...base, maxEntries: Number.NaN }],
    ] as const) {
      expect(
        outcome(() => createTtlCache(options)),
        `${what} is a cache that never forgets or cannot hold anything: throw a RangeError ` +
          'when the cache is made',
      ).toBe('RangeError');
    }
    expect(
      outcome(() => createTtlCache({ ...base, ttlMs: 0.5, maxEntries: 1 })),
      'ttlMs 0.5 and maxEntries 1 are valid',
    ).toBe('returned');
  });
});

describe('expired entries leave memory', () => {
  it('sweep() removes every entry once the clock has passed their ttl', () => {
    const { cache, time } = cacheOf({ ttlMs: 60_000, maxEntries: 20_000 });
    for (let i = 0; i < 10_000; i++) {
      time.at(i * 1000);
      cache.set(`session:${i}`, 'orphaned');
    }
    const held = cache.size;
    expect(held, 'the last sessions were written less than 60 s ago').toBeGreaterThan(0);
    time.at(24 * 3_600_000);
    expect(
      cache.sweep(),
      'a day later every session written has expired: sweep() must delete the expired entries ' +
        'themselves (not only hide them from get()) and return how many it removed, here all ' +
        `${held} the cache held`,
    ).toBe(held);
    expect(cache.size, 'nothing is left in memory after the sweep').toBe(0);
  });

  it('the next write removes every expired entry, without a sweep()', () => {
    const { cache, time } = cacheOf({ ttlMs: 60_000, maxEntries: 20_000 });
    let largest = 0;
    for (let i = 0; i < 10_000; i++) {
      time.at(i * 1000);
      cache.set(`session:${i}`, 'orphaned');
      largest = Math.max(largest, cache.size);
    }
    expect(
      largest,
      'a session was written every second and each lives 60 s, so no more than 60 are live at ' +
        'once. Keys written once and never read again are never seen by get(): if expiry is ' +
        'only checked there, they stay in memory for ever. set() must clear out the expired ' +
        'entries before it adds one',
    ).toBe(60);
    time.at(24 * 3_600_000);
    cache.set('session:new', 'live');
    expect(
      cache.size,
      'a day later every one of those sessions has expired: after this write only the new key ' +
        'is held',
    ).toBe(1);
    expect(cache.get('session:new')).toBe('live');
  });

  it('sweep() keeps the entries that have not expired', () => {
    const { cache, time } = cacheOf({ ttlMs: 1000 });
    for (const offset of [0, 200, 400, 600, 800]) {
      time.at(offset);
      cache.set(`k${offset}`, String(offset));
    }
    time.at(1000);
    expect(cache.sweep(), 'at 1000 ms only the entry written at 0 has expired').toBe(1);
    time.at(1400);
    expect(cache.sweep(), 'at 1400 ms those written at 200 and 400 expire too').toBe(2);
    expect(
      present(cache, ['k0', 'k200', 'k400', 'k600', 'k800']),
      'a sweep removes the expired entries only: the live ones stay readable',
    ).toBe('k600,k800');
    expect(cache.size).toBe(2);
  });
});

describe('maxEntries', () => {
  it('never holds more than maxEntries, and keeps the newest when nothing is read', () => {
    const { cache, time } = cacheOf({ ttlMs: 3_600_000, maxEntries: 100 });
    let largest = 0;
    for (let i = 0; i < 1000; i++) {
      time.at(i);
      cache.set(`user:${i}`, String(i));
      largest = Math.max(largest, cache.size);
    }
    expect(
      largest,
      'a TTL alone does not bound memory: a burst of new keys within one TTL can still fill ' +
        'it. Once a new key would make more than maxEntries, evict one',
    ).toBe(100);
    const newest = Array.from({ length: 100 }, (_, i) => `user:${900 + i}`);
    expect(
      present(cache, newest).split(',').length,
      'evict one entry per new key, no more: the 100 most recent keys must all still be there',
    ).toBe(100);
    expect(cache.get('user:899'), 'the 101st most recent key was evicted').toBeUndefined();
  });

  it('evicts the least recently used entry: a read old key outlives an untouched newer one', () => {
    const { cache, time } = cacheOf({ ttlMs: 3_600_000, maxEntries: 3 });
    time.at(0);
    cache.set('old-but-read', 'a');
    time.at(10);
    cache.set('newer-untouched', 'b');
    time.at(20);
    cache.set('newest', 'c');
    time.at(30);
    expect(cache.get('old-but-read')).toBe('a');
    time.at(40);
    cache.set('one-more', 'd');
    expect(
      present(cache, ['old-but-read', 'newer-untouched', 'newest', 'one-more']),
      'the cache is full and a fourth key arrives: the entry to evict is the one used least ' +
        'recently (newer-untouched), not the one written first. A read counts as a use: evicting ' +
        'in write order (FIFO) throws out the entries people are reading',
    ).toBe('old-but-read,newest,one-more');
  });

  it('writing a key it already holds evicts nothing', () => {
    const { cache, time } = cacheOf({ ttlMs: 3_600_000, maxEntries: 2 });
    cache.set('a', 'a1');
    time.at(10);
    cache.set('b', 'b1');
    time.at(20);
    cache.set('b', 'b2');
    expect(
      present(cache, ['a', 'b']),
      'the cache is full, but b is already in it, so writing it again adds no entry and ' +
        'nothing needs to go: evict only when the cache holds more than maxEntries after the write',
    ).toBe('a,b');
    expect(cache.get('b'), 'the new value replaces the old one').toBe('b2');
    expect(cache.size).toBe(2);
  });

  it('drops expired entries before evicting a live one', () => {
    const { cache, time } = cacheOf({ ttlMs: 1000, maxEntries: 2 });
    time.at(0);
    cache.set('expires-first', 'x');
    time.at(500);
    cache.set('still-live', 'y');
    time.at(600);
    expect(cache.get('expires-first'), 'read at 600 ms, so it is the most recently used').toBe('x');
    time.at(1100);
    cache.set('new', 'z');
    expect(
      present(cache, ['still-live', 'new']),
      'at 1100 ms the entry written at 0 has expired: clear the expired entries before ' +
        'evicting, or the cache throws out a live entry to keep a dead one',
    ).toBe('still-live,new');
    expect(cache.size, 'the expired entry is gone from memory').toBe(2);
  });
});
