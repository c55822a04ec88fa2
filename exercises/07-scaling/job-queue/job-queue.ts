/** One job as the store hands it out. */
export interface Job<T> {
  id: string;
  payload: T;
  /** How many attempts were made before this one; 0 the first time the job is handed out. */
  attempts: number;
}

/**
 * Where jobs wait: a list in Redis, a table in PostgreSQL, shared by every worker and every
 * restart. Each call is a round trip.
 */
export interface JobStore<T> {
  /**
   * Hands out the next job that is due at `now` and reserves it, or resolves with undefined when
   * none is due. The job stays in the store while it is reserved: if the worker holding it dies,
   * the store hands it out again once the reservation runs out.
   */
  reserve(now: number): Promise<Job<T> | undefined>;
  /** The job is done: removes it for good. */
  ack(id: string): Promise<void>;
  /** Puts the job back, due again at `runAt`, with the attempts made so far and why the last failed. */
  retry(id: string, attempts: number, runAt: number, lastError: string): Promise<void>;
  /** Moves the job to the dead-letter list, with the attempts made and why the last one failed. */
  deadLetter(id: string, attempts: number, lastError: string): Promise<void>;
}

export interface WorkerOptions<T> {
  store: JobStore<T>;
  /** Does the job's work. It fails by throwing, or by returning a promise that rejects. */
  handler: (payload: T, job: Job<T>) => Promise<void> | void;
  /** Attempts in all, the first one included. A whole number, 1 or more. */
  maxAttempts: number;
  /**
   * The wait after the first failed attempt, in ms, doubled after each further one. A finite
   * number, 0 or more.
   */
  baseDelayMs: number;
  /** The longest wait between two attempts, in ms. At least baseDelayMs. */
  maxDelayMs: number;
  /** The current time in milliseconds. */
  now: () => number;
}

export interface Worker {
  /**
   * Reserves one due job and runs it: resolves with true once the job is acknowledged,
   * rescheduled or dead-lettered, or with false when no job was due.
   */
  runOnce(): Promise<boolean>;
}

/**
 * A worker that runs jobs from `store` with `handler`, at least once each.
 *
 * - A job is acknowledged only after its handler has finished without error.
 * - A failed attempt is never lost: the job goes back to the store, due again
 *   min(maxDelayMs, baseDelayMs × 2^(n - 1)) ms after attempt n failed (counted from the
 *   moment it failed, by `now`), with the attempts made so far.
 * - After maxAttempts failed attempts in all the job goes to the dead-letter list with the
 *   attempts and the last error. The attempts made so far come with the job from the store,
 *   since any worker, or this one after a restart, may make the next one.
 * - lastError is the thrown Error's message, or String(value) for anything else thrown.
 *
 * createWorker() throws a RangeError straight away for options out of range (see WorkerOptions).
 */
export function createWorker<T>(options: WorkerOptions<T>): Worker {
  const { store, handler, now } = options;
  // TODO: refuse options out of range.
  return {
    async runOnce() {
      const job = await store.reserve(now());
      if (job === undefined) return false;
      try {
        await handler(job.payload, job);
      } catch (error) {
        // TODO: the job is logged and then forgotten. Nobody reads this log at 3 a.m.
        console.error(`job ${job.id} failed:`, error);
      } finally {
        // TODO: done or not, every job ends up here.
        await store.ack(job.id);
      }
      return true;
    },
  };
}
