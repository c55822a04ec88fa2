import { describe, expect, it } from 'vitest';
import { HttpError, isRetryable, retry, type RetryOptions } from './retry.ts';

/** The time the tests' clock shows: a Retry-After date is read against it, never Date.now(). */
const NOW = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

/**
 * Options whose sleep only records what it was asked for and returns at once, so a test that
 * retries for hours of virtual time takes no time at all.
 */
function setUp(overrides: Partial<RetryOptions> = {}) {
  const sleeps: number[] = [];
  const options: RetryOptions = {
    maxAttempts: 5,
    baseDelayMs: 100,
    maxDelayMs: 1_000_000,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => NOW,
    ...overrides,
  };
  return { options, sleeps };
}

/**
 * An operation that throws `failures` in order, one per call, then resolves with 'done'. It
 * records the attempt number it was given on each call.
 */
function failing(...failures: unknown[]) {
  const attempts: unknown[] = [];
  const operation = async (attempt: number): Promise<string> => {
    attempts.push(attempt);
    if (attempts.length <= failures.length) throw failures[attempts.length - 1];
    return 'done';
  };
  return { operation, attempts };
}

/** A network error as node:http reports it: the code on the error itself. */
function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:8080`), { code });
}

/** A network error as fetch reports it: TypeError('fetch failed'), the code on its cause. */
function fetchError(code: string): TypeError {
  return new TypeError('fetch failed', { cause: socketError(code) });
}

/** What the promise settled with: 'resolved <value>', or the value it rejected with. */
async function settle(promise: Promise<unknown>): Promise<unknown> {
  try {
    return `resolved ${String(await promise)}`;
  } catch (error) {
    return error;
  }
}

const retryAfter503 = (value: string) => new HttpError(503, { 'Retry-After': value });

describe('retry()', () => {
  it('resolves with the first success without sleeping', async () => {
    const { options, sleeps } = setUp();
    const { operation, attempts } = failing();
    expect(await retry(operation, options)).toBe('done');
    expect(attempts, 'one call, given attempt number 1').toEqual([1]);
    expect(sleeps, 'a call that succeeded needs no wait').toEqual([]);
  });

  it('retries retryable errors and resolves with the later success', async () => {
    const { options } = setUp();
    const { operation, attempts } = failing(new HttpError(503), socketError('ECONNRESET'));
    expect(await retry(operation, options), 'a 503, a reset connection, then success').toBe('done');
    expect(attempts, 'each call is given its attempt number, from 1').toEqual([1, 2, 3]);
  });

  it('makes at most maxAttempts calls and throws the last error without sleeping after it', async () => {
    const { options, sleeps } = setUp({ maxAttempts: 4 });
    const errors = [1, 2, 3, 4, 5].map(() => new HttpError(503));
    const { operation, attempts } = failing(...errors);
    const outcome = await settle(retry(operation, options));
    expect(
      attempts.length,
      'maxAttempts counts every call, the first one included: 4 calls, 3 of them retries',
    ).toBe(4);
    expect(
      outcome,
      'after the last attempt, throw the error that attempt threw, the same object (not a new ' +
        'Error, not the first one)',
    ).toBe(errors[3]);
    expect(
      sleeps.length,
      'a wait after the last attempt only delays the failure: sleep between attempts, never after ' +
        'the last',
    ).toBe(3);
  });

  it('makes one call when maxAttempts is 1', async () => {
    const { options, sleeps } = setUp({ maxAttempts: 1 });
    const error = new HttpError(503);
    const { operation, attempts } = failing(error);
    expect(await settle(retry(operation, options)), 'one attempt, so its error is thrown').toBe(
      error,
    );
    expect([attempts.length, sleeps.length], 'one call and no sleep').toEqual([1, 0]);
  });

  it('never retries a request the server refused as it stands (400, 401, 403, 404, 409, 422, 501)', async () => {
    for (const status of [400, 401, 403, 404, 409, 422, 501]) {
      const { options, sleeps } = setUp();
      const error = new HttpError(status, { 'Retry-After': '1' });
      const { operation, attempts } = failing(error, error);
      const outcome = await settle(retry(operation, options));
      expect(
        [attempts.length, sleeps.length],
        `a ${status} will be a ${status} again: the same request cannot succeed, so make one ` +
          'call and no sleep (retrying it only adds load and delays the error)',
      ).toEqual([1, 0]);
      expect(outcome, `${status}: throw its error at once, the same object`).toBe(error);
    }
  });

  it('never retries a bug in the calling code or a thrown non-error', async () => {
    const thrown: Array<[string, unknown]> = [
      ['a TypeError', new TypeError('response.json is not a function')],
      ['a string', 'boom'],
      ['null', null],
      ['undefined', undefined],
      ['an unknown host (ENOTFOUND)', socketError('ENOTFOUND')],
    ];
    for (const [name, error] of thrown) {
      const { options, sleeps } = setUp();
      const { operation, attempts } = failing(error, error);
      const outcome = await settle(retry(operation, options));
      expect(
        [attempts.length, sleeps.length],
        `${name} will happen again on the next call: retry only what isRetryable() accepts`,
      ).toEqual([1, 0]);
      expect(outcome, `${name}: throw it as it is`).toBe(error);
    }
  });

  it('doubles the ceiling of the delay for each retry', async () => {
    const { options, sleeps } = setUp({ maxAttempts: 6 });
    const { operation } = failing(...[1, 2, 3, 4, 5].map(() => new HttpError(503)));
    await retry(operation, options);
    expect(
      sleeps,
      'with baseDelayMs 100 the ceilings are 100, 200, 400, 800, 1600 ms, and random() 0.5 ' +
        'takes half of each. baseDelayMs * attempt grows by a step (linear, not exponential); ' +
        'a delay without random() is the same for every client',
    ).toEqual([50, 100, 200, 400, 800]);
  });

  it('draws each delay at random from 0 up to its ceiling (full jitter)', async () => {
    const draws = [0.5, 0.25, 0.75, 0];
    const { options, sleeps } = setUp({ random: () => draws.shift() ?? 0 });
    const { operation } = failing(...[1, 2, 3, 4].map(() => new HttpError(429)));
    await retry(operation, options);
    expect(
      sleeps,
      'each delay is random() * ceiling with a fresh random() (0.5, 0.25, 0.75, 0 here) and ' +
        'the ceilings 100, 200, 400, 800: full jitter spreads the whole range, from 0. Adding ' +
        'the jitter to the ceiling, or to half of it, keeps every client waiting at least as ' +
        'long as all the others',
    ).toEqual([50, 50, 300, 0]);
  });

  it('spreads the retries of clients that failed at the same moment', async () => {
    // 100 clients fail at once; each draws from its own stream of a seeded generator.
    let seed = 7;
    const random = () => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const firstRetries = new Set<number>();
    for (let client = 0; client < 100; client++) {
      const { options, sleeps } = setUp({ random, maxAttempts: 2, baseDelayMs: 10_000 });
      await retry(failing(new HttpError(503)).operation, options);
      firstRetries.add(Math.round(sleeps[0] ?? -1));
    }
    expect(
      firstRetries.size,
      '100 clients failed at the same moment and may come back at any millisecond of the next ' +
        '10 s, so nearly all of them should pick a different one. Every client that waits the same time arrives ' +
        'together: the herd that knocks the recovering server over again. Multiply the ceiling ' +
        'by options.random()',
    ).toBeGreaterThan(50);
  });

  it('caps the ceiling at maxDelayMs before the random draw', async () => {
    const { options, sleeps } = setUp({ maxAttempts: 9, maxDelayMs: 1000 });
    const { operation } = failing(...Array.from({ length: 8 }, () => new HttpError(502)));
    await retry(operation, options);
    expect(
      sleeps,
      'the ceilings are min(1000, 100 * 2 ** (n - 1)): 100 ... 800, then 1000 from retry 5, ' +
        'and random() 0.5 takes half. Capping after the draw, min(maxDelayMs, random() * ' +
        'ceiling), sends every client that failed a few times back at exactly maxDelayMs',
    ).toEqual([50, 100, 200, 400, 500, 500, 500, 500]);
  });

  it('never sleeps NaN or more than maxDelayMs, even after 1,200 attempts', async () => {
    for (const draw of [0, 0.999]) {
      const { options, sleeps } = setUp({
        maxAttempts: 1200,
        maxDelayMs: 5000,
        random: () => draw,
      });
      const errors = Array.from({ length: 1199 }, () => socketError('ECONNREFUSED'));
      await retry(failing(...errors).operation, options);
      const bad = sleeps.findIndex((ms) => !(ms >= 0 && ms <= 5000));
      expect(
        bad === -1 ? 'every delay in [0, 5000]' : `retry ${bad + 1} slept ${sleeps[bad]} ms`,
        `with random() ${draw}: 2 ** 1075 is Infinity, and 0 * Infinity is NaN (a timer of NaN ` +
          'ms fires at once). Take the min with maxDelayMs before multiplying by random()',
      ).toBe('every delay in [0, 5000]');
    }
  });

  it('honours Retry-After in seconds instead of the backoff', async () => {
    const { options, sleeps } = setUp();
    const { operation } = failing(
      retryAfter503('3'),
      new HttpError(429, { 'Retry-After': '0' }),
      new HttpError(429, { 'Retry-After': '120' }),
    );
    await retry(operation, options);
    expect(
      sleeps,
      'Retry-After: 3 asks for 3000 ms, 0 for none and 120 for 120000 ms: sleep exactly that, ' +
        'without jitter and without the backoff',
    ).toEqual([3000, 0, 120_000]);
  });

  it('honours Retry-After as an HTTP-date, read against options.now()', async () => {
    const { options, sleeps } = setUp();
    const { operation } = failing(
      retryAfter503('Wed, 21 Oct 2015 07:28:30 GMT'),
      retryAfter503('Wed, 21 Oct 2015 07:27:00 GMT'),
    );
    await retry(operation, options);
    expect(
      sleeps,
      'the clock says 07:28:00, so a Retry-After of 07:28:30 is 30000 ms away and one of ' +
        '07:27:00 is past: wait 0. parseInt() of a date is NaN, and a timer of NaN ms fires ' +
        'at once; read dates with Date.parse() and subtract options.now(), not Date.now()',
    ).toEqual([30_000, 0]);
  });

  it('falls back to the backoff when Retry-After is neither seconds nor a date', async () => {
    for (const value of ['', 'soon', '-5', '1.5', '5s', 'Thu, 99 Foo 2015 25:00:00 GMT']) {
      const { options, sleeps } = setUp({ maxAttempts: 2 });
      await retry(failing(retryAfter503(value)).operation, options);
      expect(
        sleeps,
        `Retry-After: "${value}" is not a delay, so the backoff applies (half of 100 ms here). ` +
          "Number('') is 0, Number('-5') is -5, parseInt('5s') is 5, and Date.parse() reads " +
          "'1.5' and '-5' as dates in years long past: only digits are seconds, and only text " +
          'with letters in it (a day and a month name) can be a date',
      ).toEqual([50]);
    }
  });

  it('gives up at once when Retry-After asks for longer than maxDelayMs', async () => {
    for (const value of ['11', 'Wed, 21 Oct 2015 07:28:11 GMT']) {
      const { options, sleeps } = setUp({ maxDelayMs: 10_000 });
      const error = retryAfter503(value);
      const { operation, attempts } = failing(error);
      expect(
        await settle(retry(operation, options)),
        `Retry-After: ${value} is 11 s away and maxDelayMs is 10 s: throw the error now`,
      ).toBe(error);
      expect(
        [attempts.length, sleeps.length],
        'do not come back before the server said (cutting its wait to maxDelayMs) and do not ' +
          'wait longer than you were allowed: one call, no sleep',
      ).toEqual([1, 0]);
    }
    const { options, sleeps } = setUp({ maxDelayMs: 10_000 });
    await retry(failing(retryAfter503('10')).operation, options);
    expect(
      sleeps,
      'Retry-After: 10 is exactly maxDelayMs (10 s): that wait is allowed, so sleep it and retry',
    ).toEqual([10_000]);
  });

  it('throws a RangeError for options out of range, before calling anything', async () => {
    const bad: Array<[string, Partial<RetryOptions>]> = [
      ['maxAttempts 0', { maxAttempts: 0 }],
      ['maxAttempts 2.5', { maxAttempts: 2.5 }],
      ['maxAttempts NaN', { maxAttempts: Number.NaN }],
      ['baseDelayMs 0', { baseDelayMs: 0 }],
      ['baseDelayMs NaN', { baseDelayMs: Number.NaN }],
      ['maxDelayMs below baseDelayMs', { baseDelayMs: 100, maxDelayMs: 99 }],
      ['maxDelayMs NaN', { maxDelayMs: Number.NaN }],
    ];
    for (const [name, overrides] of bad) {
      const { options } = setUp(overrides);
      const { operation, attempts } = failing();
      const outcome = await settle(retry(operation, options));
      expect(
        outcome instanceof RangeError ? 'RangeError' : outcome,
        `${name}: reject with a RangeError`,
      ).toBe('RangeError');
      expect(attempts, `${name}: check the options before the first call`).toEqual([]);
    }
    const { options } = setUp({ maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 100 });
    expect(
      await settle(retry(failing().operation, options)),
      'maxAttempts 1 and maxDelayMs equal to baseDelayMs are in range',
    ).toBe('resolved done');
  });
});

describe('isRetryable()', () => {
  it('accepts 408, 429, 500, 502, 503 and 504', () => {
    for (const status of [408, 429, 500, 502, 503, 504]) {
      expect(
        isRetryable(new HttpError(status)),
        `${status} means "not now": the same request may succeed later`,
      ).toBe(true);
    }
  });

  it('refuses other statuses', () => {
    for (const status of [200, 301, 400, 401, 403, 404, 409, 422, 501, 505]) {
      expect(
        isRetryable(new HttpError(status)),
        `${status} means the request itself is the problem (or was not an error): retrying it ` +
          'cannot help',
      ).toBe(false);
    }
  });

  it('accepts network errors by their code, on the error or on its cause', () => {
    const codes = [
      'ECONNRESET',
      'ECONNREFUSED',
      'ETIMEDOUT',
      'EPIPE',
      'EAI_AGAIN',
      'UND_ERR_SOCKET',
      'UND_ERR_CONNECT_TIMEOUT',
    ];
    for (const code of codes) {
      expect(
        isRetryable(socketError(code)),
        `an Error with code ${code}, as node:http throws`,
      ).toBe(true);
      expect(
        isRetryable(fetchError(code)),
        `TypeError('fetch failed') whose cause has code ${code}: fetch puts the code on ` +
          'error.cause, not on the error',
      ).toBe(true);
    }
  });

  it('refuses other errors and thrown non-errors without throwing', () => {
    const others: Array<[string, unknown]> = [
      ['ENOTFOUND (the host does not exist)', socketError('ENOTFOUND')],
      ['fetch failed: bad port', new TypeError('fetch failed', { cause: new Error('bad port') })],
      ['a TypeError with no cause', new TypeError('x is not a function')],
      ['a code that is not a string', Object.assign(new Error('odd'), { code: 503 })],
      ['a cause that is a string', new Error('failed', { cause: 'ECONNRESET' })],
      ['null', null],
      ['undefined', undefined],
      ['a string', 'ECONNRESET'],
    ];
    for (const [name, error] of others) {
      let answer: unknown;
      try {
        answer = isRetryable(error);
      } catch (thrown) {
        answer = `threw ${String(thrown)}`;
      }
      expect(answer, `${name}: not retryable, and no exception`).toBe(false);
    }
  });
});
