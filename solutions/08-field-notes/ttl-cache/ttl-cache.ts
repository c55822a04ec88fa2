export interface TtlCacheOptions {
  /** How long an entry lives after it was written, in milliseconds. More than 0 and finite. */
  ttlMs: number;
  /** The most entries the cache holds at once. A whole number, 1 or more. */
  maxEntries: number;
  /** The current time in milliseconds. Read it from here, never from Date.now(). */
  clock: () => number;
}

export interface TtlCache<V> {
  /**
   * The value stored under `key`, or undefined when there is none or it has expired. Reading
   * an entry makes it the most recently used one; it does not make it live any longer.
   */
  get(key: string): V | undefined;
  /**
   * Stores `value` under `key`; it expires `ttlMs` after this write (writing a key again
   * restarts its time). Every expired entry is removed first, and if the cache would then
   * hold more than `maxEntries`, the least recently used entries (read or written) go.
   */
  set(key: string, value: V): void;
  /** Removes every expired entry now and says how many it removed. */
  sweep(): number;
  /** How many entries the cache holds. */
  readonly size: number;
}

/**
 * A cache whose entries expire `ttlMs` after they were written, by the injected clock, and
 * which never holds more than `maxEntries`: memory follows the keys in use, not every key ever
 * written. An entry is gone once clock() reaches its write time + ttlMs. Expired entries are
 * never returned, and they leave memory on sweep() or on the next set(), read or not.
 * Throws a RangeError for options out of range.
 */
export function createTtlCache<V>(options: TtlCacheOptions): TtlCache<V> {
  const { ttlMs, maxEntries, clock } = options;
  if (!(ttlMs > 0) || !Number.isFinite(ttlMs)) {
    throw new RangeError(`ttlMs must be a finite number above 0, got ${ttlMs}`);
  }
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError(`maxEntries must be a whole number of 1 or more, got ${maxEntries}`);
  }

  // Two orders over the same keys. A Map iterates in insertion order, and every entry lives
  // exactly ttlMs, so in write order the first entry is always the first to expire: a sweep
  // stops at the first live one instead of visiting them all on every write.
  const byWrite = new Map<string, { value: V; expiresAt: number }>();
  // In use order the first key is the least recently read or written: the one to evict.
  const byUse = new Set<string>();

  function touch(key: string): void {
    byUse.delete(key);
    byUse.add(key);
  }

  function remove(key: string): void {
    byWrite.delete(key);
    byUse.delete(key);
  }

  function sweep(): number {
    const now = clock();
    let removed = 0;
    for (const [key, entry] of byWrite) {
      if (entry.expiresAt > now) break;
      remove(key);
      removed++;
    }
    return removed;
  }

  return {
    get(key) {
      const entry = byWrite.get(key);
      // An expired entry is not an answer, however recently it was read. Only the use order
      // moves on a read: the expiry stays where the write put it.
      if (entry === undefined || entry.expiresAt <= clock()) return undefined;
      touch(key);
      return entry.value;
    },

    set(key, value) {
      // Keys written once and never read again are the ones that pile up; clearing the
      // expired ones on every write keeps memory to what is still live without any timer.
      sweep();
      // Delete first, so a rewritten key moves to the end of the write order with its new
      // expiry and the write order stays the expiry order.
      byWrite.delete(key);
      byWrite.set(key, { value, expiresAt: clock() + ttlMs });
      touch(key);
      // Only a new key can push the cache over its bound; the key just written is the most
      // recently used, so it is never the one to go.
      for (const oldest of byUse) {
        if (byWrite.size <= maxEntries) break;
        remove(oldest);
      }
    },

    sweep,

    get size() {
      return byWrite.size;
    },
  };
}
