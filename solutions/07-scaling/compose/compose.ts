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
  // Checked here, once, so a misconfigured app fails when it starts rather than on its first
  // request; the input is `unknown` at run time whatever the types say.
  if (!Array.isArray(middlewares)) {
    throw new TypeError('compose() takes an array of middleware functions');
  }
  middlewares.forEach((middleware: unknown, index) => {
    if (typeof middleware !== 'function') {
      throw new TypeError(`middleware ${index} is a ${typeof middleware}, not a function`);
    }
  });

  return (ctx, outerNext) => {
    // Per call, not per compose(): two requests in flight must not share a position.
    let lastStarted = -1;

    const dispatch = (index: number): Promise<void> => {
      // Checked and recorded before anything awaits, so a second call made while the first
      // is still running is caught too.
      if (index <= lastStarted) {
        return Promise.reject(new Error('next() called multiple times by one middleware'));
      }
      lastStarted = index;
      const middleware = middlewares[index];
      try {
        // Returning the downstream promise is what makes upstream code wait for it and see its
        // errors. A synchronous throw becomes a rejection, so the caller has one way to handle
        // failure.
        const result =
          middleware === undefined ? outerNext?.() : middleware(ctx, () => dispatch(index + 1));
        return Promise.resolve(result).then(() => undefined);
      } catch (error) {
        return Promise.reject(error);
      }
    };

    return dispatch(0);
  };
}
