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

interface Waiter<C> {
  resolve: (connection: C) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  acquiredAt: string;
}

interface Checkout {
  leakTimer: ReturnType<typeof setTimeout> | undefined;
}

export class Pool<C extends Connection> {
  readonly #options: PoolOptions<C>;
  #open = 0;
  readonly #idle: C[] = [];
  // A queue, not a stack: the caller who has waited longest is served first, so nobody starves.
  readonly #waiters: Waiter<C>[] = [];
  readonly #checkedOut = new Map<C, Checkout>();
  #closed = false;

  constructor(options: PoolOptions<C>) {
    this.#options = options;
  }

  acquire(): Promise<C> {
    // Captured now, while the caller is still on the stack: by the time a leak is noticed, the
    // code that forgot to release is long gone.
    const acquiredAt = new Error('connection acquired here').stack ?? '';
    if (this.#closed) return Promise.reject(poolError('ERR_POOL_CLOSED', 'the pool is closed'));

    const idle = this.#idle.pop();
    if (idle !== undefined) return Promise.resolve(this.#checkOut(idle, acquiredAt));
    if (this.#open < this.#options.max) return this.#openConnection(acquiredAt);

    return new Promise<C>((resolve, reject) => {
      const waiter: Waiter<C> = { resolve, reject, timer: undefined, acquiredAt };
      const timeoutMs = this.#options.acquireTimeoutMs;
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          // Leave the queue, or a later release() hands a connection to a caller who has
          // already given up, and that connection is never seen again.
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          reject(poolError('ERR_POOL_TIMEOUT', `no connection free after ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.#waiters.push(waiter);
    });
  }

  release(connection: C): void {
    const checkout = this.#checkedOut.get(connection);
    // Accepting a second release would put the connection in the idle list twice, and two
    // callers would then run their queries on one connection at the same time.
    if (checkout === undefined) {
      throw poolError('ERR_POOL_NOT_ACQUIRED', 'release() of a connection that is not checked out');
    }
    clearTimeout(checkout.leakTimer);
    this.#checkedOut.delete(connection);

    if (this.#closed) {
      this.#open--;
      void connection.end();
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      clearTimeout(waiter.timer);
      waiter.resolve(this.#checkOut(connection, waiter.acquiredAt));
    } else {
      this.#idle.push(connection);
    }
  }

  async withConnection<T>(fn: (connection: C) => Promise<T>): Promise<T> {
    const connection = await this.acquire();
    try {
      return await fn(connection);
    } finally {
      // finally, not after the await: a query that throws must give its connection back too.
      this.release(connection);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(poolError('ERR_POOL_CLOSED', 'the pool was closed while waiting'));
    }
    // Connections still checked out are ended when they come back through release().
    const idle = this.#idle.splice(0);
    this.#open -= idle.length;
    await Promise.all(idle.map((connection) => connection.end()));
  }

  stats(): PoolStats {
    return { open: this.#open, idle: this.#idle.length, waiting: this.#waiters.length };
  }

  async #openConnection(acquiredAt: string): Promise<C> {
    // Count the slot before the await: connect() takes time, and every acquire() that arrives
    // meanwhile must see it as taken, or a burst of requests opens far more than max.
    this.#open++;
    let connection: C;
    try {
      connection = await this.#options.connect();
    } catch (error) {
      this.#open--;
      // The slot is free again: a caller queued behind this attempt may use it.
      const waiter = this.#waiters.shift();
      if (waiter !== undefined) {
        clearTimeout(waiter.timer);
        this.#openConnection(waiter.acquiredAt).then(waiter.resolve, waiter.reject);
      }
      throw error;
    }
    return this.#checkOut(connection, acquiredAt);
  }

  #checkOut(connection: C, acquiredAt: string): C {
    const { leakTimeoutMs, onLeak } = this.#options;
    const checkout: Checkout = { leakTimer: undefined };
    if (leakTimeoutMs !== undefined && onLeak !== undefined) {
      checkout.leakTimer = setTimeout(() => onLeak({ connection, acquiredAt }), leakTimeoutMs);
      // A watchdog only: it must not keep a process that is otherwise done from exiting.
      checkout.leakTimer.unref();
    }
    this.#checkedOut.set(connection, checkout);
    return connection;
  }
}

function poolError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
