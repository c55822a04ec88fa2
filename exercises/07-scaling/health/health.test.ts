import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as turn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createHealth,
  type DependencyCheck,
  type Health,
  type HealthOptions,
  type HealthReport,
  type Timers,
} from './health.ts';

/** Timers the test moves by hand: nothing fires until advance() says so. */
class ManualTimers implements Timers {
  now = 0;
  #next = 1;
  readonly #due = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#due.set(id, { at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#due.delete(handle as number);
  }

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.#due.size;
  }

  /** Moves the clock forward, firing every timer that comes due, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.#due].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at);
      const first = due[0];
      if (first === undefined) break;
      this.#due.delete(first[0]);
      this.now = first[1].at;
      first[1].callback();
      await flush();
    }
    this.now = end;
    await flush();
  }
}

/** Lets every callback that is ready run (promise reactions included). */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await turn();
}

/** A promise the test settles when it chooses. */
function deferred() {
  let resolve!: (value?: unknown) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<unknown>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A check that counts its calls and answers as `answer` says at each call. */
function dependency(name: string, answer: () => Promise<unknown>) {
  const calls = { count: 0 };
  const check: DependencyCheck = {
    name,
    check: () => {
      calls.count++;
      return answer();
    },
  };
  return { check, calls };
}

const up = () => Promise.resolve();
const down = () => Promise.reject(new Error('connection refused'));
const hangs = () => new Promise<never>(() => {});

/**
 * Starts a probe and reports what it came to once pending callbacks have run: the report, or
 * 'still waiting' (never awaits a probe that might hang, so a hang fails an assertion instead
 * of the whole test timing out).
 */
function probe(run: () => Promise<HealthReport>) {
  const state: { report: HealthReport | 'still waiting' | { rejected: unknown } } = {
    report: 'still waiting',
  };
  run().then(
    (report) => (state.report = report),
    (error: unknown) => (state.report = { rejected: error }),
  );
  return {
    async now() {
      await flush();
      return state.report;
    },
  };
}

function make(options: Partial<HealthOptions> & { checks: DependencyCheck[] }) {
  const timers = new ManualTimers();
  const health = createHealth({ timeoutMs: 1000, timers, ...options });
  return { health, timers };
}

describe('liveness', () => {
  it('answers 200 ok without running any dependency check', async () => {
    const db = dependency('database', down);
    const cache = dependency('cache', hangs);
    const { health } = make({ checks: [db.check, cache.check] });
    health.started();
    expect(
      await probe(() => health.liveness()).now(),
      'liveness asks "is this process alive?": with the database down it is still alive, and ' +
        'a 503 here makes the orchestrator restart every instance at once, which does not ' +
        'bring a database back',
    ).toEqual({ status: 200, body: { status: 'ok' } });
    expect(
      db.calls.count + cache.calls.count,
      'liveness must not call the dependency checks at all: a check that hangs would make ' +
        'the process look dead',
    ).toBe(0);
  });

  it('stays 200 while starting and while draining', async () => {
    const { health } = make({ checks: [dependency('database', up).check] });
    const alive = { status: 200, body: { status: 'ok' } };
    expect(
      await probe(() => health.liveness()).now(),
      'a process that is still starting is alive: a 503 would get it killed before it ever ' +
        'finishes starting',
    ).toEqual(alive);
    health.started();
    health.drain();
    expect(
      await probe(() => health.liveness()).now(),
      'a draining process is alive and finishing its requests: a 503 now gets it killed in ' +
        'the middle of them',
    ).toEqual(alive);
  });
});

describe('readiness', () => {
  it('reports starting until started() is called', async () => {
    const { health } = make({ checks: [dependency('database', up).check] });
    const before = await probe(() => health.readiness()).now();
    expect(
      before,
      'before started() the instance must not get traffic, however healthy its dependencies: ' +
        '503 with body.status "starting"',
    ).toMatchObject({ status: 503, body: { status: 'starting' } });
    health.started();
    expect(
      await probe(() => health.readiness()).now(),
      'after started(), with every check passing, it is ready',
    ).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('reports ready with the result of every check', async () => {
    const { health } = make({
      checks: [dependency('database', up).check, dependency('cache', up).check],
    });
    health.started();
    expect(await probe(() => health.readiness()).now()).toEqual({
      status: 200,
      body: { status: 'ready', checks: { database: 'ok', cache: 'ok' } },
    });
  });

  it('reports not-ready when a check rejects', async () => {
    const { health } = make({
      checks: [dependency('database', down).check, dependency('cache', up).check],
    });
    health.started();
    expect(
      await probe(() => health.readiness()).now(),
      'one failed dependency makes the instance not ready: 503, with each check by name',
    ).toEqual({
      status: 503,
      body: { status: 'not-ready', checks: { database: 'failed', cache: 'ok' } },
    });
  });

  it('counts a check that throws instead of rejecting as failed', async () => {
    const broken: DependencyCheck = {
      name: 'queue',
      check: () => {
        throw new Error('not connected'); // a plain function, not async: it throws
      },
    };
    const { health } = make({ checks: [broken, dependency('database', up).check] });
    health.started();
    expect(
      await probe(() => health.readiness()).now(),
      'a check that throws synchronously is a failed check: readiness must still answer, not ' +
        'reject',
    ).toEqual({
      status: 503,
      body: { status: 'not-ready', checks: { queue: 'failed', database: 'ok' } },
    });
  });

  it('reports a check still running after timeoutMs as timeout', async () => {
    const { health, timers } = make({
      timeoutMs: 2000,
      checks: [dependency('database', hangs).check, dependency('cache', up).check],
    });
    health.started();
    const running = probe(() => health.readiness());
    await timers.advance(1999);
    expect(
      await running.now(),
      'after 1,999 of the 2,000 ms the database check is still allowed to answer',
    ).toBe('still waiting');
    await timers.advance(1);
    expect(
      await running.now(),
      'at timeoutMs a check that has not answered counts as "timeout" and readiness answers ' +
        '503 at once; start the timer with options.timers.setTimeout, not the global one',
    ).toEqual({
      status: 503,
      body: { status: 'not-ready', checks: { database: 'timeout', cache: 'ok' } },
    });
  });

  it('runs the checks at the same time', async () => {
    const db = dependency('database', hangs);
    const cache = dependency('cache', hangs);
    const { health, timers } = make({ timeoutMs: 1000, checks: [db.check, cache.check] });
    health.started();
    const running = probe(() => health.readiness());
    await flush();
    expect(
      [db.calls.count, cache.calls.count],
      'every check must start at once, not wait for the one before it',
    ).toEqual([1, 1]);
    await timers.advance(1000);
    expect(
      await running.now(),
      'two checks that hang time out together after 1,000 ms: one after the other they would ' +
        'take 2,000, longer than the probe waits',
    ).toEqual({
      status: 503,
      body: { status: 'not-ready', checks: { database: 'timeout', cache: 'timeout' } },
    });
  });

  it('leaves no timer behind when the checks answer in time', async () => {
    const { health, timers } = make({
      checks: [dependency('database', up).check, dependency('cache', down).check],
    });
    health.started();
    await probe(() => health.readiness()).now();
    expect(
      timers.pending,
      'a check that answered no longer needs its timeout: clear it, or every probe leaves a ' +
        'timer that keeps the process alive until it fires',
    ).toBe(0);
  });

  it('runs the checks again on every probe', async () => {
    let databaseUp = false;
    const db = dependency('database', () => (databaseUp ? up() : down()));
    const { health } = make({ checks: [db.check] });
    health.started();
    expect(await probe(() => health.readiness()).now()).toMatchObject({ status: 503 });
    databaseUp = true;
    expect(
      await probe(() => health.readiness()).now(),
      'the database is back: the next probe must run the check again and say ready',
    ).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok' } } });
    databaseUp = false;
    expect(
      await probe(() => health.readiness()).now(),
      'and down again: readiness is the state now, not the first answer',
    ).toMatchObject({ status: 503 });
    expect(db.calls.count).toBe(3);
  });
});

describe('draining', () => {
  it('reports draining after drain(), for good', async () => {
    const { health } = make({ checks: [dependency('database', up).check] });
    health.started();
    health.drain();
    expect(
      await probe(() => health.readiness()).now(),
      'once drain() is called the balancer must stop sending new requests: 503 "draining"',
    ).toMatchObject({ status: 503, body: { status: 'draining' } });
    health.started();
    expect(
      await probe(() => health.readiness()).now(),
      'a late started() (start-up finishing after the shutdown began) must not make a ' +
        'draining instance ready again',
    ).toMatchObject({ status: 503, body: { status: 'draining' } });
  });

  it('reports draining when drain() comes before started()', async () => {
    const { health } = make({ checks: [dependency('database', up).check] });
    health.drain();
    expect(await probe(() => health.readiness()).now()).toMatchObject({
      status: 503,
      body: { status: 'draining' },
    });
  });

  it('reports draining when drain() comes while the checks are running', async () => {
    const slow = deferred();
    const { health } = make({ checks: [dependency('database', () => slow.promise).check] });
    health.started();
    const running = probe(() => health.readiness());
    await flush();
    health.drain();
    slow.resolve();
    expect(
      await running.now(),
      'the instance began draining before this answer was sent: say "draining", not the ' +
        '"ready" the checks found, or the balancer keeps sending it requests',
    ).toMatchObject({ status: 503, body: { status: 'draining' } });
  });
});

describe('options', () => {
  it('throws a RangeError for a timeoutMs that is not a finite number above 0', () => {
    const outcome = (timeoutMs: number): string => {
      try {
        createHealth({ checks: [], timeoutMs, timers: new ManualTimers() });
        return 'returned';
      } catch (error) {
        return error instanceof Error ? error.name : 'threw a non-Error';
      }
    };
    expect(
      [0, -5, Number.NaN, Number.POSITIVE_INFINITY].map(outcome),
      'a timeout of 0 or less fails every check, NaN never compares, and Infinity is not a ' +
        'timeout (setTimeout would even fire it after 1 ms): throw a RangeError',
    ).toEqual(['RangeError', 'RangeError', 'RangeError', 'RangeError']);
    expect(outcome(0.5), 'any finite number above 0 is fine').toBe('returned');
  });

  it('uses the global timers when none are given', async () => {
    const timeouts = () =>
      process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timeouts();
    const quick = createHealth({ checks: [dependency('database', up).check], timeoutMs: 60_000 });
    quick.started();
    expect(await probe(() => quick.readiness()).now()).toMatchObject({ status: 200 });
    expect(
      timeouts(),
      'with the global timers too, a check that answered in time must leave no timer behind',
    ).toBe(before);

    const slow = createHealth({ checks: [dependency('database', hangs).check], timeoutMs: 1 });
    slow.started();
    const running = probe(() => slow.readiness());
    // A 20 ms timer set after the 1 ms one fires after it: Node runs timers in order of expiry.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(
      await running.now(),
      'without options.timers, the timeout must still fire, on the global setTimeout',
    ).toEqual({ status: 503, body: { status: 'not-ready', checks: { database: 'timeout' } } });
  });
});

describe('over HTTP', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server === undefined) return;
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
    server = undefined;
  });

  /** Serves `health` on a free loopback port and returns a function that GETs a path. */
  async function serve(health: Health) {
    server = createServer((req, res) => health.handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      const text = await response.text();
      return { status: response.status, type: response.headers.get('content-type'), text };
    };
  }

  it('answers /livez and /readyz with the status code and a JSON body', async () => {
    const health = createHealth({ checks: [dependency('database', up).check], timeoutMs: 1000 });
    const get = await serve(health);
    const live = await get('/livez');
    expect(live.status).toBe(200);
    expect(live.type, 'the body is JSON, and says so').toMatch(/^application\/json/);
    expect(JSON.parse(live.text)).toEqual({ status: 'ok' });
    const starting = await get('/readyz');
    expect(starting.status, 'while starting, /readyz answers 503').toBe(503);
    expect(JSON.parse(starting.text)).toMatchObject({ status: 'starting' });
    health.started();
    const ready = await get('/readyz?probe=1');
    expect(ready.status, 'once started, with the database up, /readyz answers 200').toBe(200);
    expect(ready.type).toMatch(/^application\/json/);
    expect(JSON.parse(ready.text)).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  it('answers 404 for any other path', async () => {
    const health = createHealth({ checks: [], timeoutMs: 1000 });
    health.started();
    const get = await serve(health);
    expect((await get('/')).status).toBe(404);
    expect((await get('/livez/extra')).status).toBe(404);
  });
});
