import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { fixedWindow, type Counter, type CounterStore, type Decision } from './fixed-window.ts';

/** A clock the test moves by hand, in milliseconds. */
function manualClock(start = 1_000_000) {
  const state = { ms: start };
  return {
    now: () => state.ms,
    at: (offset: number) => (state.ms = start + offset),
    start,
  };
}

/**
 * A store like Redis, in memory: every call takes a turn of the event loop on the way there and
 * back, so concurrent callers interleave as they would over a network. increment() does its
 * work in one piece, with nothing in between. Keys expire by the same clock as the limiter's.
 */
class FakeStore implements CounterStore {
  readonly #data = new Map<string, Counter>();
  readonly #now: () => number;
  constructor(now: () => number) {
    this.#now = now;
  }
  async increment(key: string, ttlMs: number): Promise<Counter> {
    await nextTurn();
    const live = this.#live(key);
    const next = live
      ? { count: live.count + 1, expiresAt: live.expiresAt }
      : { count: 1, expiresAt: this.#now() + ttlMs };
    this.#data.set(key, next);
    await nextTurn();
    return { ...next };
  }
  async get(key: string): Promise<Counter | undefined> {
    await nextTurn();
    const live = this.#live(key);
    await nextTurn();
    return live && { ...live };
  }
  async set(key: string, count: number, ttlMs: number): Promise<void> {
    await nextTurn();
    this.#data.set(key, { count, expiresAt: this.#now() + ttlMs });
    await nextTurn();
  }
  async expire(key: string, ttlMs: number): Promise<void> {
    await nextTurn();
    const live = this.#live(key);
    if (live) this.#data.set(key, { count: live.count, expiresAt: this.#now() + ttlMs });
    await nextTurn();
  }
  #live(key: string): Counter | undefined {
    const counter = this.#data.get(key);
    if (counter && this.#now() >= counter.expiresAt) {
      this.#data.delete(key);
      return undefined;
    }
    return counter;
  }
}

/** A limiter and its store on a manual clock; the clock starts at offset 0. */
function limiterOf(limit: number, windowMs: number) {
  const time = manualClock();
  const store = new FakeStore(time.now);
  const limit_ = fixedWindow({ limit, windowMs, store, now: time.now });
  return { limiter: limit_, store, time };
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

/** The offsets (ms from the start) of the allowed requests of one client calling every `stepMs`. */
async function allowedOffsets(
  limiter: (key: string) => Promise<Decision>,
  time: ReturnType<typeof manualClock>,
  stepMs: number,
  untilMs: number,
): Promise<number[]> {
  const allowed: number[] = [];
  for (let offset = 0; offset < untilMs; offset += stepMs) {
    time.at(offset);
    if ((await limiter('client')).allowed) allowed.push(offset);
  }
  return allowed;
}

describe('fixedWindow()', () => {
  it('allows limit requests in a window, then refuses', async () => {
    const { limiter } = limiterOf(3, 1000);
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await limiter('client'));
    expect(
      decisions.map((d) => d.allowed),
      'a limit of 3 allows requests 1, 2 and 3 and refuses the 4th and 5th: compare the count ' +
        'including this request with the limit (count <= limit), so the limit-th request passes',
    ).toEqual([true, true, true, false, false]);
    expect(
      decisions.map((d) => d.remaining),
      'remaining is how many more this window allows after each request, never below 0',
    ).toEqual([2, 1, 0, 0, 0]);
  });

  it('counts each key apart', async () => {
    const { limiter } = limiterOf(2, 1000);
    const order = ['a', 'b', 'a', 'b', 'a', 'b'];
    const allowed = [];
    for (const key of order) allowed.push((await limiter(key)).allowed);
    expect(allowed, 'a and b each get 2 requests: count under the key you are given').toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('resets at the fixed end of the window, however steadily the client calls', async () => {
    const { limiter, time } = limiterOf(3, 1000);
    expect(
      await allowedOffsets(limiter, time, 100, 3000),
      'a client calling every 100 ms with 3 per 1000 ms gets the first 3 of every window: the ' +
        'window that began at 0 ends at 1000 whatever happens in it. If your limiter moves the ' +
        'expiry on every request (EXPIRE after INCR), the window slides and never resets while ' +
        'the client keeps calling; set the expiry only when the counter is created',
    ).toEqual([0, 100, 200, 1000, 1100, 1200, 2000, 2100, 2200]);
  });

  it('never blocks a client steady at 60 a minute under a limit of 100 a minute', async () => {
    const { limiter, time } = limiterOf(100, 60_000);
    const allowed = await allowedOffsets(limiter, time, 1000, 300_000);
    const refused = 300 - allowed.length;
    expect(
      refused,
      'one request a second for five minutes is 60 a minute, well under 100: none may be ' +
        'refused. The incident refused this client from about 100 s on, because every allowed ' +
        'request pushed the expiry out again and the count never went back to 0',
    ).toBe(0);
  });

  it('starts a new window with the first request after one ended', async () => {
    const { limiter, time } = limiterOf(1, 1000);
    time.at(0);
    expect((await limiter('client')).allowed, 'the first request opens a window').toBe(true);
    time.at(5000);
    const later = await limiter('client');
    expect(later.allowed, 'the window ended at 1000: a request at 5000 is allowed').toBe(true);
    expect(
      later.resetAt,
      'a window starts at the first request after the last one ended (here 5000) and lasts ' +
        'windowMs: take resetAt from the expiry the store gives back',
    ).toBe(time.start + 6000);
  });

  it('gives resetAt and retryAfterSeconds for a Retry-After header', async () => {
    const { limiter, time } = limiterOf(2, 60_000);
    const first = await limiter('client');
    expect(first.resetAt, 'the window of a first request at 0 ends at 60 000 ms').toBe(
      time.start + 60_000,
    );
    expect(first.retryAfterSeconds, 'an allowed request has nothing to wait for').toBe(0);
    time.at(1000);
    const second = await limiter('client');
    expect(
      second.resetAt,
      'a later request in the same window reports the same end, not its own time + windowMs',
    ).toBe(time.start + 60_000);
    time.at(1500);
    const refused = await limiter('client');
    expect(refused.allowed, 'the third request of a limit of 2 is refused').toBe(false);
    expect(refused.resetAt, 'a refused request reports when the window ends').toBe(
      time.start + 60_000,
    );
    expect(
      refused.retryAfterSeconds,
      '58.5 s are left in the window: Retry-After is whole seconds, rounded up to 59 so a ' +
        'client that waits that long is allowed',
    ).toBe(59);
    time.at(59_999);
    expect(
      (await limiter('client')).retryAfterSeconds,
      '1 ms before the end, Retry-After is 1 second (rounded up, never 0 for a refusal)',
    ).toBe(1);
    time.at(60_000);
    const fresh = await limiter('client');
    expect(fresh.allowed, 'at 60 000 ms the window has ended: allowed again').toBe(true);
    expect(fresh.remaining, 'a new window starts with this request counted').toBe(1);
    expect(fresh.resetAt, 'and ends windowMs later').toBe(time.start + 120_000);
  });

  it('throws a RangeError for options out of range', () => {
    const store = new FakeStore(() => 0);
    const base = { limit: 10, windowMs: 1000, store, now: () => 0 };
    for (const [what, options] of [
      ['limit 0', { ...base, limit: 0 }],
      ['limit 2.5', { ...base, limit: 2.5 }],
      ['limit NaN', { ...base, limit: Number.NaN }],
      ['windowMs 0', { ...base, windowMs: 0 }],
      ['windowMs -1', { ...base, windowMs: -1 }],
      ['windowMs NaN', { ...base, windowMs: Number.NaN }],
      ['windowMs Infinity', { ...base, windowMs: Number.POSITIVE_INFINITY }],
    ] as const) {
      expect(
        outcome(() => fixedWindow(options)),
        `${what} is a limiter that refuses everything or never resets: throw a RangeError ` +
          'when the limiter is made',
      ).toBe('RangeError');
    }
    expect(
      outcome(() => fixedWindow({ ...base, limit: 1, windowMs: 0.5 })),
      'limit 1 and windowMs 0.5 are valid',
    ).toBe('returned');
  });
});

describe('concurrent requests', () => {
  it('100 concurrent requests at count 99 let exactly one through', async () => {
    const { limiter } = limiterOf(100, 60_000);
    for (let i = 0; i < 99; i++) await limiter('client');
    const burst = await Promise.all(Array.from({ length: 100 }, () => limiter('client')));
    expect(
      burst.filter((d) => d.allowed).length,
      'the count stands at 99 of 100, so one more request fits. If you read the count, compare ' +
        'and then write, all 100 read 99 before any write lands and all pass: count and decide ' +
        'in one atomic step, store.increment(), and decide on the count it returns',
    ).toBe(1);
  });

  it('instances sharing a store allow the limit between them', async () => {
    const time = manualClock();
    const store = new FakeStore(time.now);
    const instances = [1, 2, 3].map(() =>
      fixedWindow({ limit: 100, windowMs: 60_000, store, now: time.now }),
    );
    const burst = await Promise.all(
      Array.from({ length: 150 }, (_, i) => instances[i % 3]!('customer')),
    );
    expect(
      burst.filter((d) => d.allowed).length,
      '150 requests from one customer reach three instances at once: together they allow ' +
        'exactly 100. Keep the count in options.store, not in memory of your own, and change ' +
        'it in one atomic step',
    ).toBe(100);
  });
});
