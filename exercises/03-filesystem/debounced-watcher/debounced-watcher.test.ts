import type * as NodeFs from 'node:fs';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it, expect, vi } from 'vitest';
import { createDebouncer, watchDebounced } from './debounced-watcher.ts';

/**
 * Every watcher fs.watch() returns in this file, newest last. The real watch() still does the
 * watching; keeping its watchers lets a test play the operating system and emit what a real
 * directory on Linux never produces on demand: an 'error', or an event without a file name.
 */
const watchers = vi.hoisted((): NodeFs.FSWatcher[] => []);
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof NodeFs>();
  const watch = (...args: unknown[]): NodeFs.FSWatcher => {
    const watcher = (fs.watch as (...args: unknown[]) => NodeFs.FSWatcher)(...args);
    watchers.push(watcher);
    return watcher;
  };
  return { ...fs, watch, default: { ...fs, watch } };
});

/**
 * A clock the test moves by hand: setTimer and clearTimer for the debouncer, advance() to let
 * time pass. Timers fire in time order, each at its own time, as real ones would.
 */
class FakeClock {
  now = 0;
  /** Handles of timers that had already fired when clearTimer() was given them. */
  readonly clearedAfterFiring: unknown[] = [];
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private readonly fired = new Set<number>();

  setTimer = (fn: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now + ms, fn });
    return id;
  };

  clearTimer = (handle: unknown): void => {
    if (this.fired.has(handle as number)) this.clearedAfterFiring.push(handle);
    this.timers.delete(handle as number);
  };

  /** How many timers are started and neither fired nor cleared. */
  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) {
        if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      }
      if (!next) break;
      this.timers.delete(next[0]);
      this.fired.add(next[0]);
      this.now = next[1].at;
      next[1].fn();
    }
    this.now = end;
  }
}

/** A debouncer on a fake clock, and the log of its onChange calls as "file@time". */
function setup(delayMs = 100): {
  clock: FakeClock;
  calls: string[];
  debouncer: ReturnType<typeof createDebouncer>;
} {
  const clock = new FakeClock();
  const calls: string[] = [];
  const debouncer = createDebouncer({
    delayMs,
    onChange: (file) => calls.push(`${file}@${clock.now}`),
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
  });
  return { clock, calls, debouncer };
}

describe('createDebouncer()', () => {
  it('calls onChange once, delayMs after a single event', () => {
    const { clock, calls, debouncer } = setup(100);
    debouncer.event('a.txt');
    expect(
      calls,
      'onChange must not run on the event itself: the file is probably still being written. ' +
        'Start a timer with options.setTimer and call onChange when it fires',
    ).toEqual([]);
    clock.advance(99);
    expect(calls, 'nothing may happen before delayMs have passed').toEqual([]);
    clock.advance(1);
    expect(
      calls,
      'onChange("a.txt") must run exactly delayMs (100) after the event, through the timer ' +
        'that options.setTimer started (the test controls time through it)',
    ).toEqual(['a.txt@100']);
  });

  it('coalesces a burst into one callback, delayMs after its last event', () => {
    const { clock, calls, debouncer } = setup(100);
    for (let i = 0; i < 20; i++) {
      debouncer.event('a.txt');
      clock.advance(50);
    }
    // The last event was at 950.
    expect(
      calls,
      'events 50 ms apart, with delayMs 100, are one burst that is still going on: every event ' +
        'must restart the wait (clear the timer and start a new one), so nothing fires during ' +
        'the burst',
    ).toEqual([]);
    clock.advance(1000);
    expect(
      calls,
      'the burst must give exactly one callback, delayMs after its last event (950 + 100)',
    ).toEqual(['a.txt@1050']);
  });

  it('cancels the timer it replaces', () => {
    const { clock, debouncer } = setup(100);
    for (let i = 0; i < 10; i++) {
      debouncer.event('a.txt');
      clock.advance(5);
    }
    expect(
      clock.pending,
      'after 10 events for one file, one timer should be waiting: clearTimer() the previous ' +
        'timer when an event restarts the wait',
    ).toBe(1);
  });

  it('handles different files independently', () => {
    const { clock, calls, debouncer } = setup(100);
    debouncer.event('a.txt');
    clock.advance(10);
    debouncer.event('b.txt');
    clock.advance(200);
    expect(
      calls,
      'a.txt and b.txt each get their own callback, each delayMs after its own event: keep ' +
        'one timer per file (a Map from file to timer), not one timer for everything',
    ).toEqual(['a.txt@100', 'b.txt@110']);
  });

  it('does not let a busy file delay a quiet one', () => {
    const { clock, calls, debouncer } = setup(100);
    debouncer.event('quiet.txt');
    for (let i = 0; i < 10; i++) {
      debouncer.event('busy.log');
      clock.advance(30);
    }
    expect(
      calls.filter((call) => call.startsWith('quiet.txt')),
      'quiet.txt had one event at 0 and must be reported at 100, while busy.log keeps ' +
        'changing: events for one file must not restart the timer of another',
    ).toEqual(['quiet.txt@100']);
    clock.advance(200);
    expect(calls, 'busy.log is reported once its own burst ends (270 + 100)').toEqual([
      'quiet.txt@100',
      'busy.log@370',
    ]);
  });

  it('starts a new burst after a callback', () => {
    const { clock, calls, debouncer } = setup(100);
    debouncer.event('a.txt');
    clock.advance(150);
    debouncer.event('a.txt');
    clock.advance(30);
    debouncer.event('a.txt');
    clock.advance(150);
    expect(
      calls,
      'a change after the callback is a new burst and must give a new callback, delayMs ' +
        'after its own last event (180 + 100)',
    ).toEqual(['a.txt@100', 'a.txt@280']);
  });

  it('forgets a file once its callback has run', () => {
    const { clock, calls, debouncer } = setup(100);
    debouncer.event('a.txt');
    clock.advance(100);
    debouncer.event('b.txt');
    clock.advance(100);
    // A new burst for a.txt, whose first timer fired long ago: there is nothing to cancel.
    debouncer.event('a.txt');
    debouncer.close();
    expect(calls, 'each file is reported once, delayMs after its event').toEqual([
      'a.txt@100',
      'b.txt@200',
    ]);
    expect(
      clock.clearedAfterFiring,
      "once a file's callback has run, drop its timer (delete it from the Map in the timer's " +
        'callback): kept, it is cleared again by the next event and by close(), and a watcher ' +
        'that runs for months holds one entry for every file that ever changed',
    ).toEqual([]);
  });

  it('close() cancels pending callbacks and ignores later events', () => {
    const { clock, calls, debouncer } = setup(100);
    debouncer.event('a.txt');
    debouncer.event('b.txt');
    clock.advance(50);
    debouncer.close();
    expect(
      clock.pending,
      'close() must clearTimer() every pending timer: a timer left behind fires later, and ' +
        'keeps a real process alive',
    ).toBe(0);
    debouncer.event('c.txt');
    clock.advance(1000);
    expect(
      calls,
      'after close(), no callback may run: neither the pending ones nor ones for new events',
    ).toEqual([]);
  });

  it('uses setTimeout when no timer functions are given', () => {
    vi.useFakeTimers();
    try {
      const calls: string[] = [];
      const debouncer = createDebouncer({ delayMs: 100, onChange: (file) => calls.push(file) });
      debouncer.event('a.txt');
      vi.advanceTimersByTime(50);
      debouncer.event('a.txt');
      vi.advanceTimersByTime(99);
      expect(calls, 'with the default timers too, the wait restarts on every event').toEqual([]);
      vi.advanceTimersByTime(1);
      expect(
        calls,
        'without setTimer and clearTimer options, use setTimeout and clearTimeout',
      ).toEqual(['a.txt']);
      debouncer.close();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('watchDebounced()', () => {
  let dir: string | undefined;
  let stop: (() => void) | undefined;

  afterEach(async () => {
    stop?.();
    stop = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** Resolves after `ms` of real time: these two tests watch a real directory. */
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  /**
   * watchDebounced() on a fresh directory and a fake clock, with the fs.watch() watcher it
   * started, through which the test plays the operating system.
   */
  async function watchOnFakeClock(onError?: (error: Error) => void): Promise<{
    clock: FakeClock;
    calls: string[];
    watcher: NodeFs.FSWatcher;
    stopNow: () => void;
  }> {
    dir = await mkdtemp(join(tmpdir(), 'debounced-watcher-'));
    const clock = new FakeClock();
    const calls: string[] = [];
    const before = watchers.length;
    const stopNow = watchDebounced(dir, {
      delayMs: 100,
      onChange: (file) => calls.push(String(file)),
      setTimer: clock.setTimer,
      clearTimer: clock.clearTimer,
      ...(onError ? { onError } : {}),
    });
    stop = stopNow;
    expect(
      watchers.length,
      'watchDebounced() must start exactly one fs.watch() watcher on the directory',
    ).toBe(before + 1);
    return { clock, calls, watcher: watchers[before]!, stopNow };
  }

  /** What a watcher emits when the OS gives up on the watch (EPERM: Windows, directory gone). */
  function watchFailure(): Error {
    return Object.assign(new Error('EPERM: operation not permitted, watch'), { code: 'EPERM' });
  }

  it('reports each changed file once for a burst of real writes', async () => {
    dir = await mkdtemp(join(tmpdir(), 'debounced-watcher-'));
    const calls: string[] = [];
    stop = watchDebounced(dir, { delayMs: 150, onChange: (file) => calls.push(file) });
    // A create, a rewrite and an append: fs.watch() reports several events for these.
    await writeFile(join(dir, 'a.txt'), 'one');
    await writeFile(join(dir, 'a.txt'), 'two');
    await appendFile(join(dir, 'a.txt'), 'three');
    await writeFile(join(dir, 'b.txt'), 'bee');
    for (let waited = 0; calls.length === 0 && waited < 3000; waited += 25) await sleep(25);
    // Long enough for the other file's callback, and for a second, wrong one to show up.
    await sleep(300);
    expect(
      [...calls].sort(),
      'watchDebounced() must pass every fs.watch() event for a file through one debouncer, ' +
        'so that a burst of writes to a.txt gives one onChange("a.txt") (and b.txt one of its ' +
        'own), with the name relative to the directory',
    ).toEqual(['a.txt', 'b.txt']);
  });

  it('stops watching and cancels pending callbacks when stopped', async () => {
    dir = await mkdtemp(join(tmpdir(), 'debounced-watcher-'));
    const calls: string[] = [];
    const stopNow = watchDebounced(dir, { delayMs: 150, onChange: (file) => calls.push(file) });
    await writeFile(join(dir, 'a.txt'), 'one');
    // Lets the events arrive; their callback is still 150 ms away.
    await sleep(30);
    stopNow();
    await writeFile(join(dir, 'b.txt'), 'after stop');
    await sleep(300);
    expect(
      calls,
      'after the stop function returns, no callback may run: close the fs.watch() watcher and ' +
        'the debouncer, whose timers would otherwise still fire',
    ).toEqual([]);
  });

  it('ignores an event that comes without a file name', async () => {
    const { clock, calls, watcher } = await watchOnFakeClock();
    watcher.emit('change', 'rename', null);
    clock.advance(1000);
    expect(
      calls,
      'fs.watch() does not promise a file name: on some platforms filename is null. There is ' +
        'no file to debounce then, so no onChange at all (neither onChange(null) nor "null")',
    ).toEqual([]);
  });

  it('closes the fs.watch() watcher when stopped', async () => {
    const { watcher, stopNow } = await watchOnFakeClock();
    let closed = false;
    watcher.on('close', () => {
      closed = true;
    });
    stopNow();
    // An FSWatcher emits 'close' on the next tick after close().
    await new Promise((resolve) => setImmediate(resolve));
    expect(
      closed,
      'the stop function must close() the fs.watch() watcher: an open watcher keeps watching, ' +
        'and keeps the process alive, after the debouncer is closed',
    ).toBe(true);
  });

  it("passes the watcher's error to onError and stops", async () => {
    const errors: Error[] = [];
    const { clock, calls, watcher } = await watchOnFakeClock((error) => errors.push(error));
    watcher.emit('change', 'change', 'a.txt');
    const failure = watchFailure();
    expect(
      () => watcher.emit('error', failure),
      "an 'error' event that nobody listens for is thrown, and in a real process crashes it: " +
        "listen for 'error' on the watcher",
    ).not.toThrow();
    expect(errors, "onError must receive the watcher's error, once").toEqual([failure]);
    expect(errors[0], 'onError must receive the error the watcher emitted, not a new one').toBe(
      failure,
    );
    clock.advance(1000);
    expect(
      calls,
      'after an error the watch has stopped: cancel the callback that the event for a.txt ' +
        'scheduled, as the stop function does',
    ).toEqual([]);
  });

  it('survives a watcher error when no onError is given', async () => {
    const { clock, calls, watcher } = await watchOnFakeClock();
    watcher.emit('change', 'change', 'a.txt');
    expect(
      () => watcher.emit('error', watchFailure()),
      "onError is optional: with none given, the 'error' listener must still stop the watch " +
        'without throwing (options.onError?.(error), not options.onError(error))',
    ).not.toThrow();
    clock.advance(1000);
    expect(calls, 'after an error the watch has stopped, onError or not').toEqual([]);
  });
});
