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

/** Statuses that say "not now" rather than "not this": the same request may succeed later. */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Codes of network failures that a later attempt may not meet: the connection was refused,
 * reset or timed out, or the name did not resolve for now. ENOTFOUND is missing on purpose: a
 * name that does not exist will not exist in a second either.
 */
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The `code` of a value, if it is an object that has a string one. */
function codeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('code' in value)) return undefined;
  return typeof value.code === 'string' ? value.code : undefined;
}

/**
 * Whether another attempt could succeed: an HttpError with a status in RETRYABLE_STATUSES, or
 * a network error whose `code` is in RETRYABLE_CODES, on the error itself (node:http) or on
 * its `cause` (fetch rejects with TypeError('fetch failed') and puts the code there). Anything
 * else, a thrown string or null included, is not.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof HttpError) return RETRYABLE_STATUSES.has(error.status);
  const code = codeOf(error) ?? (error instanceof Error ? codeOf(error.cause) : undefined);
  return code !== undefined && RETRYABLE_CODES.has(code);
}

/**
 * How many milliseconds a Retry-After header asks for at `nowMs`: whole seconds ("120") or an
 * HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT"; a date already past asks for 0). undefined when
 * there is no header or it is neither form, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  // Digits only: Number('') is 0 and Number('-5') is -5, and neither is a delay.
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // A date has a letter in it (the day and month are names). Without this, Date.parse would
  // read '1.5' or '-5' as dates in some year long past, and the retry would go at once.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
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
  const { maxAttempts, baseDelayMs, maxDelayMs, random, sleep, now } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError('maxAttempts must be a whole number, 1 or more');
  }
  if (!(baseDelayMs > 0) || !(maxDelayMs >= baseDelayMs)) {
    throw new RangeError('baseDelayMs must be more than 0 and maxDelayMs at least baseDelayMs');
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= maxAttempts || !isRetryable(error)) throw error;
      const asked =
        error instanceof HttpError
          ? parseRetryAfter(error.headers.get('retry-after'), now())
          : undefined;
      if (asked !== undefined && asked > maxDelayMs) throw error;
      // The cap applies to the ceiling, before the random draw: capping after it would put
      // every client that has failed a few times at exactly maxDelayMs, a herd again.
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      await sleep(asked ?? random() * ceiling);
    }
  }
}
