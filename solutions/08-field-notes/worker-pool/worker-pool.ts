import type { EventEmitter } from 'node:events';

/** What the pool posts to a worker: one task, with an id the worker sends back. */
export interface TaskMessage {
  id: number;
  input: unknown;
}

/** What a worker posts back for the task with that id: its output, or the message it threw. */
export type ResultMessage = { id: number; output: unknown } | { id: number; error: string };

/**
 * A worker as the pool sees it; a `Worker` from node:worker_threads is one. It emits 'message'
 * with a ResultMessage, 'error' with an Error when its code throws outside a task (a crash),
 * and 'exit' with an exit code when it stops, after a crash, on its own or after terminate().
 * postMessage() throws when a message cannot be copied to the worker (a function, say).
 */
export interface PoolWorker extends EventEmitter {
  postMessage(message: TaskMessage): void;
  terminate(): unknown;
}

export interface Pool {
  /** Runs one task on a worker; resolves with its output, rejects with an Error. */
  run(input: unknown): Promise<unknown>;
  /** Rejects every task not settled yet, terminates every worker; resolves once they are. */
  close(): Promise<void>;
}

/**
 * A pool of at most `size` workers from `createWorker()`, reused for task after task: starting
 * a worker costs milliseconds, so a worker per task is slow and, under load, unbounded.
 *
 * - `size` is a whole number of at least 1; anything else throws a RangeError.
 * - A worker runs one task at a time: the pool posts `{ id, input }` to an idle worker, and
 *   tasks that find no idle worker wait in a queue and start in the order they were run.
 *   There are never more than `size` live workers (created and not yet exited).
 * - Each task's promise settles with the answer that carries its id, whatever order the
 *   workers answer in: `{ id, output }` resolves it with output, `{ id, error }` rejects it
 *   with an Error whose message is error. Either way the worker is free for the next task.
 * - A task whose message postMessage() cannot send is rejected with what it threw; the pool
 *   carries on.
 * - An answer whose id is not the task that worker is running is ignored.
 * - A worker that emits 'error' rejects the task it was running with that error, and one that
 *   emits 'exit' with a task still running rejects it with an Error of your own. The task is not
 *   retried: a task that crashed one worker is likely to crash the next. A worker that exited,
 *   busy or idle, is never given a task again and is replaced, so the other tasks still run on
 *   up to `size` workers. Its 'error' must never crash the process that owns the pool.
 * - close() rejects every unsettled task, terminates every live worker, creates none after,
 *   and makes later run() calls reject.
 */
export function createPool(options: { size: number; createWorker: () => PoolWorker }): Pool {
  const { size, createWorker } = options;
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`size must be a whole number of at least 1, got ${size}`);
  }

  interface Task {
    id: number;
    input: unknown;
    resolve: (output: unknown) => void;
    reject: (error: Error) => void;
  }

  const queue: Task[] = [];
  const live = new Set<PoolWorker>();
  const idle: PoolWorker[] = [];
  // Each busy worker's task. A worker's answer is checked against the task's id too, so a
  // stray or late answer can never settle another task's promise.
  const busy = new Map<PoolWorker, Task>();
  let nextId = 1;
  let closed = false;

  function fail(worker: PoolWorker, error: Error): void {
    const task = busy.get(worker);
    if (task === undefined) return;
    busy.delete(worker);
    task.reject(error);
  }

  function start(): PoolWorker {
    const worker = createWorker();
    live.add(worker);
    worker.on('message', (message: ResultMessage) => {
      const task = busy.get(worker);
      if (task === undefined || message.id !== task.id) return;
      busy.delete(worker);
      if ('error' in message) task.reject(new Error(message.error));
      else task.resolve(message.output);
      idle.push(worker);
      dispatch();
    });
    // Listening is what keeps a crash in the worker from becoming an uncaught 'error' here.
    worker.on('error', (error: Error) => fail(worker, error));
    worker.on('exit', (code: number) => {
      live.delete(worker);
      const at = idle.indexOf(worker);
      if (at !== -1) idle.splice(at, 1);
      fail(worker, new Error(`the worker exited with code ${code} while running this task`));
      dispatch();
    });
    return worker;
  }

  function dispatch(): void {
    while (!closed && queue.length > 0) {
      const worker = idle.pop() ?? (live.size < size ? start() : undefined);
      if (worker === undefined) return;
      const task = queue.shift()!;
      busy.set(worker, task);
      try {
        worker.postMessage({ id: task.id, input: task.input });
      } catch (error) {
        busy.delete(worker);
        idle.push(worker);
        task.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  return {
    run(input) {
      if (closed) return Promise.reject(new Error('run() after close(): the pool is closed'));
      return new Promise((resolve, reject) => {
        queue.push({ id: nextId++, input, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      const error = new Error('the pool was closed before this task finished');
      for (const task of queue.splice(0)) task.reject(error);
      for (const task of busy.values()) task.reject(error);
      busy.clear();
      await Promise.all([...live].map((worker) => worker.terminate()));
    },
  };
}
