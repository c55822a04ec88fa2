/** The rest of the chain after the current middleware: settles when all of it has finished. */
export type Next = () => Promise<void>;

/**
 * One step of request handling. It may work before calling `next()`, after awaiting it, or
 * instead of it (to answer early); it may be async or not.
 */
export type Middleware<Context> = (ctx: Context, next: Next) => unknown;

/** The composed chain: runs the middleware for one request, then `next` if it is given. */
export type Composed<Context> = (ctx: Context, next?: Next) => Promise<void>;

/**
 * Composes `middlewares` into one function, in the style of Koa.
 *
 * - Order: the first middleware runs first; its `next()` runs the second, and so on. Code after
 *   `await next()` runs on the way back out, so the first middleware is also the last to finish.
 *   The `next()` of the last middleware calls the composed function's own `next`, if given, so a
 *   composed chain can itself be a middleware.
 * - Early exit: a middleware that does not call `next()` ends the chain there; the ones after it
 *   (and the outer `next`) never run, and the ones before it carry on.
 * - Errors: the promise `next()` returns settles only when everything after it has, and rejects
 *   with whatever was thrown or rejected there, so `try { await next() } catch` around it sees
 *   every error downstream. An error nobody catches rejects the composed function's promise: it
 *   never throws synchronously.
 * - A middleware calls `next()` at most once: a second call (even before the first settled)
 *   runs nothing and returns a promise rejected with an Error.
 * - Every call of the composed function is a request of its own: calls, even concurrent ones,
 *   share nothing but the middleware.
 *
 * Throws a TypeError straight away when `middlewares` is not an array of functions.
 */
export function compose<Context>(
  middlewares: ReadonlyArray<Middleware<Context>>,
): Composed<Context> {
  // TODO: nothing checks that `middlewares` is an array of functions.
  return async (ctx, outerNext) => {
    // TODO: each middleware runs to its end before the next one starts, so nothing runs "on the
    // way back out", and `next()` never gives a middleware the rest of the chain to wait for.
    for (const middleware of middlewares) {
      let calledNext = false;
      await middleware(ctx, async () => {
        calledNext = true;
      });
      if (!calledNext) return;
    }
    await outerNext?.();
  };
}
