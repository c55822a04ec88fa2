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
 * A cache-aside cache in front of `loader`: values are kept for ttlMs after they arrive,
 * concurrent misses of one key share a single loader call, failures are never cached, and
 * invalidate() wins against a load that was already running.
 */
export function cached<K, V>(
  loader: (key: K) => Promise<V>,
  { ttlMs, clock = Date.now }: CachedOptions,
): Cached<K, V> {
  // A stored value carries the time it arrived; the entry's age is measured on the same clock.
  const values = new Map<K, { value: V; storedAt: number }>();
  // The load that is currently running for a key. Everyone who misses while it runs awaits it,
  // so a hot key that expires under load costs one query, not one per request.
  const inFlight = new Map<K, Promise<V>>();

  function load(key: K): Promise<V> {
    const flight = loader(key).then(
      (value) => {
        // Store only if this is still the current load: invalidate() (or a newer load started
        // after it) removed it, and then the value may have been read before the write.
        if (inFlight.get(key) === flight) {
          inFlight.delete(key);
          values.set(key, { value, storedAt: clock() });
        }
        return value;
      },
      (error: unknown) => {
        // An error is not an answer: forget the flight so the next get() tries again. Every
        // caller that joined this flight still receives the rejection.
        if (inFlight.get(key) === flight) inFlight.delete(key);
        throw error;
      },
    );
    inFlight.set(key, flight);
    return flight;
  }

  return {
    get(key) {
      const entry = values.get(key);
      // null and undefined are answers too ("no such row"): a hit is decided by the entry, not
      // by the value, so negative results are cached like any other.
      if (entry && clock() - entry.storedAt < ttlMs) return Promise.resolve(entry.value);
      // An expired entry can stay: the reload overwrites it, and until then it is never served.
      return inFlight.get(key) ?? load(key);
    },

    invalidate(key) {
      values.delete(key);
      // Dropping the flight is what stops a read that started before the write from being
      // stored after it. Callers already awaiting it still get its (older) value.
      inFlight.delete(key);
    },
  };
}
