import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Pool, type LeakReport, type PoolOptions } from './pool.ts';

/** The fake driver's connections: numbered, so a test can tell them apart. */
interface FakeConnection {
  id: number;
  ended: boolean;
  end(): Promise<void>;
}

/**
 * A fake driver that counts. A connection counts as open from the moment connect() is called
 * (a real driver has a socket half-open by then) until end() is called.
 */
function fakeDriver(options: { connectMs?: number; failures?: number } = {}) {
  const connectMs = options.connectMs ?? 5;
  let failures = options.failures ?? 0;
  const driver = {
    connects: 0,
    open: 0,
    peak: 0,
    async connect(): Promise<FakeConnection> {
      driver.connects++;
      driver.open++;
      driver.peak = Math.max(driver.peak, driver.open);
      await sleep(connectMs);
      if (failures > 0) {
        failures--;
        driver.open--;
        throw new Error('connection refused');
      }
      const connection: FakeConnection = {
        id: driver.connects,
        ended: false,
        async end() {
          if (connection.ended) return;
          connection.ended = true;
          driver.open--;
        },
      };
      return connection;
    },
  };
  return driver;
}

/**
 * A driver whose connect() calls stay pending until the test settles them, one by one, so a
 * test decides exactly when an attempt fails or succeeds.
 */
function manualDriver() {
  const attempts: Array<{ succeed(): void; fail(error: Error): void }> = [];
  const connect = () =>
    new Promise<FakeConnection>((resolve, reject) => {
      const id = attempts.length + 1;
      attempts.push({
        succeed: () => resolve({ id, ended: false, end: async () => {} }),
        fail: reject,
      });
    });
  return { connect, attempts };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function makePool(
  driver: ReturnType<typeof fakeDriver>,
  options: Omit<PoolOptions<FakeConnection>, 'connect'>,
): Pool<FakeConnection> {
  return new Pool({ connect: () => driver.connect(), ...options });
}

/** Moves the fake clock forward and lets every promise that can settle settle. */
async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

/** Watches a promise without awaiting it, so a test never hangs on one that stays pending. */
function track<T>(promise: Promise<T>) {
  const tracked = {
    value: undefined as T | undefined,
    /** 'pending', 'fulfilled', or for a rejection the error's code (or its message). */
    outcome: 'pending',
  };
  promise.then(
    (value) => {
      tracked.value = value;
      tracked.outcome = 'fulfilled';
    },
    (error: unknown) => {
      tracked.outcome = describeError(error);
    },
  );
  return tracked;
}

function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}

/** What calling fn threw, as its code, or 'no error'. */
function thrown(fn: () => void): string {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return describeError(error);
  }
}

/** Acquires a connection and waits (on the fake clock) until the pool has handed it over. */
async function acquireNow(pool: Pool<FakeConnection>): Promise<FakeConnection> {
  const tracked = track(pool.acquire());
  await advance(10);
  if (tracked.value === undefined) throw new Error(`acquire() did not resolve: ${tracked.outcome}`);
  return tracked.value;
}

describe('Pool', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('reuses a released connection instead of opening a new one', async () => {
    const driver = fakeDriver();
    const pool = makePool(driver, { max: 2 });
    const first = await acquireNow(pool);
    pool.release(first);
    const second = await acquireNow(pool);
    expect(second.id, 'a released connection must be handed to the next acquire()').toBe(first.id);
    expect(driver.connects, 'an idle connection is reused, not replaced').toBe(1);
  });

  it('never has more than max connections open, even while connect() is in progress', async () => {
    const driver = fakeDriver({ connectMs: 5 });
    const pool = makePool(driver, { max: 3 });
    const jobs = Array.from({ length: 10 }, (_, i) =>
      track(pool.withConnection(() => sleep(20).then(() => i))),
    );
    await advance(1_000);
    expect(
      driver.peak,
      `${driver.peak} connections were open at once with max 3: count a connection as taken ` +
        'when you call connect(), not when it resolves, or every acquire() that arrives ' +
        'during the handshake opens one more',
    ).toBeLessThanOrEqual(3);
    expect(
      jobs.map((job) => job.outcome),
      'every job must get a connection in the end',
    ).toEqual(Array(10).fill('fulfilled'));
    expect(driver.connects, 'with 10 jobs and max 3, the pool opens 3 and reuses them').toBe(3);
  });

  it('serves waiters first-in-first-out', async () => {
    const pool = makePool(fakeDriver(), { max: 1 });
    const held = await acquireNow(pool);
    const served: string[] = [];
    for (const name of ['first', 'second', 'third']) {
      void pool.acquire().then((connection) => {
        served.push(name);
        setTimeout(() => pool.release(connection), 10);
      });
    }
    expect(pool.stats().waiting, 'three callers are queued').toBe(3);
    pool.release(held);
    await advance(100);
    expect(
      served,
      'the caller who has waited longest must get the next free connection: a stack (pop) ' +
        'instead of a queue (shift) serves the newest first and can starve the oldest forever',
    ).toEqual(['first', 'second', 'third']);
  });

  it('rejects with ERR_POOL_TIMEOUT after acquireTimeoutMs and drops the waiter', async () => {
    const driver = fakeDriver();
    const pool = makePool(driver, { max: 1, acquireTimeoutMs: 100 });
    const held = await acquireNow(pool);
    const gaveUp = track(pool.acquire());
    await advance(99);
    expect(gaveUp.outcome, 'acquireTimeoutMs has not passed yet').toBe('pending');
    await advance(1);
    expect(
      gaveUp.outcome,
      'an acquire() still waiting after acquireTimeoutMs must reject with code ERR_POOL_TIMEOUT',
    ).toBe('ERR_POOL_TIMEOUT');
    expect(
      pool.stats().waiting,
      'a waiter that timed out must be removed from the queue, or the next release() hands ' +
        'the connection to a caller that has already given up',
    ).toBe(0);

    const next = track(pool.acquire());
    pool.release(held);
    await advance(0);
    expect(
      next.outcome,
      'release() handed the connection to a caller that had already timed out, so it was lost: ' +
        'remove the waiter from the queue when its timer fires',
    ).toBe('fulfilled');
    expect(next.value?.id, 'the next caller gets the released connection').toBe(held.id);
    expect(driver.connects, 'no new connection is needed').toBe(1);
  });

  it('cancels the timeout of a waiter that was served in time', async () => {
    const pool = makePool(fakeDriver(), { max: 1, acquireTimeoutMs: 100 });
    const held = await acquireNow(pool); // the clock is at 10 ms
    const early = track(pool.acquire()); // would time out at 110 ms
    await advance(40);
    pool.release(held); // 50 ms: served in time
    await advance(10);
    const late = track(pool.acquire()); // 60 ms: would time out at 160 ms
    await advance(60); // 120 ms: the early waiter's old timer would have fired at 110 ms
    expect(early.outcome, 'the first waiter was served at 50 ms').toBe('fulfilled');
    expect(late.outcome, 'a waiter that is still within its own timeout must keep waiting').toBe(
      'pending',
    );
    expect(
      pool.stats().waiting,
      'the timer of a waiter that got a connection must be cleared: when it fires later it ' +
        'must not remove anybody from the queue',
    ).toBe(1);
    if (early.value !== undefined) pool.release(early.value);
    await advance(0);
    expect(late.outcome, 'the second waiter gets the connection when it comes back').toBe(
      'fulfilled',
    );
  });

  it('withConnection() returns what fn returns and releases the connection', async () => {
    const driver = fakeDriver();
    const pool = makePool(driver, { max: 1 });
    const result = track(pool.withConnection(async (connection) => `row from ${connection.id}`));
    await advance(10);
    expect(result.value, 'withConnection resolves with the value fn resolved with').toBe(
      'row from 1',
    );
    expect(pool.stats(), 'the connection is idle again afterwards').toEqual({
      open: 1,
      idle: 1,
      waiting: 0,
    });
  });

  it('withConnection() releases the connection when fn throws', async () => {
    const driver = fakeDriver();
    const pool = makePool(driver, { max: 1 });
    const failed = track(
      pool.withConnection(async () => {
        throw new Error('syntax error at or near "SELEC"');
      }),
    );
    await advance(10);
    expect(failed.outcome, 'the error of fn is passed on to the caller').toBe(
      'syntax error at or near "SELEC"',
    );
    expect(
      pool.stats().idle,
      'the connection was not released when fn threw: release it in a finally block, or every ' +
        'failed query leaks one connection until the pool is empty',
    ).toBe(1);
    const after = track(pool.withConnection(async () => 'ok'));
    await advance(10);
    expect(after.outcome, 'with max 1, the next withConnection() must still get through').toBe(
      'fulfilled',
    );
  });

  it('throws ERR_POOL_NOT_ACQUIRED when releasing a connection that is not checked out', async () => {
    const driver = fakeDriver();
    const pool = makePool(driver, { max: 2 });
    const connection = await acquireNow(pool);
    pool.release(connection);
    expect(
      thrown(() => pool.release(connection)),
      'a second release() of the same connection must throw an error with code ' +
        'ERR_POOL_NOT_ACQUIRED',
    ).toBe('ERR_POOL_NOT_ACQUIRED');
    const stranger: FakeConnection = { id: 99, ended: false, end: async () => {} };
    expect(
      thrown(() => pool.release(stranger)),
      'release() of a connection this pool never handed out must throw ERR_POOL_NOT_ACQUIRED',
    ).toBe('ERR_POOL_NOT_ACQUIRED');
    const [a, b] = [track(pool.acquire()), track(pool.acquire())];
    await advance(10);
    expect(
      a.value?.id === b.value?.id,
      'after a rejected double release, two callers must never share one connection',
    ).toBe(false);
  });

  it('reports a connection held longer than leakTimeoutMs, with where it was acquired', async () => {
    const reports: LeakReport<FakeConnection>[] = [];
    const pool = makePool(fakeDriver(), {
      max: 2,
      leakTimeoutMs: 1_000,
      onLeak: (report) => reports.push(report),
    });
    function acquireForNightlyReport(): Promise<FakeConnection> {
      return pool.acquire();
    }
    const held = track(acquireForNightlyReport());
    await advance(5); // the fake connect() takes 5 ms: the connection is handed out now
    expect(held.outcome, 'the first acquire() gets a new connection').toBe('fulfilled');
    await advance(999);
    expect(reports.length, 'not a leak yet: held for less than leakTimeoutMs').toBe(0);
    await advance(1);
    expect(
      reports.length,
      'a connection still held leakTimeoutMs after it was handed out must be reported to onLeak',
    ).toBe(1);
    expect(reports[0]?.connection, 'the report names the leaked connection').toBe(held.value);
    expect(
      reports[0]?.acquiredAt ?? '',
      'acquiredAt must be the stack trace of the acquire() call (new Error().stack, captured in ' +
        'acquire() itself), so it names the function that forgot to release',
    ).toContain('acquireForNightlyReport');
    await advance(10_000);
    expect(reports.length, 'one checkout is reported once').toBe(1);
  });

  it('does not report a connection that was released in time', async () => {
    const reports: unknown[] = [];
    const pool = makePool(fakeDriver(), {
      max: 1,
      leakTimeoutMs: 1_000,
      onLeak: (report) => reports.push(report),
    });
    const connection = await acquireNow(pool);
    await advance(900);
    pool.release(connection);
    await advance(5_000);
    expect(reports, 'release() must cancel the leak timer of that checkout').toEqual([]);
  });

  it('reports nothing unless both leakTimeoutMs and onLeak are given', async () => {
    const reports: unknown[] = [];
    const noTimeout = makePool(fakeDriver(), { max: 1, onLeak: (report) => reports.push(report) });
    await acquireNow(noTimeout);
    await advance(60_000);
    expect(
      reports,
      'without leakTimeoutMs there is no limit to exceed: onLeak must never be called (a timer ' +
        'started with an undefined delay fires at once)',
    ).toEqual([]);

    const noCallback = makePool(fakeDriver(), { max: 1, leakTimeoutMs: 1_000 });
    await acquireNow(noCallback);
    expect(
      await advance(5_000).then(
        () => 'no error',
        (error: unknown) => describeError(error),
      ),
      'with leakTimeoutMs but no onLeak there is nobody to report to: holding a connection ' +
        'past leakTimeoutMs must not throw (from a timer that calls the missing onLeak)',
    ).toBe('no error');
  });

  it('close() leaves no timer behind for the waiters it rejects', async () => {
    const pool = makePool(fakeDriver(), { max: 1, acquireTimeoutMs: 30_000 });
    await acquireNow(pool);
    const waiting = track(pool.acquire());
    await pool.close();
    await advance(0);
    expect(waiting.outcome, 'the waiter is rejected by close()').toBe('ERR_POOL_CLOSED');
    expect(
      vi.getTimerCount(),
      'close() must clear the acquireTimeoutMs timer of every waiter it rejects: a pending timer ' +
        'keeps a process that is shutting down alive for up to acquireTimeoutMs',
    ).toBe(0);
  });

  it('close() rejects waiting and later acquires with ERR_POOL_CLOSED', async () => {
    const pool = makePool(fakeDriver(), { max: 1 });
    await acquireNow(pool);
    const waiting = track(pool.acquire());
    await pool.close();
    await advance(0);
    expect(
      waiting.outcome,
      'close() must reject every queued acquire() with code ERR_POOL_CLOSED instead of leaving ' +
        'it pending forever',
    ).toBe('ERR_POOL_CLOSED');
    const later = track(pool.acquire());
    await advance(10);
    expect(later.outcome, 'acquire() after close() must reject with ERR_POOL_CLOSED').toBe(
      'ERR_POOL_CLOSED',
    );
  });

  it('close() ends idle connections, and connections released after it', async () => {
    const driver = fakeDriver();
    const pool = makePool(driver, { max: 3 });
    const [a, b, c] = [track(pool.acquire()), track(pool.acquire()), track(pool.acquire())];
    await advance(10);
    const [first, second, third] = [a.value, b.value, c.value];
    if (!first || !second || !third) throw new Error('the pool did not open 3 connections');
    pool.release(first);
    pool.release(second);
    await pool.close();
    expect([first.ended, second.ended], 'close() must end() every idle connection').toEqual([
      true,
      true,
    ]);
    expect(third.ended, 'a connection still checked out is not ended under its user').toBe(false);
    pool.release(third);
    await advance(0);
    expect(
      third.ended,
      'a connection released after close() must be ended, not parked in the idle list',
    ).toBe(true);
    expect(driver.open, 'after close() and the last release, no connection is open').toBe(0);
    expect(pool.stats(), 'stats() after close').toEqual({ open: 0, idle: 0, waiting: 0 });
  });

  it('frees the slot of a connect() that failed', async () => {
    const driver = fakeDriver({ failures: 1 });
    const pool = makePool(driver, { max: 1 });
    const failed = track(pool.acquire());
    await advance(10);
    expect(failed.outcome, 'the driver error reaches the caller').toBe('connection refused');
    const retry = track(pool.acquire());
    await advance(10);
    expect(
      retry.outcome,
      'a connect() that failed must give its slot back, or a few network errors shrink the ' +
        'pool to nothing',
    ).toBe('fulfilled');
    expect(pool.stats().open, 'one connection open').toBe(1);
  });

  it('serves a caller that was queued while a connect() was failing', async () => {
    const { connect, attempts } = manualDriver();
    const pool = new Pool({ connect, max: 1 });
    const first = track(pool.acquire());
    const queued = track(pool.acquire());
    await advance(0);
    expect(attempts.length, 'with max 1, the second acquire() waits for the first one').toBe(1);
    attempts[0]?.fail(new Error('connection refused'));
    await advance(1_000);
    expect(first.outcome, 'the driver error reaches the caller whose connect() failed').toBe(
      'connection refused',
    );
    expect(
      attempts.length,
      'the failed connect() gave its slot back, and a caller was queued for it: open a ' +
        'connection for that caller now. Nobody else will wake it, because no connection is ' +
        'coming back through release() (connect() calls so far)',
    ).toBe(2);
    attempts[1]?.succeed();
    await advance(0);
    expect(queued.outcome, 'the queued caller gets the new connection').toBe('fulfilled');
    expect(pool.stats(), 'one connection, checked out by the queued caller').toEqual({
      open: 1,
      idle: 0,
      waiting: 0,
    });
  });

  it('cancels the timeout of a waiter served after a failed connect()', async () => {
    const { connect, attempts } = manualDriver();
    const pool = new Pool({ connect, max: 1, acquireTimeoutMs: 10_000 });
    void track(pool.acquire());
    const queued = track(pool.acquire()); // would time out at 10 000 ms
    await advance(0);
    attempts[0]?.fail(new Error('connection refused'));
    await advance(1_000);
    attempts[1]?.succeed();
    await advance(0);
    expect(queued.outcome, 'the queued caller gets a connection after the failure').toBe(
      'fulfilled',
    );
    const late = track(pool.acquire()); // 1 000 ms: would time out at 11 000 ms
    await advance(9_500); // 10 500 ms: the served waiter's old timer would have fired
    expect(
      [late.outcome, pool.stats().waiting],
      'the timer of a waiter that got a connection after a failed connect() must be cleared: ' +
        'when it fires later it removes somebody else from the queue ([outcome, waiting])',
    ).toEqual(['pending', 1]);
    if (queued.value !== undefined) pool.release(queued.value);
    await advance(0);
    expect(late.outcome, 'the next caller gets the connection when it comes back').toBe(
      'fulfilled',
    );
  });
});
