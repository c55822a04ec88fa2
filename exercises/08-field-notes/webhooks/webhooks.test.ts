import type * as NodeCrypto from 'node:crypto';
import { createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createDispatcher,
  verifyWebhook,
  type Delivery,
  type DispatcherOptions,
  type SendResult,
  type WebhookEvent,
} from './webhooks.ts';

/**
 * crypto.timingSafeEqual, the real one, but counted: a constant-time comparison cannot be
 * told from `===` by timing it on a busy machine, so the test checks that the comparison
 * node:crypto provides for it was used.
 */
const timingSafeEqual = vi.hoisted(() => vi.fn());
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof NodeCrypto>();
  timingSafeEqual.mockImplementation(crypto.timingSafeEqual);
  return { ...crypto, timingSafeEqual, default: { ...crypto, timingSafeEqual } };
});

beforeEach(() => {
  timingSafeEqual.mockClear();
});

const SECRET = 'whsec-field-notes-4';
const START = Date.UTC(2030, 4, 1, 12, 0, 0); // a clock far from the real one, in ms

/** One answer of a fake receiver: a status (with a Retry-After), or no answer at all. */
type Answer = number | { status: number; retryAfter: string } | 'timeout';

/**
 * A dispatcher on a fake clock: sleep() records the delay and moves the clock by it at once,
 * and each url answers from its own script (the last answer repeats).
 */
function setUp(
  scripts: Record<string, Answer[]>,
  options: Partial<DispatcherOptions> & { randoms?: number[] } = {},
) {
  let clock = START;
  const sleeps: number[] = [];
  const sent: Delivery[] = [];
  const sentAt: number[] = [];
  const randoms = [...(options.randoms ?? [0.5])];
  const calls = new Map<string, number>();
  const send = async (delivery: Delivery): Promise<SendResult> => {
    sent.push(delivery);
    sentAt.push(clock);
    const script = scripts[delivery.url] ?? [200];
    const n = calls.get(delivery.url) ?? 0;
    calls.set(delivery.url, n + 1);
    const answer = script[Math.min(n, script.length - 1)]!;
    if (answer === 'timeout') throw new Error('The operation was aborted due to timeout');
    return typeof answer === 'number' ? { status: answer } : answer;
  };
  const dispatcher = createDispatcher({
    send,
    secret: SECRET,
    maxAttempts: 5,
    baseDelayMs: 1000,
    maxDelayMs: 60_000,
    random: () => (randoms.length > 1 ? randoms.shift()! : randoms[0]!),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    ...options,
  });
  return { dispatcher, sleeps, sent, sentAt, now: () => clock };
}

const event = (id: string, url = 'https://shop.example/hooks', body = `{"order":"${id}"}`) => ({
  id,
  url,
  body,
});

/** Lets every promise chain that can run, run: one turn of the event loop. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The signature the statement describes, computed here independently of the learner. */
const sign = (timestamp: string, rawBody: string | Buffer, secret = SECRET) =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');

const seconds = (ms: number) => String(Math.floor(ms / 1000));

function signedHeaders(id: string, rawBody: string | Buffer, atMs = START) {
  const timestamp = seconds(atMs);
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': sign(timestamp, rawBody),
  } as Record<string, string | undefined>;
}

/** What verifyWebhook returned, or a one-line description of what it threw. */
function verify(
  rawBody: string | Buffer,
  headers: Record<string, string | undefined>,
  nowMs = START,
  seen = new Set<string>(),
): unknown {
  try {
    return verifyWebhook(rawBody, headers, SECRET, nowMs, seen);
  } catch (error) {
    return `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
}

describe('createDispatcher()', () => {
  it('delivers an event with one POST of its exact body to its url', async () => {
    const { dispatcher, sent } = setUp({});
    dispatcher.enqueue(event('evt_1'));
    await dispatcher.idle();
    expect(
      sent.map(({ url, body }) => ({ url, body })),
      'send() gets the event url and its body exactly as enqueued, once',
    ).toEqual([{ url: 'https://shop.example/hooks', body: '{"order":"evt_1"}' }]);
    expect(dispatcher.delivered, 'a 2xx answer means delivered: record its id').toEqual(['evt_1']);
    expect(dispatcher.deadLetters).toEqual([]);
  });

  it('returns from enqueue() before send() settles', async () => {
    const never = new Promise<SendResult>(() => {});
    const dispatcher = createDispatcher({
      send: () => never,
      secret: SECRET,
      maxAttempts: 3,
      baseDelayMs: 10,
      maxDelayMs: 100,
      random: () => 0.5,
      sleep: async () => {},
      now: () => START,
    });
    // The order handler of the incident: whatever it awaits, the customer waits for.
    let answered = false;
    const placeOrder = async () => {
      await dispatcher.enqueue(event('evt_slow'));
      answered = true;
    };
    void placeOrder();
    await turn();
    expect(
      answered,
      'a receiver that never answers held up the order request: enqueue() must only take the ' +
        'event and return, and deliver it in the background, not inside the request',
    ).toBe(true);
  });

  it('delivers each event on its own: a receiver that never answers holds up no other', async () => {
    const dispatcher = createDispatcher({
      send: (delivery) =>
        delivery.url.includes('stuck')
          ? new Promise<SendResult>(() => {})
          : Promise.resolve({ status: 204 }),
      secret: SECRET,
      maxAttempts: 3,
      baseDelayMs: 10,
      maxDelayMs: 100,
      random: () => 0.5,
      sleep: async () => {},
      now: () => START,
    });
    dispatcher.enqueue(event('evt_a', 'https://stuck.example/hooks'));
    dispatcher.enqueue(event('evt_b', 'https://fine.example/hooks'));
    dispatcher.enqueue(event('evt_c', 'https://fine.example/hooks'));
    // Waits for the state, not for a fixed time: a correct dispatcher may start its work on
    // a timer. One that sends events one after the other never gets there.
    await vi.waitFor(
      () =>
        expect(
          [...dispatcher.delivered].sort(),
          'events for other receivers waited behind one that never answers: deliver every ' +
            'event in its own async task, not one after the other in a single queue',
        ).toEqual(['evt_b', 'evt_c']),
      { timeout: 2000, interval: 5 },
    );
  });

  it('signs every attempt with HMAC-SHA256 over its own timestamp and the raw body', async () => {
    const body = '{ "order": "o-77",  "total": 12.50 }';
    const { dispatcher, sent, sentAt } = setUp(
      { 'https://shop.example/hooks': [503, 200] },
      { randoms: [0.9] },
    );
    dispatcher.enqueue(event('evt_signed', 'https://shop.example/hooks', body));
    await dispatcher.idle();
    expect(sent, 'the 503 is retried once, then the 200 delivers').toHaveLength(2);
    sent.forEach((delivery, i) => {
      const timestamp = seconds(sentAt[i]!);
      expect(
        delivery.headers,
        `attempt ${i + 1}: send the headers webhook-id (the event id), webhook-timestamp (the ` +
          'time of this attempt in whole seconds) and webhook-signature (hex HMAC-SHA256 with ' +
          'the secret over "<timestamp>.<raw body>"); a retry gets a fresh timestamp and ' +
          'signature, or a receiver would refuse a late retry as too old',
      ).toMatchObject({
        'content-type': 'application/json',
        'webhook-id': 'evt_signed',
        'webhook-timestamp': timestamp,
        'webhook-signature': sign(timestamp, body),
      });
    });
    expect(
      verify(body, sent[1]!.headers, sentAt[1]!),
      'what the dispatcher sends must pass verifyWebhook() at the time it was sent',
    ).toEqual({ ok: true, id: 'evt_signed' });
  });

  it('retries a 5xx, a 408, a 429 and a timeout until the receiver recovers', async () => {
    const script: Answer[] = [500, 503, 408, 429, 'timeout', 599, 201];
    const { dispatcher, sent } = setUp(
      { 'https://shop.example/hooks': script },
      { maxAttempts: 7 },
    );
    dispatcher.enqueue(event('evt_flaky'));
    await dispatcher.idle();
    expect(
      sent.length,
      'every one of 500, 503, 408, 429, a rejected send() (a timeout) and 599 may go away: ' +
        'retry each, and stop at the 201',
    ).toBe(7);
    expect(dispatcher.delivered).toEqual(['evt_flaky']);
    expect(dispatcher.deadLetters).toEqual([]);
  });

  it('sleeps between attempts, and not after the last one', async () => {
    const { dispatcher, sleeps, sent } = setUp({ 'https://shop.example/hooks': [500] });
    dispatcher.enqueue(event('evt_down'));
    await dispatcher.idle();
    expect(sent.length, 'maxAttempts is 5: five attempts in all').toBe(5);
    expect(
      sleeps.length,
      'retrying at once hammers a receiver that is already failing: call sleep() before each ' +
        'retry (4 for 5 attempts), and not after the last attempt, which has nothing to wait for',
    ).toBe(4);
  });

  it('waits capped exponential backoff with full jitter', async () => {
    const randoms = [0.5, 0.25, 0.75, 0.1, 0.9, 0.999];
    const { dispatcher, sleeps } = setUp(
      { 'https://shop.example/hooks': [503] },
      { maxAttempts: 7, baseDelayMs: 100, maxDelayMs: 1000, randoms },
    );
    dispatcher.enqueue(event('evt_backoff'));
    await dispatcher.idle();
    const expected = randoms.map((r, i) => r * Math.min(1000, 100 * 2 ** i));
    expect(
      sleeps.map((ms) => Math.round(ms * 1000) / 1000),
      'before retry n (from 1) sleep random() * min(maxDelayMs, baseDelayMs * 2 ** (n - 1)): ' +
        'the ceiling doubles and is capped, then a fresh random number picks the delay below ' +
        'it (not attempt * baseDelayMs, which is linear, and not capping after the draw)',
    ).toEqual(expected.map((ms) => Math.round(ms * 1000) / 1000));
  });

  it('honours Retry-After in seconds and as an HTTP-date', async () => {
    const inTwenty = new Date(START + 20_000).toUTCString();
    const { dispatcher, sleeps } = setUp(
      {
        'https://shop.example/hooks': [
          { status: 429, retryAfter: '12' },
          { status: 503, retryAfter: inTwenty },
          { status: 503, retryAfter: 'soon' },
          { status: 503, retryAfter: '1.5' },
          200,
        ],
      },
      { randoms: [0.5] },
    );
    dispatcher.enqueue(event('evt_later'));
    await dispatcher.idle();
    expect(
      sleeps,
      'Retry-After: 12 asks for 12,000 ms; an HTTP-date asks for the time until that date (the ' +
        'clock has moved 12 s by then, so 8,000 ms); a value that is neither whole seconds nor a ' +
        'date ("soon", "1.5") falls back to the backoff, here 0.5 * 4,000 and 0.5 * 8,000 ms. ' +
        'parseInt() makes NaN of a date, and Date.parse() reads "1.5" as a day in 2001',
    ).toEqual([12000, 8000, 2000, 4000]);
    expect(dispatcher.delivered).toEqual(['evt_later']);
  });

  it('sends a 400 or another 4xx straight to the dead-letter list', async () => {
    const { dispatcher, sent, sleeps } = setUp({
      'https://a.example/hooks': [400],
      'https://b.example/hooks': [401],
      'https://c.example/hooks': [404],
      'https://d.example/hooks': [422],
    });
    for (const url of ['a', 'b', 'c', 'd']) {
      dispatcher.enqueue(event(`evt_${url}`, `https://${url}.example/hooks`));
    }
    await dispatcher.idle();
    expect(
      { sent: sent.length, sleeps: sleeps.length },
      'a 400, 401, 404 or 422 says the request is wrong, not that the receiver is busy: sending ' +
        'it again gets the same answer. One attempt each, no retry, no sleep',
    ).toEqual({ sent: 4, sleeps: 0 });
    expect(
      dispatcher.deadLetters.map(({ event: { id }, attempts, lastStatus }) => ({
        id,
        attempts,
        lastStatus,
      })),
      'each goes to deadLetters with attempts 1 and the status it got',
    ).toEqual(
      expect.arrayContaining([
        { id: 'evt_a', attempts: 1, lastStatus: 400 },
        { id: 'evt_b', attempts: 1, lastStatus: 401 },
        { id: 'evt_c', attempts: 1, lastStatus: 404 },
        { id: 'evt_d', attempts: 1, lastStatus: 422 },
      ]),
    );
  });

  it('gives up after maxAttempts and keeps the attempts and the last status', async () => {
    const { dispatcher } = setUp(
      {
        'https://down.example/hooks': [500, 502, 503],
        'https://gone.example/hooks': [503, 'timeout'],
      },
      { maxAttempts: 3 },
    );
    const down = event('evt_down', 'https://down.example/hooks');
    const gone = event('evt_gone', 'https://gone.example/hooks');
    dispatcher.enqueue(down);
    dispatcher.enqueue(gone);
    await dispatcher.idle();
    expect(
      [...dispatcher.deadLetters].sort((x, y) => x.event.id.localeCompare(y.event.id)),
      'after maxAttempts failed attempts the event goes to deadLetters as { event, attempts, ' +
        'lastStatus }: the event itself (to replay it by hand), the attempts made, and the ' +
        'status of the last one, null when the last attempt got no answer',
    ).toEqual([
      { event: down, attempts: 3, lastStatus: 503 },
      { event: gone, attempts: 3, lastStatus: null },
    ]);
    expect(dispatcher.delivered).toEqual([]);
  });

  it('accounts for every event: delivered + dead = enqueued', async () => {
    const scripts: Record<string, Answer[]> = {};
    const ids: string[] = [];
    const kinds: Answer[][] = [[299], [500, 204], [400], [503], ['timeout', 200], [429, 410]];
    for (let i = 0; i < 60; i++) {
      const url = `https://r${i}.example/hooks`;
      scripts[url] = kinds[i % kinds.length]!;
      ids.push(`evt_${i}`);
    }
    const { dispatcher } = setUp(scripts, { maxAttempts: 3 });
    ids.forEach((id, i) => dispatcher.enqueue(event(id, `https://r${i}.example/hooks`)));
    await dispatcher.idle();
    const delivered = [...dispatcher.delivered].sort();
    const dead = dispatcher.deadLetters.map((entry) => entry.event.id).sort();
    expect(
      { delivered: delivered.length, dead: dead.length },
      'every event ends delivered or dead, once: 30 delivered (any 2xx: 299, 500 then 204, ' +
        'timeout then 200) and 30 dead (400, 503 three times, 429 then 410); idle() resolves only when all ' +
        'have ended',
    ).toEqual({ delivered: 30, dead: 30 });
    expect([...delivered, ...dead].sort(), 'no event may be lost or counted twice').toEqual(
      [...ids].sort(),
    );
  });
});

describe('verifyWebhook()', () => {
  it('accepts a request signed over the raw body, spaces and key order as sent', () => {
    const raw = '{"total": 12.50, "order":"o-1",  "note":"caf\u00e9"}';
    expect(
      verify(raw, signedHeaders('evt_1', raw)),
      'the signature covers the exact bytes received: HMAC-SHA256 over "<timestamp>.<raw ' +
        'body>". JSON.stringify(JSON.parse(raw)) drops the spaces and turns 12.50 into 12.5, ' +
        'so a signature over re-serialised JSON never matches. Return { ok: true, id }',
    ).toEqual({ ok: true, id: 'evt_1' });
    const bytes = Buffer.from(raw);
    expect(
      verify(bytes, signedHeaders('evt_2', bytes)),
      'the raw body may come as a Buffer, as a server reads it',
    ).toEqual({ ok: true, id: 'evt_2' });
  });

  it('rejects a tampered body or another secret', () => {
    const raw = '{"order":"o-2","total":12.5}';
    expect(
      verify('{"order":"o-2","total":1250}', signedHeaders('evt_3', raw)),
      'a body that differs from the one signed fails the signature: { ok: false, reason: ' +
        '"signature" }',
    ).toEqual({ ok: false, reason: 'signature' });
    const timestamp = seconds(START);
    expect(
      verify(raw, {
        'webhook-id': 'evt_4',
        'webhook-timestamp': timestamp,
        'webhook-signature': sign(timestamp, raw, 'someone-elses-secret'),
      }),
      'a signature made with another secret is not valid',
    ).toEqual({ ok: false, reason: 'signature' });
  });

  it('rejects a signature over another timestamp', () => {
    const raw = '{"order":"o-3"}';
    const headers = signedHeaders('evt_5', raw, START - 60_000);
    headers['webhook-timestamp'] = seconds(START);
    expect(
      verify(raw, headers),
      'the timestamp is signed with the body, so an attacker cannot make an old request look ' +
        'fresh: sign "<timestamp>.<raw body>", not the body alone',
    ).toEqual({ ok: false, reason: 'signature' });
  });

  it('compares the signature in constant time', () => {
    const raw = '{"order":"o-4"}';
    const headers = signedHeaders('evt_6', raw);
    const good = headers['webhook-signature']!;
    headers['webhook-signature'] = `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`;
    expect(verify(raw, headers)).toEqual({ ok: false, reason: 'signature' });
    expect(
      timingSafeEqual.mock.calls.length,
      '=== stops at the first character that differs, so its time tells an attacker how much ' +
        'of a forged signature is right: compare with crypto.timingSafeEqual',
    ).toBeGreaterThan(0);
  });

  it('rejects a signature of the wrong length without throwing', () => {
    const raw = '{"order":"o-5"}';
    const good = signedHeaders('evt_7', raw)['webhook-signature']!;
    for (const given of ['', 'abc', good.slice(0, -2), `${good}00`, `${good}zz`]) {
      const headers = signedHeaders('evt_7', raw);
      headers['webhook-signature'] = given;
      expect(
        verify(raw, headers),
        `signature "${given.slice(0, 12)}..." (${given.length} characters): timingSafeEqual ` +
          'throws when the lengths differ, so check the length first and refuse; valid hex ' +
          'with junk after it is not the signature either',
      ).toEqual({ ok: false, reason: 'signature' });
    }
  });

  it('rejects a timestamp more than five minutes away', () => {
    const raw = '{"order":"o-6"}';
    const at = (offsetSeconds: number, id: string) =>
      verify(raw, signedHeaders(id, raw, START + offsetSeconds * 1000));
    expect(
      at(-301, 'evt_old'),
      'a request signed 301 s ago may be a recorded one played back: { ok: false, reason: ' +
        '"timestamp" }',
    ).toEqual({ ok: false, reason: 'timestamp' });
    expect(
      at(301, 'evt_future'),
      'a timestamp 301 s ahead is refused too: the window is five minutes either way',
    ).toEqual({ ok: false, reason: 'timestamp' });
    expect(
      [at(-300, 'evt_edge_old'), at(300, 'evt_edge_new')],
      'exactly 300 s away is still within five minutes: accept it',
    ).toEqual([
      { ok: true, id: 'evt_edge_old' },
      { ok: true, id: 'evt_edge_new' },
    ]);
    const headers = signedHeaders('evt_word', raw);
    headers['webhook-timestamp'] = 'yesterday';
    expect(
      verify(raw, headers),
      'a timestamp that is not whole seconds in digits is refused, without throwing',
    ).toMatchObject({ ok: false });
    for (const timestamp of [`${seconds(START)}.0`, `+${seconds(START)}`]) {
      const signed = { ...signedHeaders('evt_odd', raw) };
      signed['webhook-timestamp'] = timestamp;
      signed['webhook-signature'] = sign(timestamp, raw);
      expect(
        verify(raw, signed),
        `timestamp "${timestamp}", even signed, is not whole seconds in digits only: refuse it`,
      ).toMatchObject({ ok: false });
    }
  });

  it('rejects a replayed id, and a forged request cannot use one up', () => {
    const raw = '{"order":"o-7"}';
    const seen = new Set<string>();
    const forged = signedHeaders('evt_8', raw);
    forged['webhook-signature'] = '0'.repeat(64);
    expect(verify(raw, forged, START, seen)).toEqual({ ok: false, reason: 'signature' });
    expect(
      verify(raw, signedHeaders('evt_8', raw), START, seen),
      'remember an id only once the request has passed every check: otherwise anyone can ' +
        'send a forged request with the id of the next genuine event and have it refused',
    ).toEqual({ ok: true, id: 'evt_8' });
    expect(
      verify(raw, signedHeaders('evt_8', raw), START + 1000, seen),
      'the same valid request a second time is a replay: { ok: false, reason: "replay" }; ' +
        'add each accepted id to seenIds and refuse an id already there',
    ).toEqual({ ok: false, reason: 'replay' });
  });

  it('refuses a request with a header missing, without throwing', () => {
    const raw = '{"order":"o-8"}';
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const headers = signedHeaders('evt_9', raw);
      delete headers[name];
      expect(
        verify(raw, headers),
        `without ${name} there is nothing to check: { ok: false, reason: "malformed" }`,
      ).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});
