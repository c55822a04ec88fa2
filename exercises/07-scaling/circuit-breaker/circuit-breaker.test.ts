import { describe, expect, it } from 'vitest';
import { CircuitOpenError, circuitBreaker } from './circuit-breaker.ts';

/** A clock the test sets by hand, in milliseconds, far from Date.now(). */
function clock(start = 1_000_000) {
  const state = { ms: start };
  return {
    now: () => state.ms,
    advance: (ms: number) => (state.ms += ms),
  };
}

/**
 * A dependency the test scripts: each call resolves with `ok:<arg>`, rejects with a fresh
 * Error("down"), or stays pending until the test settles it, as `behaviour` says at that moment.
 */
class Dependency {
  behaviour: 'ok' | 'fail' | 'pending' = 'ok';
  calls = 0;
  readonly received: unknown[][] = [];
  readonly pending: Array<PromiseWithResolvers<string>> = [];

  readonly fn = (...args: [string]): Promise<string> => {
    this.calls++;
    this.received.push(args);
    if (this.behaviour === 'ok') return Promise.resolve(`ok:${args[0]}`);
    if (this.behaviour === 'fail') return Promise.reject(new Error('down'));
    const waiting = Promise.withResolvers<string>();
    this.pending.push(waiting);
    return waiting.promise;
  };
}

/** What call() threw instead of returning a promise: kept apart, so a diff can say so. */
class ThrewSynchronously {
  constructor(readonly error: unknown) {}
}

/** Starts a call; a synchronous throw becomes a rejection with a ThrewSynchronously. */
function begin(start: () => Promise<unknown>): Promise<unknown> {
  try {
    return start();
  } catch (error) {
    return Promise.reject(new ThrewSynchronously(error));
  }
}

/** How a call settled, in a form that compares well: `value` or the error's name. */
async function settled(promise: Promise<unknown>): Promise<string> {
  try {
    return `resolved ${String(await promise)}`;
  } catch (error) {
    if (error instanceof ThrewSynchronously) {
      const name = error.error instanceof Error ? error.error.name : 'a non-Error';
      return `call() threw ${name} instead of returning a rejected promise`;
    }
    if (error instanceof CircuitOpenError) return 'CircuitOpenError';
    return error instanceof Error ? `rejected ${error.message}` : 'rejected with a non-Error';
  }
}

const OPTIONS = { failureThreshold: 3, coolDownMs: 1000 };

/** A breaker on a scripted dependency, already opened by failureThreshold failures. */
async function opened() {
  const time = clock();
  const dependency = new Dependency();
  const breaker = circuitBreaker(dependency.fn, { ...OPTIONS, now: time.now });
  dependency.behaviour = 'fail';
  for (let i = 0; i < OPTIONS.failureThreshold; i++) await settled(begin(() => breaker.call('x')));
  return { time, dependency, breaker };
}

describe('closed', () => {
  it('passes calls through with their arguments and results', async () => {
    const time = clock();
    const dependency = new Dependency();
    const breaker = circuitBreaker(dependency.fn, { ...OPTIONS, now: time.now });
    expect(breaker.state(), 'a new breaker is closed').toBe('closed');
    expect(
      await settled(begin(() => breaker.call('a'))),
      'a closed breaker calls the dependency and resolves with what it resolved with',
    ).toBe('resolved ok:a');
    expect(dependency.received, 'the arguments of call() go to the dependency').toEqual([['a']]);
  });

  it("rejects with the dependency's own error", async () => {
    const time = clock();
    const failure = new TypeError('payments: connection refused');
    const breaker = circuitBreaker(() => Promise.reject(failure), { ...OPTIONS, now: time.now });
    await expect(
      begin(() => breaker.call()),
      'a failed call must reject with the very error the dependency gave, not a new one: the ' +
        'caller needs it to decide what to do',
    ).rejects.toBe(failure);
  });

  it('opens after failureThreshold consecutive failures', async () => {
    const time = clock();
    const dependency = new Dependency();
    const breaker = circuitBreaker(dependency.fn, { ...OPTIONS, now: time.now });
    dependency.behaviour = 'fail';
    await settled(begin(() => breaker.call('x')));
    await settled(begin(() => breaker.call('x')));
    expect(breaker.state(), 'two failures are fewer than failureThreshold (3)').toBe('closed');
    await settled(begin(() => breaker.call('x')));
    expect(breaker.state(), 'the third failure in a row opens the circuit').toBe('open');
  });

  it('counts only consecutive failures: a success resets the count', async () => {
    const time = clock();
    const dependency = new Dependency();
    const breaker = circuitBreaker(dependency.fn, { ...OPTIONS, now: time.now });
    for (const behaviour of ['fail', 'fail', 'ok', 'fail', 'fail'] as const) {
      dependency.behaviour = behaviour;
      await settled(begin(() => breaker.call('x')));
    }
    expect(
      breaker.state(),
      'fail, fail, ok, fail, fail is never 3 failures in a row: a success must reset the count, ' +
        'or a healthy service with a few errors a day trips the breaker in the end',
    ).toBe('closed');
    dependency.behaviour = 'fail';
    await settled(begin(() => breaker.call('x')));
    expect(breaker.state(), 'a third failure in a row opens it').toBe('open');
  });

  it('counts a dependency that throws instead of rejecting as a failure', async () => {
    const time = clock();
    const failure = new Error('bad url');
    const breaker = circuitBreaker(
      (): Promise<string> => {
        throw failure;
      },
      { ...OPTIONS, now: time.now },
    );
    let threw: unknown = 'nothing';
    let promise: Promise<string> | undefined;
    try {
      promise = breaker.call();
    } catch (error) {
      threw = error;
    }
    expect(
      threw,
      'call() must not throw synchronously when the dependency does: it returns a promise that ' +
        'rejects (an async function, or await the dependency inside try)',
    ).toBe('nothing');
    await expect(promise, 'and that promise rejects with the error thrown').rejects.toBe(failure);
    await settled(begin(() => breaker.call()));
    await settled(begin(() => breaker.call()));
    expect(breaker.state(), 'three throws in a row are three failures').toBe('open');
  });
});

describe('open', () => {
  it('fails fast with a CircuitOpenError without calling the dependency', async () => {
    const { breaker, dependency } = await opened();
    dependency.behaviour = 'ok';
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await settled(begin(() => breaker.call('x'))));
    expect(
      outcomes,
      'an open circuit refuses every call with a promise that rejects with a CircuitOpenError ' +
        '(the class exported from the file), even when the dependency would have answered',
    ).toEqual(Array(5).fill('CircuitOpenError'));
    const refusal = await begin(() => breaker.call('x')).catch((error: unknown) => error);
    expect(
      (refusal as Error).name,
      'the refusal names itself in logs and error reports: keep its name "CircuitOpenError"',
    ).toBe('CircuitOpenError');
    expect(
      dependency.calls,
      'an open circuit must not call the dependency at all: failing fast is the point',
    ).toBe(OPTIONS.failureThreshold);
  });

  it('stays open for coolDownMs, counted by options.now() from the failure that opened it', async () => {
    const time = clock();
    const dependency = new Dependency();
    const breaker = circuitBreaker(dependency.fn, { ...OPTIONS, now: time.now });
    dependency.behaviour = 'fail';
    await settled(begin(() => breaker.call('x')));
    await settled(begin(() => breaker.call('x')));
    dependency.behaviour = 'pending';
    const slow = begin(() => breaker.call('x'));
    time.advance(400); // the third call takes 400 ms to fail, like a timeout
    dependency.pending[0]!.reject(new Error('timed out'));
    await settled(slow);
    time.advance(OPTIONS.coolDownMs - 1);
    expect(
      breaker.state(),
      'the cool-down starts when the failure that opened the circuit arrived, not when that ' +
        'call began; read the time from options.now(), never Date.now()',
    ).toBe('open');
    dependency.behaviour = 'ok';
    expect(await settled(begin(() => breaker.call('x'))), '1 ms before the cool-down ends').toBe(
      'CircuitOpenError',
    );
    time.advance(1);
    expect(breaker.state(), 'coolDownMs after it opened, the circuit is half-open').toBe(
      'half-open',
    );
    expect(
      await settled(begin(() => breaker.call('y'))),
      'the first call after the cool-down is the trial: it reaches the dependency',
    ).toBe('resolved ok:y');
  });
});

describe('half-open', () => {
  it('lets exactly one trial call through; calls during the trial fail fast', async () => {
    const { breaker, dependency, time } = await opened();
    time.advance(OPTIONS.coolDownMs);
    dependency.behaviour = 'pending';
    const trial = begin(() => breaker.call('trial'));
    const others = Array.from({ length: 5 }, () => begin(() => breaker.call('other')));
    expect(
      dependency.calls - OPTIONS.failureThreshold,
      'half-open lets one call through; letting every caller in at the end of the cool-down ' +
        'is a thundering herd on a service that is only just back',
    ).toBe(1);
    expect(breaker.state(), 'while the trial is in flight the circuit is half-open').toBe(
      'half-open',
    );
    // Settles whatever reached the dependency, so a breaker that let the others in ends too.
    for (const call of dependency.pending) call.resolve('recovered');
    expect(
      await Promise.all(others.map(settled)),
      'calls while the trial is in flight fail fast',
    ).toEqual(Array(5).fill('CircuitOpenError'));
    expect(await settled(trial), 'the trial resolves with what the dependency gave').toBe(
      'resolved recovered',
    );
  });

  it('closes when the trial succeeds', async () => {
    const { breaker, dependency, time } = await opened();
    time.advance(OPTIONS.coolDownMs);
    dependency.behaviour = 'ok';
    await settled(begin(() => breaker.call('trial')));
    expect(breaker.state(), 'a successful trial closes the circuit').toBe('closed');
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await settled(begin(() => breaker.call(`${i}`))));
    expect(outcomes, 'and every call goes through again').toEqual([
      'resolved ok:0',
      'resolved ok:1',
      'resolved ok:2',
    ]);
  });

  it('after closing, takes failureThreshold new failures to open again', async () => {
    const { breaker, dependency, time } = await opened();
    time.advance(OPTIONS.coolDownMs);
    dependency.behaviour = 'ok';
    await settled(begin(() => breaker.call('trial')));
    dependency.behaviour = 'fail';
    await settled(begin(() => breaker.call('x')));
    await settled(begin(() => breaker.call('x')));
    expect(
      breaker.state(),
      'closing starts the count of failures from 0: two failures after recovery are not three',
    ).toBe('closed');
    await settled(begin(() => breaker.call('x')));
    expect(breaker.state()).toBe('open');
  });

  it('reopens when the trial fails, for a new cool-down from that moment', async () => {
    const { breaker, dependency, time } = await opened();
    time.advance(OPTIONS.coolDownMs + 5000);
    dependency.behaviour = 'fail';
    expect(
      await settled(begin(() => breaker.call('trial'))),
      'the trial reaches the dependency',
    ).toBe('rejected down');
    expect(
      breaker.state(),
      'a failed trial opens the circuit again, for a cool-down counted from now; the trial is ' +
        'over, so nothing is in flight any more',
    ).toBe('open');
    dependency.behaviour = 'ok';
    time.advance(OPTIONS.coolDownMs - 1);
    expect(
      await settled(begin(() => breaker.call('x'))),
      'a new cool-down starts when the trial fails; the old one, long over, does not count',
    ).toBe('CircuitOpenError');
    time.advance(1);
    expect(
      await settled(begin(() => breaker.call('trial 2'))),
      'after the new cool-down there is a new trial: a failed trial must not leave the breaker ' +
        'thinking a trial is still in flight',
    ).toBe('resolved ok:trial 2');
    expect(breaker.state()).toBe('closed');
  });

  it('reopens when the trial throws instead of rejecting, and tries again later', async () => {
    const time = clock();
    let throwing = true;
    const breaker = circuitBreaker(
      async (): Promise<string> => {
        if (throwing) throw new Error('down');
        return 'up';
      },
      { failureThreshold: 1, coolDownMs: 100, now: time.now },
    );
    await settled(begin(() => breaker.call()));
    time.advance(100);
    expect(await settled(begin(() => breaker.call())), 'the trial fails').toBe('rejected down');
    throwing = false;
    time.advance(100);
    expect(
      await settled(begin(() => breaker.call())),
      'the next trial, a cool-down later, goes through',
    ).toBe('resolved up');
  });
});

describe('late results', () => {
  it('a call from before the circuit opened does not close it by succeeding late', async () => {
    const time = clock();
    const dependency = new Dependency();
    const breaker = circuitBreaker(dependency.fn, { ...OPTIONS, now: time.now });
    dependency.behaviour = 'pending';
    const slow = begin(() => breaker.call('slow'));
    dependency.behaviour = 'fail';
    for (let i = 0; i < OPTIONS.failureThreshold; i++)
      await settled(begin(() => breaker.call('x')));
    expect(breaker.state()).toBe('open');
    dependency.pending[0]!.resolve('late');
    expect(await settled(slow), 'the slow call still resolves for its caller').toBe(
      'resolved late',
    );
    expect(
      breaker.state(),
      'a success that started while closed and arrived after the circuit opened says nothing ' +
        'about the service now: it must not close the circuit (only a trial may)',
    ).toBe('open');
    dependency.behaviour = 'ok';
    expect(await settled(begin(() => breaker.call('x')))).toBe('CircuitOpenError');
  });

  it('a call from before the circuit opened does not restart the cool-down by failing late', async () => {
    const time = clock();
    const dependency = new Dependency();
    const breaker = circuitBreaker(dependency.fn, { ...OPTIONS, now: time.now });
    dependency.behaviour = 'pending';
    const slow = begin(() => breaker.call('slow'));
    dependency.behaviour = 'fail';
    for (let i = 0; i < OPTIONS.failureThreshold; i++)
      await settled(begin(() => breaker.call('x')));
    time.advance(600);
    dependency.pending[0]!.reject(new Error('late'));
    expect(await settled(slow), 'the slow call still rejects for its caller').toBe('rejected late');
    time.advance(OPTIONS.coolDownMs - 600);
    expect(
      breaker.state(),
      'a failure that started while closed and arrived while open must not reopen the circuit ' +
        'or restart its cool-down: count only calls made in the current state',
    ).toBe('half-open');
  });

  it('a call from before the circuit opened does not decide the trial', async () => {
    const time = clock();
    const dependency = new Dependency();
    const breaker = circuitBreaker(dependency.fn, { ...OPTIONS, now: time.now });
    dependency.behaviour = 'pending';
    const slow = begin(() => breaker.call('slow'));
    dependency.behaviour = 'fail';
    for (let i = 0; i < OPTIONS.failureThreshold; i++)
      await settled(begin(() => breaker.call('x')));
    time.advance(OPTIONS.coolDownMs);
    dependency.behaviour = 'pending';
    const trial = begin(() => breaker.call('trial'));
    dependency.pending[0]!.reject(new Error('late'));
    await settled(slow);
    expect(
      breaker.state(),
      'a late failure from before the circuit opened arrived during the trial: it is not the ' +
        "trial's result, so the circuit stays half-open",
    ).toBe('half-open');
    dependency.pending[1]!.resolve('recovered');
    await settled(trial);
    expect(breaker.state(), 'the trial succeeded: closed').toBe('closed');
  });

  it('a call from before the circuit opened changes nothing after it has closed again', async () => {
    const time = clock();
    const dependency = new Dependency();
    const breaker = circuitBreaker(dependency.fn, { ...OPTIONS, now: time.now });
    dependency.behaviour = 'pending';
    const slowFailure = begin(() => breaker.call('slow 1'));
    const slowSuccess = begin(() => breaker.call('slow 2'));
    dependency.behaviour = 'fail';
    for (let i = 0; i < OPTIONS.failureThreshold; i++)
      await settled(begin(() => breaker.call('x')));
    time.advance(OPTIONS.coolDownMs);
    dependency.behaviour = 'ok';
    await settled(begin(() => breaker.call('trial')));
    expect(breaker.state(), 'the trial succeeded').toBe('closed');
    dependency.behaviour = 'fail';
    await settled(begin(() => breaker.call('x')));
    await settled(begin(() => breaker.call('x')));
    dependency.pending[0]!.reject(new Error('late'));
    await settled(slowFailure);
    expect(
      breaker.state(),
      'two failures since the circuit closed, and a late one from before it opened: that is ' +
        'not three in a row; a call counts only in the closed period it started in',
    ).toBe('closed');
    dependency.pending[1]!.resolve('late');
    await settled(slowSuccess);
    await settled(begin(() => breaker.call('x')));
    expect(
      breaker.state(),
      'a late success from before the circuit opened must not reset the count of the failures ' +
        'since it closed: this is the third in a row',
    ).toBe('open');
  });
});

describe('options', () => {
  it('throws a RangeError for options out of range', () => {
    const now = () => 0;
    const make = (failureThreshold: number, coolDownMs: number) => {
      try {
        circuitBreaker(async () => 'ok', { failureThreshold, coolDownMs, now });
        return 'returned';
      } catch (error) {
        return error instanceof Error ? error.name : 'threw a non-Error';
      }
    };
    const cases: Array<[number, number]> = [
      [0, 1000],
      [-1, 1000],
      [1.5, 1000],
      [Number.NaN, 1000],
      [3, 0],
      [3, -5],
      [3, Number.NaN],
      [3, Number.POSITIVE_INFINITY],
    ];
    expect(
      cases.map(
        ([threshold, coolDown]) => `${threshold}, ${coolDown}: ${make(threshold, coolDown)}`,
      ),
      'failureThreshold must be a whole number of 1 or more and coolDownMs more than 0 and ' +
        'finite; check them when the breaker is made and throw a RangeError',
    ).toEqual(cases.map(([threshold, coolDown]) => `${threshold}, ${coolDown}: RangeError`));
    expect(make(1, 0.5), 'the smallest valid options are accepted').toBe('returned');
  });
});
