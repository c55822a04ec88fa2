/**
 * An exercise's time limit measures the learner's code, not our set-up. A run's wall-clock time
 * also holds starting Node and vitest and opening the prepared database, and both slow down when
 * the machine is busy: counted against the learner, a correct solution times out because someone
 * else was compiling, and the verdict stops being trustworthy.
 *
 * So this clock starts when the first test file starts loading (the learner's module loads with
 * it), not when the process does, and it stops inside any span the exercise kit marks as set-up
 * (opening a database). A plain script, a lesson's example, is learner code from its first line:
 * its clock runs from the start, less the kit's spans. Hooks count: a learner's module can
 * register them too, and the tests' own are quick, or mark their slow part as set-up.
 *
 * Time outside the clock has a budget of its own (SETUP_LIMIT_SECONDS), so that set-up that
 * never ends still ends the run.
 *
 * The marks come from inside the run (vitest/progress-setup.ts, exercise-kit/set-up-span.js),
 * appended synchronously to the events file with their own Date.now(): the sums are exact
 * whenever the file is read, however late.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { SETUP_LIMIT_SECONDS, type TimeUp } from '../time-limits.ts';
import type { VitestEvent } from '../vitest/events.ts';
import { parseEvents } from '../vitest/vitest-report.ts';

export interface ClockOptions {
  /** The learner's budget (the exercise's time limit). */
  limitMs: number;
  /** The budget for everything else; SETUP_LIMIT_SECONDS by default. */
  setupLimitMs?: number;
  /** A plain script counts from its start; a vitest run from its first test file's loading. */
  countsFromStart: boolean;
  /** When the run started, in Date.now() time. */
  startedAt?: number;
}

/** Pure accounting over the marks, fed in the order they were written. */
export class LearnerClock {
  private readonly options: Required<ClockOptions>;
  private spentMs = 0;
  private since: number;
  private started: boolean;
  private setup = 0;

  constructor(options: ClockOptions) {
    this.options = {
      setupLimitMs: SETUP_LIMIT_SECONDS * 1000,
      startedAt: Date.now(),
      ...options,
    };
    this.since = this.options.startedAt;
    this.started = options.countsFromStart;
  }

  private get counting(): boolean {
    return this.started && this.setup === 0;
  }

  apply(event: VitestEvent): void {
    if (!('t' in event) || typeof event.t !== 'number') return;
    const before = this.counting;
    switch (event.type) {
      case 'load-start':
        this.started = true;
        break;
      case 'setup-start':
        this.setup += 1;
        break;
      case 'setup-end':
        this.setup = Math.max(0, this.setup - 1);
        break;
      default:
        return;
    }
    const after = this.counting;
    if (before && !after) this.spentMs += Math.max(0, event.t - this.since);
    if (!before && after) this.since = event.t;
  }

  /** The learner's time so far. */
  learnerMs(now: number = Date.now()): number {
    return this.spentMs + (this.counting ? Math.max(0, now - this.since) : 0);
  }

  /** Which budget is used up at `now`, if any. */
  timeUp(now: number = Date.now()): TimeUp | undefined {
    const learner = this.learnerMs(now);
    if (learner >= this.options.limitMs) return 'learner';
    const other = now - this.options.startedAt - learner;
    return other >= this.options.setupLimitMs ? 'setup' : undefined;
  }

  /** How long until a budget could run out, for scheduling the next look. */
  untilNextCheckMs(now: number = Date.now()): number {
    const learnerLeft = this.options.limitMs - this.learnerMs(now);
    const otherLeft =
      this.options.setupLimitMs - (now - this.options.startedAt - this.learnerMs(now));
    // Whichever budget is being spent now could run out first; 100 ms bounds the lag when the
    // state changed since the last read.
    return Math.max(10, Math.min(100, learnerLeft, otherLeft));
  }
}

/** Reads the lines appended to a file since the last call; a partial last line waits. */
export class EventsTail {
  private readonly file: string;
  private offset = 0;
  // Bytes, not text: a read may end inside a multi-byte character.
  private pending = Buffer.alloc(0);

  constructor(file: string) {
    this.file = file;
  }

  read(): VitestEvent[] {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return []; // Not written yet.
    }
    const chunks = [this.pending];
    try {
      for (;;) {
        const chunk = Buffer.alloc(64 * 1024);
        const n = readSync(fd, chunk, 0, chunk.length, this.offset);
        if (n === 0) break;
        this.offset += n;
        chunks.push(chunk.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
    const all = Buffer.concat(chunks);
    const complete = all.lastIndexOf(0x0a) + 1;
    this.pending = all.subarray(complete);
    return parseEvents(all.toString('utf8', 0, complete));
  }
}

/**
 * A clock that reads a run's events file itself: what run-process.ts polls in place of a plain
 * wall-clock timer.
 */
export interface RunClock {
  timeUp(): TimeUp | undefined;
  /** Milliseconds until it is worth asking again. */
  nextCheckMs(): number;
}

export function learnerClockFor(eventsFile: string, options: ClockOptions): RunClock {
  const clock = new LearnerClock(options);
  const tail = new EventsTail(eventsFile);
  const catchUp = () => {
    for (const event of tail.read()) clock.apply(event);
  };
  return {
    timeUp: () => {
      catchUp();
      return clock.timeUp();
    },
    nextCheckMs: () => clock.untilNextCheckMs(),
  };
}
