import { createHmac } from 'node:crypto';

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
  const { send } = options;
  const delivered: string[] = [];
  const deadLetters: DeadLetter[] = [];
  return {
    // TODO: version 1 of the incident. The customer's order waits for the customer's endpoint,
    // a failure is swallowed without a trace, and nobody signs or retries anything.
    async enqueue(event) {
      try {
        const { status } = await send({
          url: event.url,
          body: event.body,
          headers: { 'content-type': 'application/json' },
        });
        if (status >= 200 && status <= 299) delivered.push(event.id);
      } catch {
        // TODO: where did this failure go?
      }
    },
    async idle() {},
    delivered,
    deadLetters,
  };
}

/** Why verifyWebhook() refused a request. */
export type Rejection = 'malformed' | 'timestamp' | 'signature' | 'replay';

export type Verification = { ok: true; id: string } | { ok: false; reason: Rejection };

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
  void nowMs;
  void seenIds;
  const id = headers['webhook-id'] ?? '';
  const timestamp = headers['webhook-timestamp'] ?? '';
  // TODO: is this what the sender signed? And what does === reveal about a wrong signature?
  const body: unknown = JSON.parse(rawBody.toString());
  const expected = createHmac('sha256', secret)
    .update(`${timestamp}.${JSON.stringify(body)}`)
    .digest('hex');
  if (headers['webhook-signature'] !== expected) return { ok: false, reason: 'signature' };
  return { ok: true, id };
}
