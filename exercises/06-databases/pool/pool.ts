/** What the pool needs from a driver's connection: a way to close it. */
export interface Connection {
  end(): Promise<void> | void;
}

export interface LeakReport<C> {
  connection: C;
  /** The stack trace captured when acquire() was called: where the forgotten release() lives. */
  acquiredAt: string;
}

export interface PoolOptions<C extends Connection> {
  /** Opens one new connection (a TCP handshake, TLS and authentication in a real driver). */
  connect: () => Promise<C>;
  /** Most connections open at once, counting the ones still being opened. */
  max: number;
  /** How long acquire() may wait in the queue before it rejects. Default: forever. */
  acquireTimeoutMs?: number;
  /** A connection held longer than this is reported to onLeak (once per checkout). */
  leakTimeoutMs?: number;
  onLeak?: (report: LeakReport<C>) => void;
}

export interface PoolStats {
  /** Connections open or being opened. */
  open: number;
  /** Open connections nobody holds. */
  idle: number;
  /** acquire() calls queued for a connection. */
  waiting: number;
}

/**
 * A connection pool. Callers beyond `max` wait in a queue until a connection is released, or
 * until a slot frees up because a connect() failed: that slot goes to the first caller in the
 * queue at once, since no connection is on its way back through release() to wake it.
 *
 * This version works while traffic is light and every query succeeds; the TODOs below are what
 * breaks under load and on errors.
 */
export class Pool<C extends Connection> {
  readonly #options: PoolOptions<C>;
  readonly #all: C[] = [];
  readonly #idle: C[] = [];
  readonly #waiters: Array<(connection: C) => void> = [];

  constructor(options: PoolOptions<C>) {
    this.#options = options;
  }

  async acquire(): Promise<C> {
    // TODO: a pool that has been closed must reject with an Error whose code is 'ERR_POOL_CLOSED'.
    // TODO: options.leakTimeoutMs and options.onLeak are ignored: a connection held longer than
    // leakTimeoutMs must be reported with the stack trace of the acquire() call that took it.
    // Without both options, nothing is reported.
    const idle = this.#idle.pop();
    if (idle !== undefined) return idle;

    if (this.#all.length < this.#options.max) {
      // TODO: connect() takes a while. Every acquire() that arrives during that time still sees
      // the old count here.
      const connection = await this.#options.connect();
      this.#all.push(connection);
      return connection;
    }

    // TODO: options.acquireTimeoutMs is ignored, so a caller can wait forever. After the timeout
    // it must reject with code 'ERR_POOL_TIMEOUT' and stop waiting for good.
    return new Promise<C>((resolve) => this.#waiters.push(resolve));
  }

  release(connection: C): void {
    // TODO: nothing stops a connection that is not checked out (released twice, or not from this
    // pool) from being released. That must throw an Error with code 'ERR_POOL_NOT_ACQUIRED'.
    // TODO: who waits longest should be served first.
    const waiter = this.#waiters.pop();
    if (waiter !== undefined) waiter(connection);
    else this.#idle.push(connection);
  }

  async withConnection<T>(fn: (connection: C) => Promise<T>): Promise<T> {
    const connection = await this.acquire();
    const result = await fn(connection);
    // TODO: what happens to the connection when fn throws?
    this.release(connection);
    return result;
  }

  async close(): Promise<void> {
    // TODO: callers still waiting must be rejected with code 'ERR_POOL_CLOSED' (and their
    // acquireTimeoutMs timers cleared, so no timer holds a shutting-down process open), and a
    // connection that comes back through release() after close() must be ended, not kept.
    const idle = this.#idle.splice(0);
    await Promise.all(idle.map((connection) => connection.end()));
  }

  stats(): PoolStats {
    return { open: this.#all.length, idle: this.#idle.length, waiting: this.#waiters.length };
  }
}
