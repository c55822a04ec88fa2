/** What the store keeps under a key: a count and the time, in ms, at which the key expires. */
export interface Counter {
  count: number;
  expiresAt: number;
}

/**
 * A shared store like Redis, reached over the network: every call is a round trip, and other
 * callers' calls can run between two of yours. Keys vanish when the store's clock reaches their
 * expiresAt.
 */
export interface CounterStore {
  /**
   * One atomic step: if `key` is absent or expired it is created with count 1, expiring `ttlMs`
   * from now; otherwise its count goes up by 1 and its expiry is left as it was. Returns the
   * count and expiry after the step. (In Redis: INCR, then PEXPIRE only when INCR returned 1,
   * in one Lua script; or INCR followed by PEXPIRE key ttl NX.)
   */
  increment(key: string, ttlMs: number): Promise<Counter>;
  /** The counter under `key`, or undefined when it is absent or expired (GET). */
  get(key: string): Promise<Counter | undefined>;
  /** Stores `count` under `key`, expiring `ttlMs` from now (SET key count PX ttl). */
  set(key: string, count: number, ttlMs: number): Promise<void>;
  /** Moves the expiry of an existing `key` to `ttlMs` from now (PEXPIRE key ttl). */
  expire(key: string, ttlMs: number): Promise<void>;
}

export interface FixedWindowOptions {
  /** Requests allowed per key in one window. A whole number, 1 or more. */
  limit: number;
  /** How long a window lasts, in milliseconds. More than 0 and finite. */
  windowMs: number;
  /** Where the counts live; every instance of the service shares it. */
  store: CounterStore;
  /** The current time in milliseconds, the same clock the store uses. Never Date.now(). */
  now: () => number;
}

export interface Decision {
  /** Whether this request may go ahead. */
  allowed: boolean;
  /** How many more requests this window allows after this one; never below 0. */
  remaining: number;
  /** When the current window ends and the count starts again, in ms by options.now(). */
  resetAt: number;
  /**
   * For a refused request, the whole seconds to wait before the window resets (rounded up,
   * at least 1), ready for a Retry-After header. 0 for an allowed request.
   */
  retryAfterSeconds: number;
}

/**
 * A fixed-window rate limiter: each key may make `limit` requests per window. A key's window
 * starts at its first request (when its counter is created in the store) and ends exactly
 * `windowMs` later, however often the key calls in between; the next request after that starts
 * a new window. Requests from every instance sharing the store count together, and however
 * many arrive at once, no more than `limit` are allowed in a window. A refused request is
 * counted too but changes nothing else. Throws a RangeError for options out of range.
 */
export function fixedWindow(options: FixedWindowOptions): (key: string) => Promise<Decision> {
  const { limit, windowMs, store, now } = options;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a whole number of 1 or more, got ${limit}`);
  }
  if (!Number.isFinite(windowMs) || windowMs <= 0) {
    throw new RangeError(`windowMs must be a finite number above 0, got ${windowMs}`);
  }
  return async (key) => {
    // Counting and deciding in one atomic step is the whole fix: the count this request gets
    // back already includes every request that reached the store before it, on any instance.
    // The expiry is set only when the counter is created, so the window cannot slide.
    const { count, expiresAt } = await store.increment(key, windowMs);
    const allowed = count <= limit;
    return {
      allowed,
      remaining: Math.max(0, limit - count),
      resetAt: expiresAt,
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((expiresAt - now()) / 1000)),
    };
  };
}
