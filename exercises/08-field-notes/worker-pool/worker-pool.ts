import type { EventEmitter } from 'node:events';
import { countPrimes } from './primes.ts';

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
  // TODO: this runs the work on the main thread. Wrapping it in a Promise does not move it:
  // the executor runs at once, and the event loop serves nothing else until it returns.
  void options;
  return {
    run: (input) => new Promise((resolve) => resolve(countPrimes(Number(input)))),
    close: async () => {},
  };
}
