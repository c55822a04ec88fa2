import type { EventEmitter } from 'node:events';
import type { Server, ServerResponse } from 'node:http';

/** How a shutdown ended: every request answered, or the deadline cut the rest off. */
export type ShutdownResult = 'drained' | 'forced';

export interface ShutdownOptions {
  /** How long requests in flight get to finish, in milliseconds, before they are cut off. */
  timeoutMs: number;
  /**
   * Schedules `callback` after `ms` and returns a function that cancels it. Tests pass a fake
   * they fire by hand; the default is an unref'd setTimeout, which never keeps a process alive.
   */
  setTimer?: (callback: () => void, ms: number) => () => void;
}

function realTimer(callback: () => void, ms: number): () => void {
  const timer = setTimeout(callback, ms);
  timer.unref();
  return () => clearTimeout(timer);
}

/**
 * Call once, right after creating `server` (before it takes requests). Until `shutdown` is
 * called, nothing changes: keep-alive connections serve request after request. Returns
 * `shutdown`, which stops `server` gracefully and resolves once it has closed:
 *
 * - no new connection is accepted (a client that connects is refused);
 * - idle keep-alive connections are closed at once;
 * - requests in flight run to the end, and so do requests that finish arriving later on a
 *   connection that was open; every response that has not started says `Connection: close`,
 *   and every connection closes after its last response, so it serves no further request;
 * - it schedules a deadline at once, with `setTimer(callback, timeoutMs)`: if the deadline
 *   comes first, every remaining connection is destroyed and it resolves 'forced', otherwise
 *   it cancels the deadline and resolves 'drained'.
 *
 * Calling `shutdown` again changes nothing and resolves with the same result.
 */
export function gracefulShutdown(
  server: Server,
  options: ShutdownOptions,
): () => Promise<ShutdownResult> {
  const setTimer = options.setTimer ?? realTimer;
  const inFlight = new Set<ServerResponse>();
  let stopping: Promise<ShutdownResult> | undefined;

  // A response that has not started yet can still tell the client not to reuse the
  // connection; one that has started can only be followed by closing it.
  const finishLast = (res: ServerResponse): void => {
    if (!res.headersSent) {
      res.setHeader('Connection', 'close');
      return;
    }
    // Once it has finished, its connection is idle.
    res.once('finish', () => server.closeIdleConnections());
  };

  server.on('request', (_req, res) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    // A request can finish arriving after the shutdown began, on a connection that was open
    // (and so not idle) then: it is answered, and its connection closes after it.
    if (stopping) finishLast(res);
  });

  return () => {
    stopping ??= new Promise<ShutdownResult>((resolve) => {
      let forced = false;
      const cancel = setTimer(() => {
        forced = true;
        server.closeAllConnections();
      }, options.timeoutMs);
      // Refuses new connections and, since Node.js 19, closes the idle ones; calls back once
      // the last connection has closed.
      server.close(() => {
        cancel();
        resolve(forced ? 'forced' : 'drained');
      });
      for (const res of inFlight) finishLast(res);
    });
    return stopping;
  };
}

export interface SignalOptions {
  /** Where SIGTERM and SIGINT arrive. Defaults to `process`. */
  signals?: EventEmitter;
  /** Ends the process with a code. Defaults to `process.exit`. */
  exit?: (code: number) => void;
}

/**
 * Runs `shutdown` on the first SIGTERM or SIGINT and, once it has resolved, calls `exit` with
 * 0 when it drained or 1 when it was forced. Signals that arrive after the first change
 * nothing: `exit` is called once.
 */
export function exitOnSignal(
  shutdown: () => Promise<ShutdownResult>,
  options: SignalOptions = {},
): void {
  const signals = options.signals ?? process;
  const exit = options.exit ?? process.exit;
  let started = false;
  const onSignal = (): void => {
    if (started) return;
    started = true;
    void shutdown().then((result) => exit(result === 'drained' ? 0 : 1));
  };
  signals.on('SIGTERM', onSignal);
  signals.on('SIGINT', onSignal);
}
