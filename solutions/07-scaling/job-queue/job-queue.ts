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
  const { store, handler, maxAttempts, baseDelayMs, maxDelayMs, now } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a whole number, 1 or more; got ${maxAttempts}`);
  }
  if (!Number.isFinite(baseDelayMs) || baseDelayMs < 0) {
    throw new RangeError(`baseDelayMs must be a finite number, 0 or more; got ${baseDelayMs}`);
  }
  if (!(maxDelayMs >= baseDelayMs)) {
    throw new RangeError(`maxDelayMs must be at least baseDelayMs; got ${maxDelayMs}`);
  }

  return {
    async runOnce() {
      const job = await store.reserve(now());
      if (job === undefined) return false;
      // The attempt count lives in the store, not in this process: a job retried by another
      // worker, or after a restart, must still stop at maxAttempts.
      const attempt = job.attempts + 1;
      try {
        // Awaited inside the try, so a handler that throws before returning a promise is caught
        // like one that rejects.
        await handler(job.payload, job);
      } catch (error) {
        const lastError = error instanceof Error ? error.message : String(error);
        if (attempt >= maxAttempts) {
          await store.deadLetter(job.id, attempt, lastError);
        } else {
          const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
          // Read the clock again: the wait runs from the failure, however long the attempt took.
          await store.retry(job.id, attempt, now() + delay, lastError);
        }
        return true;
      }
      // Only now is the work done. Acknowledging earlier would lose the job if this process
      // died in the middle of it; acknowledging after means a crash between the work and this
      // line runs the job again, which is why handlers must be idempotent.
      await store.ack(job.id);
      return true;
    },
  };
}
