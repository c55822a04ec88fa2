/** The part of a database client the router needs: PGlite and node-postgres both fit it. */
export interface Db {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

export interface RouterOptions {
  /** Takes every write, and the reads of users who wrote recently. */
  primary: Db;
  /** An asynchronous copy of the primary: cheap to read, but possibly behind. */
  replica: Db;
  /** How long a user's reads stay on the primary after the primary answered their write, in ms. */
  stickyMs: number;
  /** The current time in milliseconds. Default: Date.now. Tests pass a clock they control. */
  clock?: () => number;
}

export interface Router {
  /** Runs a read for userId on the replica, or on the primary if userId wrote recently. */
  read<T = Record<string, unknown>>(
    userId: string,
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: T[] }>;
  /**
   * Runs a write on the primary and keeps userId's reads there for stickyMs, counted from when
   * the primary answers: the write cannot replicate before it has committed, and a write that
   * waited for a lock would otherwise use up the window before the user reads. A write that
   * fails sticks too, since an error (a timeout, a dropped connection) can hide a commit.
   */
  write<T = Record<string, unknown>>(
    userId: string,
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: T[] }>;
}

/**
 * Routes reads to a replica, except for users who wrote in the last stickyMs: those read from
 * the primary, so they see their own writes even while the replica lags behind.
 */
export function createRouter({
  primary,
  replica,
  stickyMs,
  clock = Date.now,
}: RouterOptions): Router {
  // Per user, not global: one user's write says nothing about what anyone else expects to see,
  // and a global window would send every read to the primary on a site with steady writes.
  const stickyUntil = new Map<string, number>();

  return {
    async write(userId, sql, params) {
      try {
        return await primary.query(sql, params);
      } finally {
        // The window starts when the write has finished (committed), which is when replication
        // of it can start. A failed write sticks too: a timeout may hide a commit that happened.
        // Setting it again on every write extends the window from the latest one.
        stickyUntil.set(userId, clock() + stickyMs);
      }
    },

    read(userId, sql, params) {
      const until = stickyUntil.get(userId);
      if (until !== undefined) {
        if (clock() < until) return primary.query(sql, params);
        // Expired: forget the user, so the map only holds users who wrote in the last stickyMs.
        stickyUntil.delete(userId);
      }
      return replica.query(sql, params);
    },
  };
}

/**
 * The shard (0 to shards - 1) that owns key: the 32-bit FNV-1a hash of the key's UTF-8 bytes,
 * modulo shards. A documented hash means every service, in any language, finds the same shard;
 * a hash seeded per process (or per runtime) would scatter one user's rows.
 * A shards that is not a positive integer throws a RangeError.
 */
export function shardFor(key: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1) {
    throw new RangeError(`shards must be a positive integer, got ${shards}`);
  }
  let hash = 0x811c9dc5; // FNV offset basis
  for (const byte of new TextEncoder().encode(key)) {
    hash ^= byte;
    // Math.imul multiplies as 32-bit integers; a plain * would round once the product passes
    // 2^53 and silently give a different hash than every other implementation.
    hash = Math.imul(hash, 0x01000193); // FNV prime
  }
  return (hash >>> 0) % shards;
}
