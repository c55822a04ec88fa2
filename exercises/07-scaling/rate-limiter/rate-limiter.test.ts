import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { slidingWindow, tokenBucket, type Limiter, type Store } from './rate-limiter.ts';

/**
 * A store like Redis, in memory: every operation takes a turn of the event loop on the way
 * there and back, so concurrent callers interleave as they would over a network, and values
 * are copied (as JSON) both ways. update() runs its function once, with nothing in between.
 */
class FakeStore implements Store {
  readonly #data = new Map<string, string>();

  async get(key: string): Promise<unknown> {
    await nextTurn();
    const value = this.#read(key);
    await nextTurn();
    return value;
  }

  async set(key: string, value: unknown): Promise<void> {
    await nextTurn();
    this.#data.set(key, JSON.stringify(value));
    await nextTurn();
  }

  async update<T>(key: string, fn: (current: T | undefined) => T): Promise<T> {
    await nextTurn();
    const next = fn(this.#read(key) as T | undefined);
    this.#data.set(key, JSON.stringify(next));
    await nextTurn();
    return this.#read(key) as T;
  }

  #read(key: string): unknown {
    const text = this.#data.get(key);
    return text === undefined ? undefined : JSON.parse(text);
  }
}

/** A clock the test sets by hand, in milliseconds. */
function clock(start = 1_000_000) {
  const state = { ms: start };
  return { now: () => state.ms, set: (ms: number) => (state.ms = ms), state };
}

/** Sends `count` requests one after another and says how many were allowed. */
async function allowedOf(limiter: Limiter, count: number, key = 'client'): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < count; i++) if ((await limiter(key)).allowed) allowed++;
  return allowed;
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

describe('tokenBucket()', () => {
  it('allows a burst of capacity requests, then refuses', async () => {
    const time = clock();
    const limiter = tokenBucket({
      capacity: 5,
      refillPerSecond: 1,
      now: time.now,
      store: new FakeStore(),
    });
    expect(await allowedOf(limiter, 5), 'a new bucket starts full: 5 requests at once pass').toBe(
      5,
    );
    expect(
      await limiter('client'),
      'the sixth request in the same millisecond finds the bucket empty: refused, with the ' +
        'wait for one token at 1 per second',
    ).toEqual({ allowed: false, retryAfterMs: 1000 });
  });

  it('refills at refillPerSecond by the injected clock', async () => {
    const time = clock();
    const limiter = tokenBucket({
      capacity: 2,
      refillPerSecond: 4,
      now: time.now,
      store: new FakeStore(),
    });
    await allowedOf(limiter, 2);
    time.set(time.state.ms + 249);
    expect(
      (await limiter('client')).allowed,
      '249 ms at 4 tokens per second is not one token yet',
    ).toBe(false);
    time.set(time.state.ms + 1);
    expect(
      await limiter('client'),
      'after 250 ms at 4 per second one whole token is back (249 ms were 0.996 of it, kept as ' +
        'a fraction); read the time from options.now(), ' +
        'never Date.now()',
    ).toEqual({ allowed: true, retryAfterMs: 0 });
    expect((await limiter('client')).allowed, 'and only one').toBe(false);
  });

  it('never holds more than capacity, however long it was idle', async () => {
    const time = clock();
    const limiter = tokenBucket({
      capacity: 3,
      refillPerSecond: 10,
      now: time.now,
      store: new FakeStore(),
    });
    await limiter('client');
    time.set(time.state.ms + 3_600_000);
    expect(
      await allowedOf(limiter, 10),
      'an hour idle at 10 per second would be 36,000 tokens: the bucket caps them at capacity',
    ).toBe(3);
  });

  it('keeps fractions of a token between requests', async () => {
    const time = clock();
    const limiter = tokenBucket({
      capacity: 1,
      refillPerSecond: 1,
      now: time.now,
      store: new FakeStore(),
    });
    await limiter('client');
    let allowed = 0;
    for (let step = 1; step <= 8; step++) {
      time.set(time.state.ms + 125); // a client polling every 125 ms, for one second
      if ((await limiter('client')).allowed) allowed++;
    }
    expect(
      allowed,
      'each 125 ms adds an eighth of a token; after eight polls the whole token is there. ' +
        'Rounding the refill down on every request (and restarting the clock) throws the ' +
        'eighths away, ' +
        'so a client that polls often never gets a token back',
    ).toBe(1);
  });

  it('gives retryAfterMs as the exact wait for the next token', async () => {
    const time = clock();
    const limiter = tokenBucket({
      capacity: 1,
      refillPerSecond: 2,
      now: time.now,
      store: new FakeStore(),
    });
    await limiter('client');
    time.set(time.state.ms + 120);
    const refused = await limiter('client');
    expect(
      refused,
      'half a second per token at 2 per second, 120 ms of it already passed: retry after 380 ms',
    ).toEqual({ allowed: false, retryAfterMs: 380 });
    time.set(time.state.ms + 379);
    expect((await limiter('client')).allowed, '1 ms before retryAfterMs it is still refused').toBe(
      false,
    );
    time.set(time.state.ms + 1);
    expect((await limiter('client')).allowed, 'at retryAfterMs it is allowed').toBe(true);
  });

  it('does not charge refused requests', async () => {
    const time = clock();
    const limiter = tokenBucket({
      capacity: 2,
      refillPerSecond: 1,
      now: time.now,
      store: new FakeStore(),
    });
    await allowedOf(limiter, 2);
    for (let i = 0; i < 20; i++) {
      time.set(time.state.ms + 10);
      await limiter('client'); // hammering an empty bucket
    }
    time.set(time.state.ms + 800); // one second after the bucket was emptied
    expect(
      (await limiter('client')).allowed,
      'refused requests must not take tokens (or push the refill back): after a second the ' +
        'token is there, however many were refused meanwhile',
    ).toBe(true);
  });

  it('keeps a separate bucket per key', async () => {
    const time = clock();
    const limiter = tokenBucket({
      capacity: 2,
      refillPerSecond: 1,
      now: time.now,
      store: new FakeStore(),
    });
    await allowedOf(limiter, 5, 'noisy');
    expect(
      await allowedOf(limiter, 2, 'quiet'),
      "one client's empty bucket must not refuse another: keep the state under a key that " +
        'includes the client key',
    ).toBe(2);
  });

  it('mints no tokens when the clock steps back and forward again', async () => {
    const time = clock(10_000);
    const limiter = tokenBucket({
      capacity: 1,
      refillPerSecond: 1,
      now: time.now,
      store: new FakeStore(),
    });
    expect((await limiter('client')).allowed).toBe(true);
    time.set(5_000); // another instance's clock, five seconds behind, or NTP stepping back
    expect((await limiter('client')).allowed, 'no time has passed for the bucket: refused').toBe(
      false,
    );
    time.set(10_000);
    expect(
      (await limiter('client')).allowed,
      'back at the time the bucket was emptied, no time has passed: a clock that steps back ' +
        'must not move the last refill time back, or those 5 s are paid out a second time',
    ).toBe(false);
    time.set(11_000);
    expect((await limiter('client')).allowed, 'one real second later the token is back').toBe(true);
  });

  it('throws a RangeError for options out of range', () => {
    const base = { capacity: 5, refillPerSecond: 1, now: () => 0, store: new FakeStore() };
    for (const [what, options] of [
      ['capacity 0', { ...base, capacity: 0 }],
      ['capacity 2.5', { ...base, capacity: 2.5 }],
      ['refillPerSecond 0', { ...base, refillPerSecond: 0 }],
      ['refillPerSecond -1', { ...base, refillPerSecond: -1 }],
      ['refillPerSecond NaN', { ...base, refillPerSecond: Number.NaN }],
    ] as const) {
      expect(
        outcome(() => tokenBucket(options)),
        `${what} cannot limit anything: throw a RangeError when the limiter is made`,
      ).toBe('RangeError');
    }
    expect(outcome(() => tokenBucket({ ...base, capacity: 1, refillPerSecond: 0.5 }))).toBe(
      'returned',
    );
  });
});

describe('slidingWindow()', () => {
  it('allows limit requests in a window, then refuses', async () => {
    const time = clock();
    const limiter = slidingWindow({
      limit: 3,
      windowMs: 1000,
      now: time.now,
      store: new FakeStore(),
    });
    const start = time.state.ms;
    for (const offset of [0, 100, 200]) {
      time.set(start + offset);
      expect((await limiter('client')).allowed, `the request at +${offset} ms fits the limit`).toBe(
        true,
      );
    }
    time.set(start + 400);
    expect(
      await limiter('client'),
      'a fourth request at +400 ms is refused until the oldest (at +0 ms) leaves the window, ' +
        '600 ms on',
    ).toEqual({ allowed: false, retryAfterMs: 600 });
  });

  it('counts a request for exactly windowMs', async () => {
    const time = clock();
    const limiter = slidingWindow({
      limit: 1,
      windowMs: 1000,
      now: time.now,
      store: new FakeStore(),
    });
    await limiter('client');
    time.set(time.state.ms + 999);
    expect((await limiter('client')).allowed, '999 ms later the first request still counts').toBe(
      false,
    );
    time.set(time.state.ms + 1);
    expect(
      (await limiter('client')).allowed,
      'windowMs later it has left the window (it counts while now < t + windowMs)',
    ).toBe(true);
  });

  it('refuses a second burst just after a minute boundary', async () => {
    const time = clock(59_000); // 0:59
    const limiter = slidingWindow({
      limit: 100,
      windowMs: 60_000,
      now: time.now,
      store: new FakeStore(),
    });
    expect(await allowedOf(limiter, 100), '100 requests at 0:59 fit the limit').toBe(100);
    time.set(61_000); // 1:01
    expect(
      await allowedOf(limiter, 100),
      '100 more at 1:01 make 200 in two seconds: a fixed window that resets at 1:00 lets them ' +
        'all through; a sliding window still counts the ones from 0:59',
    ).toBe(0);
  });

  it('never refuses a steady client below the limit', async () => {
    const time = clock();
    const limiter = slidingWindow({
      limit: 100,
      windowMs: 60_000,
      now: time.now,
      store: new FakeStore(),
    });
    let refused = 0;
    for (let second = 0; second < 300; second++) {
      time.set(1_000_000 + second * 1000);
      if (!(await limiter('client')).allowed) refused++;
    }
    expect(
      refused,
      'one request a second is 60 a minute, under a limit of 100: a window that restarts (or ' +
        'whose expiry is refreshed) on every request never empties, and refuses after 100 s',
    ).toBe(0);
  });

  it('does not count refused requests', async () => {
    const time = clock();
    const limiter = slidingWindow({
      limit: 5,
      windowMs: 1000,
      now: time.now,
      store: new FakeStore(),
    });
    let allowed = 0;
    for (let tick = 0; tick < 100; tick++) {
      time.set(1_000_000 + tick * 100); // one request every 100 ms for 10 s
      if ((await limiter('client')).allowed) allowed++;
    }
    expect(
      allowed,
      'a client asking twice as fast as allowed gets 5 a second, 50 in 10 s; if refused ' +
        'requests were counted, the window would never empty and it would get 5 in all',
    ).toBe(50);
  });

  it('keeps a separate window per key', async () => {
    const time = clock();
    const limiter = slidingWindow({
      limit: 2,
      windowMs: 1000,
      now: time.now,
      store: new FakeStore(),
    });
    await allowedOf(limiter, 5, 'noisy');
    expect(
      await allowedOf(limiter, 2, 'quiet'),
      "one client's window must not refuse another",
    ).toBe(2);
  });

  it('throws a RangeError for options out of range', () => {
    const base = { limit: 5, windowMs: 1000, now: () => 0, store: new FakeStore() };
    for (const [what, options] of [
      ['limit 0', { ...base, limit: 0 }],
      ['limit 1.5', { ...base, limit: 1.5 }],
      ['windowMs 0', { ...base, windowMs: 0 }],
      ['windowMs NaN', { ...base, windowMs: Number.NaN }],
    ] as const) {
      expect(
        outcome(() => slidingWindow(options)),
        `${what} cannot limit anything: throw a RangeError when the limiter is made`,
      ).toBe('RangeError');
    }
  });
});

describe('behind a load balancer', () => {
  /** 150 requests at once, spread round robin over three instances that share one store. */
  async function burst(make: (store: Store, now: () => number) => Limiter): Promise<number> {
    const store = new FakeStore();
    const time = clock();
    const instances = [make(store, time.now), make(store, time.now), make(store, time.now)];
    const decisions = await Promise.all(
      Array.from({ length: 150 }, (_, i) => instances[i % 3]!('api-key-1')),
    );
    return decisions.filter((decision) => decision.allowed).length;
  }

  it('three instances sharing a store allow a token bucket exactly once', async () => {
    expect(
      await burst((store, now) => tokenBucket({ capacity: 100, refillPerSecond: 1, now, store })),
      'capacity 100, 150 concurrent requests over 3 instances: exactly 100 may pass. Counting ' +
        'in a Map inside each process lets each instance pass its own 100; reading with get() ' +
        'and writing with set() lets concurrent requests read the same tokens. Keep the state ' +
        'in options.store and change it with one store.update()',
    ).toBe(100);
  });

  it('three instances sharing a store allow a sliding window exactly once', async () => {
    expect(
      await burst((store, now) => slidingWindow({ limit: 100, windowMs: 60_000, now, store })),
      'limit 100, 150 concurrent requests over 3 instances: exactly 100 may pass. Keep the ' +
        'window in options.store and change it with one store.update(), not get() then set()',
    ).toBe(100);
  });
});
