import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createWorker, type Job, type JobStore, type WorkerOptions } from './job-queue.ts';

interface Stored {
  payload: string;
  attempts: number;
  runAt: number;
  reservedUntil: number;
}

/**
 * A job store like a Redis list or a jobs table, in memory. Every call takes a turn of the event
 * loop there and back, payloads are copied (as JSON), and a reserved job is handed out again
 * once its reservation of `leaseMs` runs out without an ack: that is how a real queue survives a
 * worker that dies in the middle of a job. It records what the workers told it.
 */
class FakeStore<T> implements JobStore<T> {
  readonly leaseMs = 30_000;
  readonly acked: string[] = [];
  readonly retries: Array<{ id: string; attempts: number; runAt: number; lastError: string }> = [];
  readonly deadLetters: Array<{ id: string; attempts: number; lastError: string }> = [];
  readonly #jobs = new Map<string, Stored>();

  add(id: string, payload: T, runAt = 0): void {
    this.#jobs.set(id, { payload: JSON.stringify(payload), attempts: 0, runAt, reservedUntil: 0 });
  }

  /** The ids of the jobs still in the store, done or not. */
  pending(): string[] {
    return [...this.#jobs.keys()];
  }

  async reserve(now: number): Promise<Job<T> | undefined> {
    await nextTurn();
    let next: [string, Stored] | undefined;
    for (const entry of this.#jobs) {
      const [, job] = entry;
      if (job.runAt > now || job.reservedUntil > now) continue;
      if (next === undefined || job.runAt < next[1].runAt) next = entry;
    }
    if (next === undefined) return undefined;
    const [id, job] = next;
    job.reservedUntil = now + this.leaseMs;
    await nextTurn();
    return { id, payload: JSON.parse(job.payload) as T, attempts: job.attempts };
  }

  async ack(id: string): Promise<void> {
    this.acked.push(id);
    await nextTurn();
    this.#jobs.delete(id);
  }

  async retry(id: string, attempts: number, runAt: number, lastError: string): Promise<void> {
    this.retries.push({ id, attempts, runAt, lastError });
    await nextTurn();
    const job = this.#jobs.get(id);
    if (job) Object.assign(job, { attempts, runAt, reservedUntil: 0 });
  }

  async deadLetter(id: string, attempts: number, lastError: string): Promise<void> {
    this.deadLetters.push({ id, attempts, lastError });
    await nextTurn();
    this.#jobs.delete(id);
  }
}

/** A clock the test moves by hand, in milliseconds. */
function clock(start = 1_000_000) {
  const state = { ms: start };
  return { now: () => state.ms, state };
}

/** Options for a worker on `store`, with a handler that fails every time unless given one. */
function options(
  store: FakeStore<string>,
  time: { now: () => number },
  overrides: Partial<WorkerOptions<string>> = {},
): WorkerOptions<string> {
  return {
    store,
    handler: () => Promise.reject(new Error('the payment service is down')),
    maxAttempts: 5,
    baseDelayMs: 100,
    maxDelayMs: 10_000,
    now: time.now,
    ...overrides,
  };
}

/**
 * Runs the job in `store` until it is acknowledged or dead-lettered (or 20 rounds pass), moving
 * the clock to each retry, and past the reservation when no job was due. Workers take turns.
 */
async function runToTheEnd(
  store: FakeStore<string>,
  time: { state: { ms: number } },
  workers: Array<{ runOnce(): Promise<boolean> }>,
): Promise<void> {
  for (let round = 0; round < 20 && store.pending().length > 0; round++) {
    const retry = store.retries.at(-1);
    if (retry) time.state.ms = Math.max(time.state.ms, retry.runAt);
    if (!(await workers[round % workers.length]!.runOnce())) time.state.ms += store.leaseMs;
  }
}

/** What calling `make` did: "returned", or the name of the error it threw. */
function outcome(make: () => unknown): string {
  try {
    make();
    return 'returned';
  } catch (error) {
    return error instanceof Error ? error.name : 'threw a non-Error';
  }
}

describe('createWorker()', () => {
  it('runs a due job and acknowledges it once it has finished', async () => {
    const store = new FakeStore<string>();
    const time = clock();
    const seen: Array<[string, string, number]> = [];
    const worker = createWorker(
      options(store, time, {
        handler: async (payload, job) => {
          seen.push([payload, job.id, job.attempts]);
        },
      }),
    );
    expect(await worker.runOnce(), 'with an empty store runOnce() resolves with false').toBe(false);
    store.add('email-1', 'welcome ada@example.com');
    expect(await worker.runOnce(), 'runOnce() resolves with true when it ran a job').toBe(true);
    expect(seen, 'the handler gets the payload and the job (its id, 0 attempts before)').toEqual([
      ['welcome ada@example.com', 'email-1', 0],
    ]);
    expect(store.acked, 'a job that succeeded is acknowledged, once').toEqual(['email-1']);
    expect(
      [store.retries.length, store.deadLetters.length],
      'a job that succeeded is neither retried nor dead-lettered',
    ).toEqual([0, 0]);
    expect(await worker.runOnce(), 'and it is gone: nothing left to run').toBe(false);
  });

  it('does not acknowledge a job before its handler has finished', async () => {
    const store = new FakeStore<string>();
    const time = clock();
    store.add('charge-1', 'charge order 7');
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const crashing = createWorker(
      options(store, time, {
        // The process dies in the middle of the job: the handler never settles.
        handler: () => {
          started();
          return new Promise<void>(() => {});
        },
      }),
    );
    void crashing.runOnce();
    await handlerStarted;
    for (let turn = 0; turn < 5; turn++) await nextTurn();
    expect(
      store.acked,
      'the job was acknowledged while its handler was still running: if the process dies now ' +
        'the store has forgotten a job that was never done. Acknowledge only after the handler ' +
        'has finished',
    ).toEqual([]);

    time.state.ms += store.leaseMs;
    let runs = 0;
    const next = createWorker(
      options(store, time, {
        handler: async () => {
          runs++;
        },
      }),
    );
    expect(await next.runOnce(), 'after the reservation ran out, another worker gets it').toBe(
      true,
    );
    expect(
      [runs, store.acked],
      'the job is run again and acknowledged once, by the worker that finished it: at least ' +
        'once, so a handler may run twice for one job',
    ).toEqual([1, ['charge-1']]);
  });

  it('keeps a job whose handler rejects, and runs it again later', async () => {
    const store = new FakeStore<string>();
    const time = clock();
    store.add('email-1', 'welcome');
    let calls = 0;
    const worker = createWorker(
      options(store, time, {
        handler: async () => {
          calls++;
          if (calls === 1) throw new Error('SMTP timeout');
        },
      }),
    );
    expect(await worker.runOnce(), 'runOnce() resolves with true for a failed attempt too').toBe(
      true,
    );
    expect(
      store.acked,
      'a failed job must not be acknowledged: catching the error and acknowledging anyway (or ' +
        'in finally) loses the job for good',
    ).toEqual([]);
    expect(
      store.retries.map(({ id, attempts, lastError }) => ({ id, attempts, lastError })),
      'a failed attempt goes back to the store with store.retry(), with the attempts made and ' +
        "the error's message",
    ).toEqual([{ id: 'email-1', attempts: 1, lastError: 'SMTP timeout' }]);
    expect(store.deadLetters, 'one failure out of 5 allowed attempts is not dead yet').toEqual([]);
    time.state.ms = store.retries[0]!.runAt;
    await worker.runOnce();
    expect(
      [calls, store.acked],
      'the retry ran when it was due, succeeded and was acknowledged',
    ).toEqual([2, ['email-1']]);
  });

  it('keeps a job whose handler throws before returning a promise', async () => {
    const store = new FakeStore<string>();
    const time = clock();
    store.add('resize-1', 'not an image');
    const worker = createWorker(
      options(store, time, {
        handler: () => {
          throw new Error('unsupported format');
        },
      }),
    );
    let result: unknown;
    try {
      result = await worker.runOnce();
    } catch (error) {
      result = `runOnce() rejected with ${String(error)}`;
    }
    expect(
      result,
      'a handler that is not async throws straight away instead of rejecting: call it inside ' +
        'try and await it there, or the error escapes the worker and the job is stuck',
    ).toBe(true);
    expect(
      store.retries.map(({ lastError }) => lastError),
      'and the job is retried like any failure',
    ).toEqual(['unsupported format']);
  });

  it('records anything thrown as text, not only Errors', async () => {
    const store = new FakeStore<string>();
    const time = clock();
    store.add('job-1', 'a');
    const thrown: unknown[] = ['quota exceeded', undefined, 42];
    const worker = createWorker(
      options(store, time, {
        maxAttempts: 3,
        handler: () => Promise.reject(thrown.shift()),
      }),
    );
    let rejected = '';
    try {
      await runToTheEnd(store, time, [worker]);
    } catch (error) {
      rejected = String(error);
    }
    expect(
      rejected,
      'a handler may throw a string, or undefined: reading .message on it must not crash the ' +
        'worker',
    ).toBe('');
    expect(
      [...store.retries.map(({ lastError }) => lastError), store.deadLetters[0]?.lastError],
      "lastError is an Error's message, or String(value) for anything else thrown",
    ).toEqual(['quota exceeded', 'undefined', '42']);
  });

  it('waits baseDelayMs after the first failure, not less', async () => {
    const store = new FakeStore<string>();
    const time = clock();
    store.add('job-1', 'a');
    let calls = 0;
    const worker = createWorker(
      options(store, time, {
        baseDelayMs: 250,
        handler: async () => {
          calls++;
          throw new Error('down');
        },
      }),
    );
    const failedAt = time.state.ms;
    await worker.runOnce();
    await worker.runOnce();
    time.state.ms = failedAt + 249;
    await worker.runOnce();
    expect(
      calls,
      'the job ran again before baseDelayMs had passed: a retry straight away hits a service ' +
        'that is down again. Put it back due at now() + the delay',
    ).toBe(1);
    time.state.ms = failedAt + 250;
    expect(await worker.runOnce(), 'at exactly baseDelayMs after the failure it is due').toBe(true);
    expect(calls).toBe(2);
  });

  it('doubles the wait after each failed attempt, up to maxDelayMs', async () => {
    const store = new FakeStore<string>();
    const time = clock();
    store.add('job-1', 'a');
    const worker = createWorker(
      options(store, time, { maxAttempts: 7, baseDelayMs: 100, maxDelayMs: 1_000 }),
    );
    const waits: number[] = [];
    for (let attempt = 1; attempt < 7; attempt++) {
      const failedAt = time.state.ms;
      await worker.runOnce();
      const retry = store.retries.at(-1);
      if (retry === undefined || store.retries.length !== attempt) break;
      waits.push(retry.runAt - failedAt);
      time.state.ms = retry.runAt;
    }
    expect(
      waits,
      'the wait after attempt n is min(maxDelayMs, baseDelayMs × 2^(n-1)): 100, 200, 400, 800, ' +
        'then capped at 1000. attempt × baseDelayMs is linear, not exponential',
    ).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('counts the wait from the moment the attempt failed', async () => {
    const store = new FakeStore<string>();
    const time = clock();
    store.add('report-1', 'q3');
    const startedAt = time.state.ms;
    const worker = createWorker(
      options(store, time, {
        handler: async () => {
          time.state.ms += 7_000; // a slow attempt: 7 s before it fails
          throw new Error('gave up');
        },
      }),
    );
    await worker.runOnce();
    expect(
      store.retries[0]?.runAt,
      'the attempt failed 7 s after it started: the 100 ms wait runs from then, so read now() ' +
        'again after the handler',
    ).toBe(startedAt + 7_000 + 100);
  });

  it('moves a job to the dead-letter list after maxAttempts attempts, with the last error', async () => {
    const store = new FakeStore<string>();
    const time = clock();
    store.add('webhook-1', 'POST https://example.com/hook');
    let calls = 0;
    const worker = createWorker(
      options(store, time, {
        maxAttempts: 3,
        handler: async () => {
          calls++;
          throw new Error(`attempt ${calls}: 503`);
        },
      }),
    );
    await runToTheEnd(store, time, [worker]);
    expect(
      calls,
      'maxAttempts 3 is three attempts in all, the first included; a worker that never gives up ' +
        'retries a poison job forever',
    ).toBe(3);
    expect(
      store.deadLetters,
      'after the last attempt the job goes to store.deadLetter() with the attempts made and the ' +
        'last error, the one someone will need to read',
    ).toEqual([{ id: 'webhook-1', attempts: 3, lastError: 'attempt 3: 503' }]);
    expect(store.acked, 'a dead job is not acknowledged as done').toEqual([]);
    time.state.ms += 3_600_000;
    expect(await worker.runOnce(), 'and it is never run again').toBe(false);
  });

  it('dead-letters the first failure when maxAttempts is 1', async () => {
    const store = new FakeStore<string>();
    const time = clock();
    store.add('job-1', 'a');
    const worker = createWorker(options(store, time, { maxAttempts: 1 }));
    await worker.runOnce();
    expect(
      [store.retries.length, store.deadLetters],
      'one attempt allowed: the first failure goes straight to the dead-letter list',
    ).toEqual([0, [{ id: 'job-1', attempts: 1, lastError: 'the payment service is down' }]]);
  });

  it('counts attempts in the store, so two workers stop at maxAttempts between them', async () => {
    const store = new FakeStore<string>();
    const time = clock();
    store.add('job-1', 'a');
    let calls = 0;
    const handler = async () => {
      calls++;
      throw new Error(`attempt ${calls}`);
    };
    const workers = [
      createWorker(options(store, time, { handler, maxAttempts: 4 })),
      createWorker(options(store, time, { handler, maxAttempts: 4 })),
    ];
    await runToTheEnd(store, time, workers);
    expect(
      [calls, store.deadLetters],
      "attempts counted in one process's memory start again on every other worker and after " +
        'every restart; the job carries them: job.attempts + 1 is this attempt',
    ).toEqual([4, [{ id: 'job-1', attempts: 4, lastError: 'attempt 4' }]]);
  });

  it('does not hold up the jobs behind a failed one', async () => {
    const store = new FakeStore<string>();
    const time = clock();
    store.add('broken', 'x');
    store.add('fine', 'y');
    const done: string[] = [];
    const worker = createWorker(
      options(store, time, {
        baseDelayMs: 60_000,
        maxDelayMs: 60_000,
        handler: async (payload, job) => {
          if (job.id === 'broken') throw new Error('bad');
          done.push(payload);
        },
      }),
    );
    await worker.runOnce();
    await worker.runOnce();
    expect(
      done,
      'while the failed job waits a minute for its retry, the next job runs: the wait belongs in ' +
        'the store (runAt), not in the worker',
    ).toEqual(['y']);
  });

  it('throws a RangeError for options out of range', () => {
    const store = new FakeStore<string>();
    const time = clock();
    const make = (overrides: Partial<WorkerOptions<string>>) =>
      outcome(() => createWorker(options(store, time, overrides)));
    expect(
      {
        'maxAttempts 0': make({ maxAttempts: 0 }),
        'maxAttempts 2.5': make({ maxAttempts: 2.5 }),
        'maxAttempts NaN': make({ maxAttempts: Number.NaN }),
        'baseDelayMs -1': make({ baseDelayMs: -1 }),
        'baseDelayMs NaN': make({ baseDelayMs: Number.NaN }),
        'baseDelayMs Infinity': make({ baseDelayMs: Infinity, maxDelayMs: Infinity }),
        'maxDelayMs below baseDelayMs': make({ baseDelayMs: 100, maxDelayMs: 99 }),
        'maxDelayMs NaN': make({ maxDelayMs: Number.NaN }),
      },
      'a worker with no attempts, or a negative or missing delay, would lose jobs or spin: ' +
        'refuse such options with a RangeError when the worker is created',
    ).toEqual({
      'maxAttempts 0': 'RangeError',
      'maxAttempts 2.5': 'RangeError',
      'maxAttempts NaN': 'RangeError',
      'baseDelayMs -1': 'RangeError',
      'baseDelayMs NaN': 'RangeError',
      'baseDelayMs Infinity': 'RangeError',
      'maxDelayMs below baseDelayMs': 'RangeError',
      'maxDelayMs NaN': 'RangeError',
    });
    expect(
      {
        'maxAttempts 1': make({ maxAttempts: 1 }),
        'baseDelayMs 0': make({ baseDelayMs: 0, maxDelayMs: 0 }),
        'maxDelayMs equal to baseDelayMs': make({ baseDelayMs: 100, maxDelayMs: 100 }),
      },
      'these are in range: one attempt, no wait, a cap equal to the first wait',
    ).toEqual({
      'maxAttempts 1': 'returned',
      'baseDelayMs 0': 'returned',
      'maxDelayMs equal to baseDelayMs': 'returned',
    });
  });
});
