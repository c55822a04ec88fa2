/**
 * Where the limiters keep their counts: a store shared by every instance of the app, like Redis.
 * Values go over the network, so what you get back is a copy, never the object you stored.
 */
export interface Store {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  /**
   * Atomically reads the value at `key`, calls `fn` once with it (undefined if there is none),
   * stores what `fn` returns and resolves with it. No other operation on the store runs in
   * between: this is the store's transaction (a Lua script, in Redis).
   */
  update<T>(key: string, fn: (current: T | undefined) => T): Promise<T>;
}

export interface Decision {
  allowed: boolean;
  /** 0 when allowed; otherwise the fewest whole milliseconds after which a retry is allowed. */
  retryAfterMs: number;
}

/** Decides one request from the client identified by `key` (an API key, a user id). */
export type Limiter = (key: string) => Promise<Decision>;

export interface TokenBucketOptions {
  /** Tokens the bucket holds when full: the largest burst. A whole number, 1 or more. */
  capacity: number;
  /** Tokens added per second, continuously (0.5 is one every 2 s). More than 0. */
  refillPerSecond: number;
  /** The current time in milliseconds. Instances' clocks may disagree, and may step back. */
  now: () => number;
  store: Store;
}

export interface SlidingWindowOptions {
  /** Requests allowed in any window of `windowMs`. A whole number, 1 or more. */
  limit: number;
  /** The window's length in milliseconds. More than 0. */
  windowMs: number;
  now: () => number;
  store: Store;
}

interface Bucket {
  tokens: number;
  /** The latest time the tokens were counted up to. */
  at: number;
}

/**
 * A token bucket per key: full at first; a request takes one token or is refused; tokens come
 * back at `refillPerSecond`, fractions included, up to `capacity`. A refused request takes
 * nothing. Time never runs backwards for a bucket: a clock behind the last one that counted
 * its tokens adds none. Every instance that shares `store` shares the buckets, exactly.
 * Throws a RangeError for options out of range.
 */
export function tokenBucket(options: TokenBucketOptions): Limiter {
  const { capacity, refillPerSecond, now, store } = options;
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError('capacity must be a whole number, 1 or more');
  }
  if (!(refillPerSecond > 0) || !Number.isFinite(refillPerSecond)) {
    throw new RangeError('refillPerSecond must be more than 0');
  }

  return async (key) => {
    const at = now();
    // Set inside update(), which calls its function exactly once.
    let decision!: Decision;
    // Read, decide and write in one atomic step: reading with get() and writing with set() lets
    // every instance read the same tokens at once and spend them all.
    await store.update<Bucket>(`token-bucket:${key}`, (bucket) => {
      const last = bucket ?? { tokens: capacity, at };
      // A clock behind the one that counted last adds nothing, and does not move `at` back, or
      // the same milliseconds would be paid out twice when it catches up.
      const elapsed = Math.max(0, at - last.at);
      const tokens = Math.min(capacity, last.tokens + (elapsed * refillPerSecond) / 1000);
      const counted = Math.max(last.at, at);
      if (tokens >= 1) {
        decision = { allowed: true, retryAfterMs: 0 };
        return { tokens: tokens - 1, at: counted };
      }
      decision = {
        allowed: false,
        retryAfterMs: Math.ceil(((1 - tokens) * 1000) / refillPerSecond),
      };
      return { tokens, at: counted };
    });
    return decision;
  };
}

/**
 * A sliding window per key: a request is allowed when fewer than `limit` allowed requests
 * happened in the last `windowMs` (a request made at time t counts while now < t + windowMs).
 * A refused request is not counted. retryAfterMs is how long until the oldest counted request
 * leaves the window. Every instance that shares `store` shares the windows, exactly.
 * Throws a RangeError for options out of range.
 */
export function slidingWindow(options: SlidingWindowOptions): Limiter {
  const { limit, windowMs, now, store } = options;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError('limit must be a whole number, 1 or more');
  }
  if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
    throw new RangeError('windowMs must be more than 0');
  }

  return async (key) => {
    const at = now();
    // Set inside update(), which calls its function exactly once.
    let decision!: Decision;
    await store.update<number[]>(`sliding-window:${key}`, (times) => {
      // The times of the allowed requests still inside the window: at most `limit` of them, so
      // memory per client is bounded however hard it hammers.
      const counted = times?.filter((time) => at - time < windowMs) ?? [];
      if (counted.length < limit) {
        decision = { allowed: true, retryAfterMs: 0 };
        return [...counted, at];
      }
      decision = { allowed: false, retryAfterMs: Math.ceil(Math.min(...counted) + windowMs - at) };
      return counted;
    });
    return decision;
  };
}
