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

/**
 * A token bucket per key: full at first; a request takes one token or is refused; tokens come
 * back at `refillPerSecond`, fractions included, up to `capacity`. A refused request takes
 * nothing. Time never runs backwards for a bucket: a clock behind the last one that counted
 * its tokens adds none. Every instance that shares `store` shares the buckets, exactly.
 * Throws a RangeError for options out of range.
 */
export function tokenBucket(options: TokenBucketOptions): Limiter {
  const { capacity, refillPerSecond, now } = options;
  // TODO: this works on one instance. Behind a load balancer there are several.
  const buckets = new Map<string, { tokens: number; at: number }>();
  return async (key) => {
    const at = now();
    const bucket = buckets.get(key) ?? { tokens: capacity, at };
    // TODO: whole tokens only, counted from the last request.
    const refill = Math.floor(((at - bucket.at) * refillPerSecond) / 1000);
    bucket.tokens = Math.min(capacity, bucket.tokens + refill);
    bucket.at = at;
    buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: Math.ceil(1000 / refillPerSecond) };
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
  const { limit, windowMs, now } = options;
  // TODO: a fixed window, counted in this process: it restarts at every multiple of windowMs.
  const windows = new Map<string, { start: number; count: number }>();
  return async (key) => {
    const at = now();
    const start = at - (at % windowMs);
    const window = windows.get(key);
    const current = window && window.start === start ? window : { start, count: 0 };
    windows.set(key, current);
    if (current.count < limit) {
      current.count++;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: start + windowMs - at };
  };
}
