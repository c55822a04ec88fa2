export interface CachedOptions {
  /** How long a loaded value is served before the next get() loads it again, in milliseconds. */
  ttlMs: number;
  /** The current time in milliseconds. Default: Date.now. Tests pass a clock they control. */
  clock?: () => number;
}

export interface Cached<K, V> {
  /** The cached value for key, loading it (once, however many callers ask) when it is missing. */
  get(key: K): Promise<V>;
  /** Forgets key after a write, including a load of it that is still running. */
  invalidate(key: K): void;
}

/**
 * A cache-aside cache in front of `loader`.
 *
 * This is the version almost everyone writes first. It works in a demo where requests arrive
 * one at a time, and it is wrong in three ways under real traffic.
 */
export function cached<K, V>(loader: (key: K) => Promise<V>, options: CachedOptions): Cached<K, V> {
  // TODO: options.ttlMs and options.clock are ignored, so a value is served forever. A value
  // must be reloaded once ttlMs has passed on options.clock.
  void options;
  const values = new Map<K, V>();

  return {
    async get(key) {
      if (values.has(key)) return values.get(key) as V;
      // TODO: every get() that misses calls the loader, so 100 concurrent requests for a key
      // that is not cached yet send 100 identical queries to the database.
      const value = await loader(key);
      // TODO: if invalidate(key) ran while the loader was busy, this value may have been read
      // before the write, and storing it here serves stale data until it expires.
      values.set(key, value);
      return value;
    },

    invalidate(key) {
      values.delete(key);
    },
  };
}
