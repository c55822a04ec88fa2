import type { IncomingMessage, ServerResponse } from 'node:http';

/** One dependency readiness depends on: a database, a cache, a queue. */
export interface DependencyCheck {
  /** Its name in the readiness body, e.g. "database". */
  name: string;
  /** Resolves when the dependency can be used now; rejects (or throws) when it cannot. */
  check: () => Promise<unknown>;
}

/** The timer functions the checks' timeouts use: the global ones unless a test passes its own. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface HealthOptions {
  checks: readonly DependencyCheck[];
  /** How long each check may take before it counts as a "timeout". More than 0. */
  timeoutMs: number;
  timers?: Timers;
}

export type CheckResult = 'ok' | 'failed' | 'timeout';

export interface HealthReport {
  /** The HTTP status code: 200 or 503. */
  status: 200 | 503;
  body: {
    status: 'ok' | 'ready' | 'starting' | 'not-ready' | 'draining';
    /** Each check's result by name, when the checks were run. */
    checks?: Record<string, CheckResult>;
  };
}

export interface Health {
  /** Is the process alive? 200 `{ status: 'ok' }`, whatever its dependencies or its state. */
  liveness(): Promise<HealthReport>;
  /**
   * May this instance get traffic now? 503 `{ status: 'starting' }` until started() has been
   * called, 503 `{ status: 'draining' }` from drain() on, for good (even when a check that was
   * already running finishes after it). Otherwise every check runs at once, each given timeoutMs:
   * 200 `{ status: 'ready', checks }` when all resolved in time, else 503
   * `{ status: 'not-ready', checks }`, where checks maps each name to 'ok', 'failed' (it rejected
   * or threw) or 'timeout' (still running after timeoutMs; its timer is cleared as soon as a
   * check settles, so none is left behind).
   */
  readiness(): Promise<HealthReport>;
  /** Start-up has finished (pools open, caches warm): readiness may report ready. */
  started(): void;
  /** Shutting down: readiness reports draining from now on; liveness does not change. */
  drain(): void;
  /**
   * For node:http: /livez answers liveness() and /readyz readiness() (a query string is
   * ignored), with the report's status code and its body as JSON (content-type
   * application/json). Any other path: 404.
   */
  handle(req: IncomingMessage, res: ServerResponse): void;
}

const globalTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Liveness and readiness for one instance. Liveness never looks at dependencies: a restart does
 * not bring a database back, so failing it during an outage only restarts every instance at once.
 * Throws a RangeError when timeoutMs is not a finite number above 0.
 */
export function createHealth(options: HealthOptions): Health {
  const { checks, timeoutMs, timers = globalTimers } = options;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new RangeError(`timeoutMs must be a finite number above 0, not ${timeoutMs}`);
  }
  let started = false;
  let draining = false;

  /** One check, given timeoutMs; never rejects. */
  const run = (dependency: DependencyCheck): Promise<CheckResult> =>
    new Promise((resolve) => {
      const timer = timers.setTimeout(() => resolve('timeout'), timeoutMs);
      const settle = (result: CheckResult) => {
        // Without this, every probe leaves a timer behind that keeps the process alive (and
        // resolves a promise nobody waits for) until it fires.
        timers.clearTimeout(timer);
        resolve(result);
      };
      // Promise.try turns a synchronous throw from a plain function into a rejection.
      Promise.try(dependency.check).then(
        () => settle('ok'),
        () => settle('failed'),
      );
    });

  const liveness = async (): Promise<HealthReport> => ({ status: 200, body: { status: 'ok' } });

  const readiness = async (): Promise<HealthReport> => {
    if (draining) return { status: 503, body: { status: 'draining' } };
    if (!started) return { status: 503, body: { status: 'starting' } };
    // All at once: the probe waits for the slowest check, not for the sum of them.
    const results = await Promise.all(checks.map(run));
    // Read the state again: drain() may have been called while the checks ran.
    if (draining) return { status: 503, body: { status: 'draining' } };
    const byName = Object.fromEntries(checks.map((c, i) => [c.name, results[i]!]));
    const ready = results.every((r) => r === 'ok');
    return ready
      ? { status: 200, body: { status: 'ready', checks: byName } }
      : { status: 503, body: { status: 'not-ready', checks: byName } };
  };

  const send = (res: ServerResponse, report: HealthReport) => {
    res.writeHead(report.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(report.body));
  };

  return {
    liveness,
    readiness,
    started: () => {
      started = true;
    },
    drain: () => {
      draining = true;
    },
    handle: (req, res) => {
      const path = (req.url ?? '').split('?')[0];
      const probe = path === '/livez' ? liveness : path === '/readyz' ? readiness : undefined;
      if (probe === undefined) {
        res.writeHead(404).end();
        return;
      }
      void probe().then((report) => send(res, report));
    },
  };
}
