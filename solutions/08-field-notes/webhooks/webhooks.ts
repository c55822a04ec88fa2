import { createHmac, timingSafeEqual } from 'node:crypto';

/** One event to deliver: `body` is the exact JSON text the receiver gets and the signature covers. */
export interface WebhookEvent {
  id: string;
  url: string;
  body: string;
}

/** One HTTP POST, as the dispatcher hands it to `send`. */
export interface Delivery {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** What the receiver answered. `retryAfter` is its Retry-After header, when it sent one. */
export interface SendResult {
  status: number;
  retryAfter?: string;
}

/** An event given up on: how many attempts it had and the status of the last one. */
export interface DeadLetter {
  event: WebhookEvent;
  attempts: number;
  /** The last attempt's status, or null when it got no answer (a timeout, a reset). */
  lastStatus: number | null;
}

export interface DispatcherOptions {
  /** Posts one delivery. Resolves with the answer; rejects on a timeout or a network error. */
  send: (delivery: Delivery) => Promise<SendResult>;
  /** The secret shared with the receiver, for the signature. */
  secret: string;
  /** Attempts per event in all, the first one included. */
  maxAttempts: number;
  /** The ceiling of the first delay, in milliseconds. */
  baseDelayMs: number;
  /** No backoff delay is longer than this, in milliseconds. */
  maxDelayMs: number;
  /** A number in [0, 1), like Math.random. */
  random: () => number;
  /** Waits `ms` milliseconds, like setTimeout from node:timers/promises. */
  sleep: (ms: number) => Promise<void>;
  /** The current time in milliseconds, like Date.now. */
  now: () => number;
}

export interface Dispatcher {
  /** Takes the event and returns at once; delivery goes on in the background. */
  enqueue(event: WebhookEvent): void;
  /** Resolves once every event enqueued so far is delivered or dead. */
  idle(): Promise<void>;
  /** Ids of the events delivered, in the order their deliveries succeeded. */
  readonly delivered: readonly string[];
  /** Events given up on, in the order they were given up on. */
  readonly deadLetters: readonly DeadLetter[];
}

/** The HMAC-SHA256 of "<timestamp>.<raw body>", in hex. */
function signature(secret: string, timestamp: string, rawBody: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/**
 * Whether another attempt could succeed: a request timeout, too many requests, or the
 * receiver's own failure. Any other 4xx (and a redirect) says the request itself is wrong, and
 * sending it again gets the same answer.
 */
function isRetryable(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Milliseconds a Retry-After value asks for at `nowMs`: whole seconds or an HTTP-date (a date
 * past asks for 0). undefined for anything else, so the caller falls back to its backoff.
 */
function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  // No trim(): header values arrive without surrounding whitespace (fetch strips it).
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // A date has letters in it; without this check Date.parse reads '1.5' as a date long past.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * Delivers webhooks outside the request that caused them.
 *
 * - enqueue(event) returns at once; delivery goes on in the background, each event on its own,
 *   so a receiver that never answers holds up no other event (and no order request).
 * - Every attempt is a POST through `send` with the event's url and exact body, and the headers
 *   content-type (application/json), webhook-id (the event id), webhook-timestamp (now() of this attempt, in whole seconds) and
 *   webhook-signature (hex HMAC-SHA256 with `secret` over "<timestamp>.<body>").
 * - A 2xx delivers: the id goes on `delivered`.
 * - A 408, a 429, a 5xx or a rejected send (a timeout, a reset) may go away: retry, at most
 *   maxAttempts attempts in all. Before retry n (n = 1 after the first failure) sleep
 *   random() * min(maxDelayMs, baseDelayMs * 2 ** (n - 1)), a fresh random number each time,
 *   unless the answer had a Retry-After in whole seconds (digits only) or as an HTTP-date: then
 *   sleep as long as it asks (a date past asks for 0); a Retry-After in any other form is
 *   ignored. Never sleep after the last attempt.
 * - Any other status (another 4xx, a redirect) goes straight to `deadLetters`, as does an event
 *   out of attempts: { event, attempts, lastStatus }, lastStatus null when the last attempt got
 *   no answer.
 * - idle() resolves once every event enqueued so far is delivered or dead.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { send, secret, maxAttempts, baseDelayMs, maxDelayMs, random, sleep, now } = options;
  const delivered: string[] = [];
  const deadLetters: DeadLetter[] = [];
  const pending = new Set<Promise<void>>();

  async function deliver(event: WebhookEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      // A fresh timestamp per attempt: a retry an hour later must not look like a replay
      // of an old request to a receiver that rejects timestamps older than five minutes.
      const timestamp = String(Math.floor(now() / 1000));
      const headers = {
        'content-type': 'application/json',
        'webhook-id': event.id,
        'webhook-timestamp': timestamp,
        'webhook-signature': signature(secret, timestamp, event.body).toString('hex'),
      };
      let status: number | null = null;
      let retryAfter: string | undefined;
      try {
        ({ status, retryAfter } = await send({ url: event.url, body: event.body, headers }));
      } catch {
        // No answer at all (a timeout, a reset connection): the receiver may be back soon.
      }
      if (status !== null && status >= 200 && status <= 299) {
        delivered.push(event.id);
        return;
      }
      const retryable = status === null || isRetryable(status);
      if (!retryable || attempt >= maxAttempts) {
        deadLetters.push({ event, attempts: attempt, lastStatus: status });
        return;
      }
      const asked = parseRetryAfter(retryAfter, now());
      // Cap the ceiling, then draw: capping after the draw would put every event that has
      // failed a few times at exactly maxDelayMs, all together.
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      await sleep(asked ?? random() * ceiling);
    }
  }

  return {
    enqueue(event) {
      const delivery = deliver(event).finally(() => pending.delete(delivery));
      pending.add(delivery);
    },
    async idle() {
      // Loop: an event enqueued while we wait must be waited for too.
      while (pending.size > 0) await Promise.all(pending);
    },
    delivered,
    deadLetters,
  };
}

/** Why verifyWebhook() refused a request. */
export type Rejection = 'malformed' | 'timestamp' | 'signature' | 'replay';

export type Verification = { ok: true; id: string } | { ok: false; reason: Rejection };

/** Requests older (or further in the future) than this are refused, in seconds. */
const TOLERANCE_SECONDS = 5 * 60;

/**
 * Checks a webhook request as its receiver, before anything parses the body. Never throws.
 *
 * - 'malformed' when webhook-id, webhook-timestamp or webhook-signature is missing (header
 *   names are lowercase, as node:http gives them).
 * - 'timestamp' when webhook-timestamp is not whole seconds in digits, or is more than five
 *   minutes (300 s) before or after `nowMs`.
 * - 'signature' unless webhook-signature is the hex HMAC-SHA256 with `secret` over
 *   "<timestamp>.<raw body>", the raw bytes as received; compared with crypto.timingSafeEqual
 *   from node:crypto, and a signature of another length refused without throwing.
 * - 'replay' when the id is in `seenIds` already. Add the id to `seenIds` only when the request
 *   passed every check, then return { ok: true, id }.
 */
export function verifyWebhook(
  rawBody: string | Buffer,
  headers: Record<string, string | undefined>,
  secret: string,
  nowMs: number,
  seenIds: Set<string>,
): Verification {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const given = headers['webhook-signature'];
  if (!id || timestamp === undefined || given === undefined) {
    return { ok: false, reason: 'malformed' };
  }
  if (!/^\d+$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) {
    return { ok: false, reason: 'timestamp' };
  }
  // Compare the hex text, not bytes decoded from it: Buffer.from(text, 'hex') stops at the
  // first character that is not hex, so a valid signature with junk after it would pass.
  const expected = Buffer.from(signature(secret, timestamp, rawBody).toString('hex'));
  const received = Buffer.from(given);
  // timingSafeEqual throws on different lengths; the length of a MAC is no secret.
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    return { ok: false, reason: 'signature' };
  }
  // Only now: a forged request must not be able to use up a genuine event's id.
  if (seenIds.has(id)) return { ok: false, reason: 'replay' };
  seenIds.add(id);
  return { ok: true, id };
}
