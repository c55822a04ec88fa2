/**
 * What a failed HTTP call throws: the status and the headers of the response. `fetch` resolves
 * with a 503 instead of rejecting, so the code that calls it turns a response that is not ok
 * into one of these.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Headers;

  constructor(status: number, headers: HeadersInit = {}) {
    super(`HTTP ${status}`);
    this.name = 'HttpError';
    this.status = status;
    this.headers = new Headers(headers);
  }
}

export interface RetryOptions {
  /** Calls in all, the first one included. A whole number, 1 or more. */
  maxAttempts: number;
  /** The ceiling of the first delay, in milliseconds. More than 0. */
  baseDelayMs: number;
  /** No delay is longer than this, in milliseconds. At least baseDelayMs. */
  maxDelayMs: number;
  /** A number in [0, 1), like Math.random. */
  random: () => number;
  /** Waits `ms` milliseconds, like setTimeout from node:timers/promises. */
  sleep: (ms: number) => Promise<void>;
  /** The current time in milliseconds, like Date.now: for a Retry-After that is a date. */
  now: () => number;
}

/**
 * Whether another attempt could succeed: an HttpError with status 408, 429, 500, 502, 503 or
 * 504, or a network error whose `code` is ECONNRESET, ECONNREFUSED, ETIMEDOUT, EPIPE,
 * EAI_AGAIN, UND_ERR_SOCKET or UND_ERR_CONNECT_TIMEOUT, on the error itself (node:http) or on
 * its `cause` (fetch rejects with TypeError('fetch failed') and puts the code there). Anything
 * else, a thrown string or null included, is not.
 */
export function isRetryable(error: unknown): boolean {
  // TODO: is every failure worth another try?
  void error;
  return true;
}

/**
 * How many milliseconds a Retry-After header asks for at `nowMs`: whole seconds, digits only
 * ("120"), or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT"; a date already past asks for 0).
 * undefined when there is no header or it is neither form, so the caller falls back to its own
 * backoff. A helper for retry(); the tests check it through retry().
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  // TODO: this reads only one of the two forms, and what does it make of the other?
  void nowMs;
  return value === null ? undefined : parseInt(value, 10) * 1000;
}

/**
 * Calls `operation` until it succeeds, at most `maxAttempts` times, and resolves with what it
 * resolved with. It passes the attempt number, from 1.
 *
 * - An error that is not retryable (isRetryable) is thrown at once, the same object.
 * - After the last attempt the last error is thrown, without sleeping first.
 * - Before retry n (n = 1 after the first failure) it sleeps a random time from 0 up to
 *   min(maxDelayMs, baseDelayMs * 2 ** (n - 1)): full jitter, a fresh random number each time.
 * - When a retryable HttpError carries a Retry-After header that parses, it sleeps exactly
 *   that long instead; if that is longer than maxDelayMs, it does not wait and throws the error.
 *
 * Throws a RangeError, before calling anything, for options out of range.
 */
export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { maxAttempts, baseDelayMs, sleep } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= maxAttempts || !isRetryable(error)) throw error;
      // TODO: every client that failed at the same moment waits the same time, and the wait
      // grows by one step per attempt. The server's Retry-After is never read.
      await sleep(baseDelayMs * attempt);
    }
  }
}
