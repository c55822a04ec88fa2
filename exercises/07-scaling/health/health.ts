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

/**
 * Liveness and readiness for one instance.
 * Throws a RangeError when timeoutMs is not a finite number above 0.
 */
export function createHealth(options: HealthOptions): Health {
  const { checks } = options;
  // TODO: timeoutMs is neither checked nor used, and neither is options.timers.

  /** TODO: one check after the other, each for as long as it takes. */
  const runChecks = async (): Promise<HealthReport> => {
    const results: Record<string, CheckResult> = {};
    for (const dependency of checks) {
      try {
        await dependency.check();
        results[dependency.name] = 'ok';
      } catch {
        results[dependency.name] = 'failed';
      }
    }
    return Object.values(results).every((r) => r === 'ok')
      ? { status: 200, body: { status: 'ready', checks: results } }
      : { status: 503, body: { status: 'not-ready', checks: results } };
  };

  const liveness = async (): Promise<HealthReport> => {
    // TODO: "alive" should not depend on the database being up.
    const report = await runChecks();
    return report.status === 200
      ? { status: 200, body: { status: 'ok' } }
      : { status: 503, body: { status: 'not-ready' } };
  };

  // TODO: readiness knows nothing about starting or draining yet.
  const readiness = runChecks;

  const send = (res: ServerResponse, report: HealthReport) => {
    res.writeHead(report.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(report.body));
  };

  return {
    liveness,
    readiness,
    started: () => {},
    drain: () => {},
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
