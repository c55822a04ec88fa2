/**
 * A vitest pool whose one worker is the agent process itself: the test file runs in the
 * agent's main thread instead of a forked child or a worker thread.
 *
 * Why: a warm sandbox has already paid for importing vitest, but every pool vitest ships starts
 * its worker (a process or a thread that imports vitest's runtime again) only once a run
 * begins, and with one job per sandbox that start-up was most of a Run's latency. Here the
 * worker's runtime is imported with the agent, before the learner presses Run, so a run
 * begins at the test file. Isolation is unchanged: the sandbox is the boundary, it serves one
 * run and is thrown away.
 *
 * What differs from `forks` for the learner's code: none of vitest's own machinery runs in
 * another process, so something that ends the process at once (process.abort(), running out of
 * memory) ends the agent before it writes a report; the result is then built from the events
 * written during the run (vitest-report.ts).
 */
import { EventEmitter } from 'node:events';
import type { PoolOptions, PoolRunnerInitializer, PoolWorker } from 'vitest/node';
import { init, runBaseTests, setupEnvironment } from 'vitest/worker';

type Listener = (message: unknown) => void;

const POOL_NAME = 'workbench-in-process';

// Captured before any test runs: a test that installs fake timers (vi.useFakeTimers) replaces
// the global setImmediate, and the channel between vitest and its worker must keep moving.
const later = setImmediate;
const exit = process.exit.bind(process);

class InProcessWorker implements PoolWorker {
  readonly name = POOL_NAME;
  private readonly env: PoolOptions['env'];
  private readonly toPool = new EventEmitter();
  private readonly toWorker = new Set<Listener>();
  private started = false;

  constructor(options: PoolOptions) {
    this.env = options.env;
  }

  on(event: string, callback: (...args: unknown[]) => void): void {
    this.toPool.on(event, callback);
  }

  off(event: string, callback: (...args: unknown[]) => void): void {
    this.toPool.off(event, callback);
  }

  // Both directions copy and defer, as postMessage does between threads: neither side may see
  // the other's objects or be re-entered from inside its own call.
  send(message: unknown): void {
    const copy = structuredClone(message);
    later(() => {
      for (const listener of this.toWorker) listener(copy);
    });
  }

  start(): Promise<void> {
    // Called again if vitest reuses the worker; vitest's runtime may be initialised only once.
    if (this.started) return Promise.resolve();
    this.started = true;
    // A forked worker gets these as its environment (VITEST_POOL_ID and the like).
    Object.assign(process.env, this.env);
    init({
      post: (response) => {
        const copy = structuredClone(response);
        later(() => this.toPool.emit('message', copy));
      },
      on: (listener) => this.toWorker.add(listener),
      off: (listener) => this.toWorker.delete(listener),
      teardown: () => {
        this.toWorker.clear();
        // vitest replaces process.exit while tests run; the agent must be able to exit after.
        process.exit = exit;
      },
      runTests: (state, traces) => runBaseTests('run', state, traces),
      collectTests: (state, traces) => runBaseTests('collect', state, traces),
      setup: setupEnvironment,
    });
    return Promise.resolve();
  }

  stop(): Promise<void> {
    // Nothing to tear down: the agent exits once the report is written.
    return Promise.resolve();
  }

  deserialize(data: unknown): unknown {
    return data;
  }
}

export function inProcessPool(): PoolRunnerInitializer {
  return { name: POOL_NAME, createPoolWorker: (options) => new InProcessWorker(options) };
}
