import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createPool, type PoolWorker, type TaskMessage } from './worker-pool.ts';

/**
 * A worker without a thread: it records what it was posted and answers only when the test
 * says so, which lets the tests pick the order of answers, crashes and exits exactly.
 */
class FakeWorker extends EventEmitter implements PoolWorker {
  readonly posted: TaskMessage[] = [];
  readonly answered = new Set<number>();
  exited = false;
  terminated = false;
  refuse: ((input: unknown) => boolean) | undefined;

  constructor(
    readonly index: number,
    /** Every input posted to any worker of the pool, in the order they were posted. */
    private readonly log: unknown[],
  ) {
    super();
  }

  postMessage(message: TaskMessage): void {
    if (this.exited)
      throw new Error(`test: a message was posted to worker ${this.index} after it exited`);
    if (this.refuse?.(message.input)) {
      throw new DOMException('could not be cloned', 'DataCloneError');
    }
    this.posted.push(message);
    this.log.push(message.input);
  }

  terminate(): Promise<number> {
    this.terminated = true;
    return new Promise((resolve) => {
      queueMicrotask(() => {
        this.exit(1);
        resolve(1);
      });
    });
  }

  /** The task this worker was given and has not answered yet. */
  get current(): TaskMessage | undefined {
    return this.posted.find((message) => !this.answered.has(message.id));
  }

  answer(): void {
    const task = this.current!;
    this.answered.add(task.id);
    this.emit('message', { id: task.id, output: `worker ${this.index} did ${String(task.input)}` });
  }

  throwInTask(message: string): void {
    const task = this.current!;
    this.answered.add(task.id);
    this.emit('message', { id: task.id, error: message });
  }

  /** An uncaught exception in the worker: 'error', then 'exit' with code 1, like a real one. */
  crash(): unknown {
    try {
      this.emit('error', new Error('worker: Cannot read properties of undefined'));
    } catch (error) {
      return error;
    }
    this.exit(1);
    return undefined;
  }

  exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.emit('exit', code);
  }
}

function fakes() {
  const workers: FakeWorker[] = [];
  const postedInOrder: unknown[] = [];
  let mostLive = 0;
  const createWorker = (): FakeWorker => {
    const worker = new FakeWorker(workers.length + 1, postedInOrder);
    workers.push(worker);
    mostLive = Math.max(mostLive, workers.filter((w) => !w.exited).length);
    return worker;
  };
  return {
    workers,
    postedInOrder,
    createWorker,
    live: () => workers.filter((w) => !w.exited),
    busy: () => workers.filter((w) => !w.exited && w.current !== undefined),
    mostLive: () => mostLive,
  };
}

/** Lets every pending callback and promise reaction run; not a sleep. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

type Outcome =
  | { status: 'pending' }
  | { status: 'resolved'; value: unknown }
  | { status: 'rejected'; error: unknown };

function track(promise: Promise<unknown>): { readonly outcome: Outcome } {
  const tracked: { outcome: Outcome } = { outcome: { status: 'pending' } };
  promise.then(
    (value) => (tracked.outcome = { status: 'resolved', value }),
    (error: unknown) => (tracked.outcome = { status: 'rejected', error }),
  );
  return tracked;
}

/** The live worker running the task with this input; fails the test, with why, if none is. */
function workerWith(f: ReturnType<typeof fakes>, input: unknown): FakeWorker {
  const worker = f.busy().find((w) => w.current!.input === input);
  expect(
    worker,
    `no worker is running the task ${String(input)}: run() must post { id, input } to a worker from createWorker()`,
  ).toBeDefined();
  return worker!;
}

/** Answers every busy worker's task, again and again, until no worker has one left. */
async function answerAll(f: ReturnType<typeof fakes>, check?: () => void): Promise<void> {
  await settle();
  for (let rounds = 0; rounds < 1000; rounds++) {
    check?.();
    const busy = f.busy();
    if (busy.length === 0) return;
    for (const worker of busy) worker.answer();
    await settle();
  }
}

describe('createPool()', () => {
  it('sends each task to a worker and resolves with what the worker answered', async () => {
    const f = fakes();
    const pool = createPool({ size: 2, createWorker: f.createWorker });
    const results = [track(pool.run(1000)), track(pool.run(2000))];
    await settle();
    expect(
      f.busy().length,
      'no task reached a worker: the work must run in a worker, posted with postMessage({ id, input }). A Promise around the loop still runs it on the main thread and blocks the event loop',
    ).toBe(2);
    await answerAll(f);
    const values = results.map((r) => r.outcome);
    expect(values.map((o) => o.status)).toEqual(['resolved', 'resolved']);
    expect(
      values.map((o) => (o.status === 'resolved' ? String(o.value) : '')),
      "each task resolves with its worker's output",
    ).toEqual([
      expect.stringMatching(/^worker \d did 1000$/),
      expect.stringMatching(/^worker \d did 2000$/),
    ]);
  });

  it('never has more live workers than size, however many tasks wait', async () => {
    const f = fakes();
    const pool = createPool({ size: 3, createWorker: f.createWorker });
    const results = Array.from({ length: 20 }, (_, i) => track(pool.run(i)));
    await answerAll(f, () =>
      expect(
        f.live().length,
        'more workers were alive at once than size: 20 queued tasks must wait for one of the size workers, not start workers of their own',
      ).toBeLessThanOrEqual(3),
    );
    expect(f.mostLive(), 'more workers were alive at once than size').toBeLessThanOrEqual(3);
    expect(results.map((r) => r.outcome.status)).toEqual(Array(20).fill('resolved'));
  });

  it('reuses its workers: 50 tasks on a pool of 2 create 2 workers', async () => {
    const f = fakes();
    const pool = createPool({ size: 2, createWorker: f.createWorker });
    const results = Array.from({ length: 50 }, (_, i) => track(pool.run(i)));
    await answerAll(f);
    expect(results.map((r) => r.outcome.status)).toEqual(Array(50).fill('resolved'));
    expect(
      f.workers.length,
      'a worker was created per task: starting one costs milliseconds and memory, so a pool keeps its workers and posts the next task to one that has finished',
    ).toBe(2);
    expect(
      f.workers.some((w) => w.terminated),
      'a worker was terminated after its task; keep it for the next one',
    ).toBe(false);
  });

  it('runs up to size tasks at once and queues the rest in order', async () => {
    const f = fakes();
    const pool = createPool({ size: 2, createWorker: f.createWorker });
    const results = ['a', 'b', 'c', 'd', 'e'].map((input) => track(pool.run(input)));
    await settle();
    expect(
      f
        .busy()
        .map((w) => w.current!.input)
        .sort(),
      'with two workers, the first two tasks run at once and the other three wait',
    ).toEqual(['a', 'b']);
    workerWith(f, 'a').answer();
    await settle();
    expect(
      [...f.postedInOrder].sort(),
      'a finished task frees its worker for the oldest waiting task',
    ).toEqual(['a', 'b', 'c']);
    await answerAll(f);
    expect(results.map((r) => r.outcome.status)).toEqual(Array(5).fill('resolved'));
    expect(
      f.postedInOrder,
      'tasks must start in the order run() was called (a queue, first in first out)',
    ).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(
      new Set(f.workers.flatMap((w) => w.posted).map((m) => m.id)).size,
      'each task needs an id of its own',
    ).toBe(5);
  });

  it('gives each task its own result when workers answer out of order', async () => {
    const f = fakes();
    const pool = createPool({ size: 2, createWorker: f.createWorker });
    const slow = track(pool.run('slow'));
    const fast = track(pool.run('fast'));
    await settle();
    const fastWorker = workerWith(f, 'fast');
    fastWorker.answer();
    await settle();
    expect(
      fast.outcome,
      "the second task's worker answered first, and its answer went to the first task: match each answer to its task by the id it carries, not by the order answers arrive",
    ).toEqual({ status: 'resolved', value: `worker ${fastWorker.index} did fast` });
    expect(slow.outcome, 'the first task is still running; nothing may settle it yet').toEqual({
      status: 'pending',
    });
    await answerAll(f);
    expect(slow.outcome).toMatchObject({
      status: 'resolved',
      value: expect.stringMatching(/did slow$/),
    });
  });

  it('rejects only the task that threw, and keeps using that worker', async () => {
    const f = fakes();
    const pool = createPool({ size: 1, createWorker: f.createWorker });
    const bad = track(pool.run('bad'));
    const good = track(pool.run('good'));
    await settle();
    workerWith(f, 'bad').throwInTask('limit must be a number');
    await settle();
    expect(bad.outcome.status, "a { id, error } answer must reject that task's promise").toBe(
      'rejected',
    );
    const error = bad.outcome.status === 'rejected' ? bad.outcome.error : undefined;
    expect(error, 'reject with an Error').toBeInstanceOf(Error);
    expect((error as Error).message, "the Error's message is the worker's error text").toBe(
      'limit must be a number',
    );
    expect(good.outcome, 'a task that threw must not settle any other task').toEqual({
      status: 'pending',
    });
    await answerAll(f);
    expect(
      good.outcome,
      'the worker answered the error, so it is healthy: the next task runs on it',
    ).toEqual({
      status: 'resolved',
      value: 'worker 1 did good',
    });
    expect(f.workers.length, 'a task that threw does not need a new worker').toBe(1);
  });

  it('rejects the task of a worker that crashed, and replaces the worker', async () => {
    const f = fakes();
    const pool = createPool({ size: 1, createWorker: f.createWorker });
    const doomed = track(pool.run('doomed'));
    const next = track(pool.run('next'));
    await settle();
    const thrown = workerWith(f, 'doomed').crash();
    expect(
      thrown,
      "the worker's 'error' event had no listener, so emitting it threw: in a real process that crashes the parent. Listen for 'error' (and do not rethrow there)",
    ).toBeUndefined();
    await settle();
    expect(
      doomed.outcome.status,
      'the task of a crashed worker must be rejected, or its caller waits forever',
    ).toBe('rejected');
    expect(
      doomed.outcome.status === 'rejected' && (doomed.outcome.error as Error).message,
      "reject the crashed worker's task with the error its 'error' event carried, so the caller sees why",
    ).toBe('worker: Cannot read properties of undefined');
    expect(
      f.live().length,
      'the crashed worker was not replaced: the waiting task needs a new worker from createWorker()',
    ).toBe(1);
    await answerAll(f);
    expect(next.outcome, 'the next task runs on the replacement').toEqual({
      status: 'resolved',
      value: 'worker 2 did next',
    });
  });

  it('replaces a worker that exited on its own, busy or idle', async () => {
    const f = fakes();
    const pool = createPool({ size: 2, createWorker: f.createWorker });
    const first = track(pool.run(1));
    const second = track(pool.run(2));
    await settle();
    const busyOne = workerWith(f, 1);
    const idleOne = workerWith(f, 2);
    idleOne.answer();
    await settle();
    expect(second.outcome.status).toBe('resolved');
    idleOne.exit(0);
    await settle();
    const third = track(pool.run(3));
    await settle();
    expect(
      third.outcome,
      'an idle worker exited, and the next task was given to it anyway: forget a worker that exited, idle or busy, and start a replacement',
    ).toEqual({ status: 'pending' });
    expect(f.busy().length, 'task 3 must run on a new worker beside the busy one').toBe(2);
    busyOne.exit(0);
    await settle();
    expect(
      first.outcome.status,
      "a worker that exits while running a task must reject that task (listen for 'exit', not only 'error')",
    ).toBe('rejected');
    expect(first.outcome.status === 'rejected' && first.outcome.error).toBeInstanceOf(Error);
    const fourth = track(pool.run(4));
    await settle();
    expect(
      f.busy().length,
      'both first workers exited, and new tasks must still run two at a time on replacements from createWorker()',
    ).toBe(2);
    expect(f.live().length).toBe(2);
    await answerAll(f);
    expect([third.outcome.status, fourth.outcome.status]).toEqual(['resolved', 'resolved']);
  });

  it('ignores an answer whose id is not the task a worker is running', async () => {
    const f = fakes();
    const pool = createPool({ size: 2, createWorker: f.createWorker });
    const first = track(pool.run('first'));
    await settle();
    const worker = workerWith(f, 'first');
    const stray = worker.current!.id === 0 ? -1 : 0;
    expect(
      () => worker.emit('message', { id: stray, output: 'stray' }),
      'an answer with an unknown id must be ignored, not crash the pool',
    ).not.toThrow();
    await settle();
    expect(
      first.outcome,
      'an answer carrying another id (a late or duplicate one) settled this task: settle a task only with the answer that carries its id',
    ).toEqual({ status: 'pending' });
    worker.answer();
    await settle();
    expect(first.outcome).toMatchObject({ status: 'resolved' });
    expect(
      () => worker.emit('message', { id: stray, output: 'stray' }),
      'an answer from an idle worker must be ignored, not crash the pool',
    ).not.toThrow();
    const answered = worker.posted[0]!;
    worker.emit('message', { id: answered.id, output: 'the same answer again' });
    await settle();
    const next = [track(pool.run('next 1')), track(pool.run('next 2'))];
    await settle();
    expect(
      f.busy().length,
      'a duplicate of an answer already given made the pool count its worker free twice: after a task settles, forget it, so a second answer with its id finds nothing',
    ).toBe(2);
    await answerAll(f);
    expect(next.map((t) => t.outcome.status)).toEqual(['resolved', 'resolved']);
  });

  it('keeps using its idle workers when a busy one exits', async () => {
    const f = fakes();
    const pool = createPool({ size: 2, createWorker: f.createWorker });
    const first = track(pool.run(1));
    const second = track(pool.run(2));
    await settle();
    const idleOne = workerWith(f, 1);
    const busyOne = workerWith(f, 2);
    idleOne.answer();
    busyOne.exit(1);
    await settle();
    expect([first.outcome.status, second.outcome.status]).toEqual(['resolved', 'rejected']);
    const later = [track(pool.run(3)), track(pool.run(4))];
    await settle();
    expect(
      f.busy().length,
      'after a busy worker exited, the idle one was lost: remove only the worker that exited from your lists',
    ).toBe(2);
    expect(
      idleOne.current?.input,
      'the idle worker that is still alive takes one of the tasks',
    ).toBeDefined();
    await answerAll(f);
    expect(later.map((t) => t.outcome.status)).toEqual(['resolved', 'resolved']);
  });

  it('rejects a task whose input cannot be sent, and carries on', async () => {
    const f = fakes();
    const pool = createPool({
      size: 1,
      createWorker: () => {
        const worker = f.createWorker();
        worker.refuse = (input) => typeof input === 'function';
        return worker;
      },
    });
    const unsendable = track(pool.run(() => 1));
    const fine = track(pool.run('fine'));
    await settle();
    expect(
      unsendable.outcome.status,
      'postMessage() threw for this input: reject the task with that error',
    ).toBe('rejected');
    expect(
      unsendable.outcome.status === 'rejected' && (unsendable.outcome.error as Error).name,
    ).toBe('DataCloneError');
    await answerAll(f);
    expect(
      fine.outcome,
      'the worker never got the failed task, so it is free for the next one',
    ).toEqual({
      status: 'resolved',
      value: 'worker 1 did fine',
    });
  });

  it('close() rejects unfinished tasks, terminates every worker and creates no more', async () => {
    const f = fakes();
    const pool = createPool({ size: 2, createWorker: f.createWorker });
    const done = track(pool.run('done'));
    const tasks = ['running', 'queued 1', 'queued 2'].map((input) => track(pool.run(input)));
    await settle();
    workerWith(f, 'done').answer();
    await settle();
    const created = f.workers.length;
    await pool.close();
    await settle();
    expect(done.outcome.status).toBe('resolved');
    expect(
      tasks.map((t) => t.outcome.status),
      'close() must reject every task that has not finished, running or queued, or their callers wait forever',
    ).toEqual(['rejected', 'rejected', 'rejected']);
    expect(
      f.workers.every((w) => w.terminated),
      'close() must terminate every worker, idle ones too, or they keep the process alive',
    ).toBe(true);
    expect(f.workers.length, "after close(), a worker's 'exit' must not start a replacement").toBe(
      created,
    );
    const after = track(pool.run('late'));
    await settle();
    expect(after.outcome.status, 'run() after close() must reject').toBe('rejected');
    expect(f.workers.length, 'run() after close() must not create a worker').toBe(created);
  });

  it('rejects a size that is not a whole number of at least 1', () => {
    const f = fakes();
    for (const size of [0, -1, 1.5, Number.NaN]) {
      expect(() => createPool({ size, createWorker: f.createWorker }), `size ${size}`).toThrow(
        RangeError,
      );
    }
    expect(() => createPool({ size: 1, createWorker: f.createWorker })).not.toThrow();
  });

  it('runs real worker_threads Workers and ends them on close()', async () => {
    // The same protocol in a real thread: counts primes below input, throws for a negative one.
    const source = `
      const { parentPort } = require('node:worker_threads');
      parentPort.on('message', ({ id, input }) => {
        if (input < 0) return parentPort.postMessage({ id, error: 'limit must not be negative' });
        let count = 0;
        for (let n = 2; n < input; n++) {
          let prime = true;
          for (let d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
          if (prime) count++;
        }
        parentPort.postMessage({ id, output: count });
      });`;
    const inputs = [100, 1000, -1, 10_000, 10];
    const threads: Worker[] = [];
    // Waits for the threads' answers themselves, so that a pool which mislays one fails on
    // its outcomes below instead of waiting forever.
    let answers = 0;
    const { promise: allAnswered, resolve } = Promise.withResolvers<void>();
    const pool = createPool({
      size: 2,
      createWorker: () => {
        const worker = new Worker(source, { eval: true });
        worker.on('message', () => {
          if (++answers === inputs.length) resolve();
        });
        threads.push(worker);
        return worker;
      },
    });
    try {
      const results = inputs.map((n) => track(pool.run(n)));
      await settle();
      expect(
        threads.length,
        'run() started no Worker: the tasks must run on workers from createWorker()',
      ).toBeGreaterThan(0);
      await allAnswered;
      await settle();
      expect(
        results.map(({ outcome }) =>
          outcome.status === 'rejected' ? (outcome.error as Error).message : outcome,
        ),
        'each task settles with the answer to its own input',
      ).toEqual([
        { status: 'resolved', value: 25 },
        { status: 'resolved', value: 168 },
        'limit must not be negative',
        { status: 'resolved', value: 1229 },
        { status: 'resolved', value: 4 },
      ]);
      expect(threads.length, 'a pool of 2 needs 2 threads').toBeLessThanOrEqual(2);
    } finally {
      await pool.close();
    }
    expect(
      threads.every((t) => t.threadId === -1),
      'close() must terminate every thread',
    ).toBe(true);
  });
});
