import { setImmediate as turn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { compose, type Middleware } from './compose.ts';

interface Ctx {
  trace: string[];
  status?: number;
}

/** A middleware that records when it starts and finishes, with an event-loop turn in between. */
function step(name: string): Middleware<Ctx> {
  return async (ctx, next) => {
    ctx.trace.push(`${name} in`);
    await turn();
    await next();
    await turn();
    ctx.trace.push(`${name} out`);
  };
}

/** A promise the test resolves when it chooses. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Whether `promise` has settled after the pending callbacks and a few loop turns have run. */
async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 5; i++) await turn();
  return settled;
}

/** The error `promise` rejects with, or 'resolved'. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error;
  }
}

/**
 * Runs `work` and collects the promise rejections nobody handled meanwhile. A chain whose next()
 * drops the downstream promise turns every downstream error into one; vitest would report it as
 * a crash outside any test, so the test listens for them itself (restoring vitest's listeners
 * afterwards) and says which mistake they come from.
 */
async function catchingStrays<T>(work: () => Promise<T>): Promise<{ value: T; strays: unknown[] }> {
  const strays: unknown[] = [];
  const collect = (reason: unknown) => strays.push(reason);
  const others = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', collect);
  try {
    const value = await work();
    // Node reports an unhandled rejection once the microtasks of the current turn have run.
    await turn();
    await turn();
    return { value, strays };
  } finally {
    process.off('unhandledRejection', collect);
    for (const listener of others) process.on('unhandledRejection', listener);
  }
}

const STRAY =
  'an error downstream was never handled: next() must return the promise of the rest of the ' +
  'chain, so the error travels back through every `await next()`';

describe('order', () => {
  it('runs middleware in order on the way in and in reverse on the way out', async () => {
    const ctx: Ctx = { trace: [] };
    await compose([step('a'), step('b'), step('c')])(ctx);
    expect(
      ctx.trace,
      'each middleware must get the rest of the chain as next(): the code after `await next()` ' +
        'runs once everything after it has finished, so the first in is the last out',
    ).toEqual(['a in', 'b in', 'c in', 'c out', 'b out', 'a out']);
  });

  it('waits for asynchronous work downstream before continuing upstream', async () => {
    const gate = deferred();
    const ctx: Ctx = { trace: [] };
    const run = compose<Ctx>([
      async (c, next) => {
        await next();
        c.trace.push('logger after');
      },
      async (c) => {
        await gate.promise;
        c.trace.push('handler done');
      },
    ])(ctx);
    expect(
      await settledSoon(run),
      'the handler is still waiting, so the chain has not finished: next() must return the ' +
        "promise of the rest of the chain (return it, don't just call it)",
    ).toBe(false);
    expect(ctx.trace, 'nothing upstream may carry on while the handler waits').toEqual([]);
    gate.resolve();
    await run;
    expect(ctx.trace).toEqual(['handler done', 'logger after']);
  });

  it('calls the outer next after the last middleware, so a composed chain nests', async () => {
    const ctx: Ctx = { trace: [] };
    const inner = compose([step('b'), step('c')]);
    await compose([step('a'), inner, step('d')])(ctx);
    expect(
      ctx.trace,
      'used as a middleware, the composed chain gets a next of its own: call it from the ' +
        'next() of its last middleware',
    ).toEqual(['a in', 'b in', 'c in', 'd in', 'd out', 'c out', 'b out', 'a out']);
  });

  it('resolves for an empty list, calling the outer next', async () => {
    const ctx: Ctx = { trace: [] };
    await compose<Ctx>([])(ctx, async () => {
      ctx.trace.push('outer next');
    });
    expect(ctx.trace, 'an empty chain goes straight on to the outer next').toEqual(['outer next']);
    await expect(compose<Ctx>([])(ctx), 'and without one it just resolves').resolves.toBe(
      undefined,
    );
  });

  it('hands every middleware the same context object', async () => {
    const ctx: Ctx = { trace: [] };
    const seen: Ctx[] = [];
    await compose<Ctx>([
      (c, next) => {
        seen.push(c);
        c.status = 200;
        return next();
      },
      (c) => {
        seen.push(c);
        c.trace.push(`status ${c.status ?? 'unset'}`);
      },
    ])(ctx);
    expect(
      seen.every((c) => c === ctx),
      "the context is how middleware talk to each other: pass the caller's object itself",
    ).toBe(true);
    expect(ctx.trace).toEqual(['status 200']);
  });
});

describe('early exit', () => {
  it('stops the chain when a middleware does not call next', async () => {
    const ctx: Ctx = { trace: [] };
    const outer: string[] = [];
    await compose<Ctx>([
      step('logger'),
      async (c) => {
        c.status = 401; // no credentials: answer now
        c.trace.push('auth refused');
      },
      step('handler'),
    ])(ctx, async () => {
      outer.push('outer next');
    });
    expect(
      ctx.trace,
      'a middleware that returns without calling next() ends the chain: the handler must not ' +
        'run, and the logger still finishes on the way out',
    ).toEqual(['logger in', 'auth refused', 'logger out']);
    expect(outer, 'the outer next is part of the chain that was skipped').toEqual([]);
  });

  it('stops after a middleware that answers synchronously', async () => {
    const ctx: Ctx = { trace: [] };
    await compose<Ctx>([
      (c) => {
        c.status = 304;
        return 'not modified'; // a plain value, not a promise
      },
      step('handler'),
    ])(ctx);
    expect(
      ctx.trace,
      'the handler must not run after a middleware that did not call next()',
    ).toEqual([]);
    expect(ctx.status).toBe(304);
  });
});

describe('errors', () => {
  it('rejects with an error thrown by a synchronous middleware, never throws', async () => {
    const boom = new Error('bad header');
    const chain = compose<Ctx>([
      step('a'),
      () => {
        throw boom;
      },
    ]);
    const { value, strays } = await catchingStrays(async () => {
      let promise: Promise<void> | undefined;
      expect(() => {
        promise = chain({ trace: [] });
      }, 'the composed function must not throw: turn a throw into a rejected promise').not.toThrow();
      return rejectionOf(promise!);
    });
    expect(strays, STRAY).toEqual([]);
    expect(value, 'the error a middleware threw must reach the caller, the same object').toBe(boom);
  });

  it('rejects the caller with an error thrown synchronously by the first middleware', async () => {
    const boom = new Error('first one throws');
    const chain = compose<Ctx>([
      () => {
        throw boom;
      },
    ]);
    let outcome: unknown;
    try {
      outcome = await rejectionOf(chain({ trace: [] }));
    } catch (error) {
      outcome = error === boom ? 'threw synchronously' : error;
    }
    expect(
      outcome,
      'even the first middleware runs inside the promise: the caller gets a rejection, not a throw',
    ).toBe(boom);
  });

  it('rejects with an error an async middleware rejects with, deep in the chain', async () => {
    const boom = new Error('database down');
    const ctx: Ctx = { trace: [] };
    const { value, strays } = await catchingStrays(() =>
      rejectionOf(
        compose<Ctx>([
          step('a'),
          step('b'),
          async () => {
            await turn();
            throw boom;
          },
        ])(ctx),
      ),
    );
    expect(strays, STRAY).toEqual([]);
    expect(
      value,
      'a rejection three levels down must travel back through every `await next()` to the ' +
        'caller',
    ).toBe(boom);
    expect(ctx.trace, 'the code after a failed `await next()` does not run').toEqual([
      'a in',
      'b in',
    ]);
  });

  it('lets an upstream middleware catch a downstream error around await next()', async () => {
    const ctx: Ctx = { trace: [] };
    const caught: unknown[] = [];
    const boom = new Error('handler failed');
    const { value, strays } = await catchingStrays(() =>
      rejectionOf(
        compose<Ctx>([
          async (c, next) => {
            try {
              await next();
            } catch (error) {
              caught.push(error);
              c.status = 500;
            }
          },
          step('router'),
          async () => {
            await turn();
            throw boom;
          },
        ])(ctx),
      ),
    );
    expect(strays, STRAY).toEqual([]);
    expect(
      caught,
      'an error handler first in the chain catches what any later middleware threw: next() ' +
        'must reject with it',
    ).toEqual([boom]);
    expect(value, 'the error was handled, so the chain as a whole succeeds').toBe('resolved');
    expect(ctx.status).toBe(500);
  });

  it('rejects the caller when the outer next rejects', async () => {
    const boom = new Error('outer failed');
    const { value, strays } = await catchingStrays(() =>
      rejectionOf(compose([step('a')])({ trace: [] }, () => Promise.reject(boom))),
    );
    expect(strays, STRAY).toEqual([]);
    expect(
      value,
      'the outer next is the end of the chain: its rejection reaches the caller too',
    ).toBe(boom);
  });
});

describe('next() called twice', () => {
  it('rejects the second call and runs the rest of the chain once', async () => {
    let handlerRuns = 0;
    let second: unknown = 'no error';
    const { strays } = await catchingStrays(() =>
      compose<Ctx>([
        async (_c, next) => {
          await next();
          try {
            await next();
          } catch (error) {
            second = error;
          }
        },
        async () => {
          handlerRuns++;
        },
      ])({ trace: [] }),
    );
    expect(
      handlerRuns,
      'a second next() must not run the rest of the chain again (a handler that charges a ' +
        'card would charge it twice)',
    ).toBe(1);
    expect(strays, STRAY).toEqual([]);
    expect(second, 'the second next() must reject with an Error').toBeInstanceOf(Error);
  });

  it('rejects a second call made before the first one finished', async () => {
    let handlerRuns = 0;
    const outcomes: string[] = [];
    const { strays } = await catchingStrays(() =>
      compose<Ctx>([
        async (_c, next) => {
          const results = await Promise.allSettled([next(), next()]);
          outcomes.push(...results.map((r) => r.status));
        },
        async () => {
          handlerRuns++;
          await turn();
        },
      ])({ trace: [] }),
    );
    expect(
      handlerRuns,
      'two calls in a row, neither awaited: the second must be refused at once, so record ' +
        'the call before anything awaits',
    ).toBe(1);
    expect(strays, STRAY).toEqual([]);
    expect(outcomes, 'the first call succeeds and the second is refused').toEqual([
      'fulfilled',
      'rejected',
    ]);
  });

  it('rejects the caller when the middleware does not catch it', async () => {
    const { value, strays } = await catchingStrays(() =>
      rejectionOf(
        compose<Ctx>([
          async (_c, next) => {
            await next();
            await next();
          },
          step('handler'),
        ])({ trace: [] }),
      ),
    );
    expect(strays, STRAY).toEqual([]);
    expect(value, 'calling next() twice is a bug the caller must hear about').toBeInstanceOf(Error);
  });
});

describe('each call is a request of its own', () => {
  it('runs the whole chain on every call', async () => {
    const chain = compose([step('a'), step('b')]);
    const traces: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const ctx: Ctx = { trace: [] };
      await chain(ctx);
      traces.push(ctx.trace);
    }
    const whole = ['a in', 'b in', 'b out', 'a out'];
    expect(
      traces,
      'the position in the chain belongs to one call: keep it inside the function compose() ' +
        'returns, not beside the middleware list',
    ).toEqual([whole, whole, whole]);
  });

  it('keeps concurrent calls apart', async () => {
    const chain = compose([step('a'), step('b'), step('c')]);
    const one: Ctx = { trace: [] };
    const two: Ctx = { trace: [] };
    const results = await Promise.allSettled([chain(one), chain(two)]);
    expect(
      results.map((r) => r.status),
      'two requests in flight at once through one chain must both succeed',
    ).toEqual(['fulfilled', 'fulfilled']);
    const whole = ['a in', 'b in', 'c in', 'c out', 'b out', 'a out'];
    expect([one.trace, two.trace], 'each request runs the whole chain, in order').toEqual([
      whole,
      whole,
    ]);
  });
});

describe('checks its input', () => {
  it('throws a TypeError at compose time for a list that is not an array of functions', () => {
    const outcome = (make: () => unknown): string => {
      try {
        make();
        return 'returned';
      } catch (error) {
        return error instanceof Error ? error.name : 'threw a non-Error';
      }
    };
    const noop: Middleware<Ctx> = (_c, next) => next();
    expect(
      [
        outcome(() => compose('not a list' as never)),
        outcome(() => compose(new Set([noop]) as never)),
        outcome(() => compose([noop, 42 as never])),
        outcome(() => compose([noop, undefined as never, noop])),
      ],
      'a list that is not an array of functions must throw a TypeError when compose() is ' +
        'called, so a misconfigured app fails as it starts, not on its first request',
    ).toEqual(['TypeError', 'TypeError', 'TypeError', 'TypeError']);
    expect(
      outcome(() => compose([noop, noop])),
      'a list of functions is fine',
    ).toBe('returned');
  });
});
