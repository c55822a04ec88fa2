import { describe, expect, it } from 'vitest';
import {
  AutoRunner,
  type AutoRunnerOptions,
  type BrowserRunner,
  type RunnerMode,
} from '../../src/runner/auto-runner.ts';
import type { RunResult } from '../../src/runner/result.ts';
import type { Runner } from '../../src/runner/runner.ts';

const ok = (runner: string): RunResult => ({
  version: 1,
  status: 'pass',
  tests: [],
  durationMs: 1,
  runner,
});
const request = { exerciseId: '04-streams/lines', files: { 'lines.ts': '' } };

function fakes(prepare: () => Promise<unknown>) {
  const calls = { browserRuns: 0, localRuns: 0, prepares: 0 };
  const browser: BrowserRunner = {
    label: 'In the browser',
    prepare: () => {
      calls.prepares += 1;
      return prepare();
    },
    run: async () => {
      calls.browserRuns += 1;
      return ok('browser');
    },
    runScript: async () => ok('browser script'),
  };
  const local: Runner = {
    label: 'Local runner',
    run: async () => {
      calls.localRuns += 1;
      return ok('local');
    },
    runScript: async () => ok('local script'),
  };
  return { browser, local, calls };
}

function auto(
  mode: RunnerMode,
  prepare: () => Promise<unknown>,
  overrides: Partial<AutoRunnerOptions> = {},
) {
  const { browser, local, calls } = fakes(prepare);
  const notices: string[] = [];
  const runner = new AutoRunner({
    mode: () => mode,
    browserUnsupported: () => undefined,
    browser: () => browser,
    local,
    localAvailable: async () => true,
    onNotice: (n) => notices.push(n),
    ...overrides,
  });
  return { runner, calls, notices };
}

/** A promise settled from outside, for a boot that takes as long as the test wants. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

class MemoryOfFailures {
  reason: string | undefined;
  recall = () => this.reason;
  remember = (reason: string) => void (this.reason = reason);
  forget = () => void (this.reason = undefined);
}

describe('AutoRunner', () => {
  it('answers from the local runner at once while the container boots, then switches over', async () => {
    const boot = deferred();
    const { runner, calls, notices } = auto('auto', () => boot.promise);
    // The boot has not finished: the first run does not wait for it.
    expect((await runner.run(request)).runner).toBe('local');
    expect(calls.prepares).toBe(1);
    boot.resolve();
    await boot.promise;
    await Promise.resolve();
    expect((await runner.run(request)).runner).toBe('browser');
    expect(calls.prepares).toBe(1);
    expect(notices).toEqual([]);
  });

  it('without a local runner, waits for the container and runs in the browser', async () => {
    const { runner, calls } = auto('auto', async () => undefined, {
      localAvailable: async () => false,
    });
    expect((await runner.run(request)).runner).toBe('browser');
    expect(calls).toMatchObject({ browserRuns: 1, localRuns: 0 });
  });

  it('falls back to the local runner when the container cannot start, says why, and stops trying', async () => {
    const { runner, calls, notices } = auto('auto', async () => {
      throw new Error('Node did not start in this browser within 20 s.');
    });
    expect((await runner.run(request)).runner).toBe('local');
    expect((await runner.run(request)).runner).toBe('local');
    expect((await runner.run(request)).runner).toBe('local');
    expect(calls.prepares).toBe(1);
    expect(notices.at(-1)).toBe(
      'Node did not start in this browser within 20 s, so your code runs on the local runner instead.',
    );
  });

  it('asks whether the service answers before booting, and says why when it does not', async () => {
    const { runner, calls } = auto('auto', async () => undefined, {
      localAvailable: async () => false,
      browserReachable: async () => "StackBlitz's servers cannot be reached from this browser.",
    });
    const result = await runner.run(request);
    expect(calls.prepares).toBe(0);
    expect(result).toMatchObject({ status: 'error', errorCode: 'runner-unavailable' });
    expect(result.message).toBe(
      "StackBlitz's servers cannot be reached from this browser, and this site has no local runner, so exercises cannot run here.",
    );
  });

  it('remembers a failed boot for the next page, and forgets it once a boot succeeds', async () => {
    const failures = new MemoryOfFailures();
    const first = auto('auto', async () => Promise.reject(new Error('Boot failed.')), { failures });
    await first.runner.run(request);
    await first.runner.run(request);
    expect(failures.reason).toBe('Boot failed.');

    const next = auto('auto', async () => undefined, { failures });
    expect((await next.runner.run(request)).runner).toBe('local');
    expect(next.calls.prepares).toBe(0);
    expect(next.notices[0]).toBe('Boot failed, so your code runs on the local runner instead.');

    failures.forget();
    const later = auto('auto', async () => undefined, {
      failures,
      localAvailable: async () => false,
    });
    expect((await later.runner.run(request)).runner).toBe('browser');
    expect(failures.reason).toBeUndefined();
  });

  it('uses the local runner when the page cannot host a container at all', async () => {
    const { runner, calls, notices } = auto('auto', async () => undefined, {
      browserUnsupported: () => 'the page is not cross-origin isolated',
    });
    expect((await runner.run(request)).runner).toBe('local');
    expect(calls.prepares).toBe(0);
    expect(notices[0]).toContain('not cross-origin isolated');
  });

  it('says plainly when there is neither a container nor a local runner', async () => {
    const { runner } = auto('auto', async () => Promise.reject(new Error('Boot failed.')), {
      localAvailable: async () => false,
    });
    const result = await runner.run(request);
    expect(result).toMatchObject({ status: 'error', errorCode: 'runner-unavailable' });
    expect(result.message).toBe(
      'Boot failed, and this site has no local runner, so exercises cannot run here.',
    );
    expect(result.hint).toContain('npm install && npm start');
  });

  it('runs examples on the same runner it picked for tests', async () => {
    const { runner } = auto('auto', async () => Promise.reject(new Error('Boot failed.')));
    expect((await runner.runScript({ source: 'console.log(1)' })).runner).toBe('local script');
  });

  it('honours a forced choice', async () => {
    const local = auto('local', async () => undefined);
    expect((await local.runner.run(request)).runner).toBe('local');
    expect(local.calls.prepares).toBe(0);

    const forced = auto('webcontainer', async () => undefined, {
      browserUnsupported: () => 'no SharedArrayBuffer',
    });
    const result = await forced.runner.run(request);
    expect(result.message).toBe('This browser cannot run Node in the page: no SharedArrayBuffer');
    expect(forced.calls.localRuns).toBe(0);
  });
});
