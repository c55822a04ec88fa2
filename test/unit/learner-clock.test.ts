/**
 * The learner's clock counts the learner's code only: from the first test file's loading, less
 * the kit's set-up spans; the rest has a budget of its own. Times are explicit, so nothing here
 * depends on how fast the machine is.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventsTail, LearnerClock } from '../../src/runner/local/learner-clock.ts';
import type { VitestEvent } from '../../src/runner/vitest/events.ts';

const at = (t: number, type: VitestEvent['type'], extra: object = {}) =>
  ({ type, t, id: 'x', ...extra }) as VitestEvent;

describe('LearnerClock for a vitest run', () => {
  const clock = () =>
    new LearnerClock({ limitMs: 1000, setupLimitMs: 5000, countsFromStart: false, startedAt: 0 });

  it('starts when the first test file loads, not when vitest starts', () => {
    const c = clock();
    expect(c.learnerMs(3000)).toBe(0); // vitest starting
    c.apply(at(3000, 'load-start'));
    expect(c.learnerMs(3400)).toBe(400);
    c.apply(at(3400, 'load-end'));
    c.apply(at(3450, 'load-start')); // a second test file: the clock is already running
    expect(c.learnerMs(3900)).toBe(900);
    expect(c.timeUp(3999)).toBeUndefined();
    expect(c.timeUp(4000)).toBe('learner');
  });

  it('stops inside the set-up spans the kit marks, nested or not', () => {
    const c = clock();
    c.apply(at(0, 'load-start'));
    c.apply(at(100, 'setup-start'));
    c.apply(at(150, 'setup-start'));
    c.apply(at(2000, 'setup-end'));
    expect(c.learnerMs(2500)).toBe(100);
    c.apply(at(2500, 'setup-end'));
    expect(c.learnerMs(2600)).toBe(200);
  });

  it('gives set-up a budget of its own', () => {
    const c = clock();
    c.apply(at(200, 'load-start'));
    c.apply(at(300, 'setup-start')); // a database that never opens
    expect(c.timeUp(5099)).toBeUndefined();
    expect(c.timeUp(5100)).toBe('setup'); // 100 ms of the learner's, 5 s of set-up
  });

  it('ignores marks without a time (recorded before the clock existed) and other events', () => {
    const c = clock();
    c.apply({ type: 'test-start', id: 'a' });
    c.apply({ type: 'module-end', file: 'a.test.ts' });
    expect(c.learnerMs(10_000)).toBe(0);
  });
});

describe('LearnerClock for a plain script', () => {
  it('counts from the start, less the set-up spans', () => {
    const c = new LearnerClock({ limitMs: 1000, countsFromStart: true, startedAt: 0 });
    c.apply(at(100, 'setup-start'));
    c.apply(at(3100, 'setup-end'));
    expect(c.learnerMs(3500)).toBe(500);
    expect(c.timeUp(4000)).toBe('learner');
  });
});

describe('EventsTail', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('returns each complete line once and waits for the rest of a partial one', () => {
    dir = mkdtempSync(join(tmpdir(), 'workbench-tail-'));
    const file = join(dir, 'events.ndjson');
    const tail = new EventsTail(file);
    expect(tail.read()).toEqual([]); // no file yet
    const e = Buffer.from('é'); // two bytes, written in two goes
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('{"type":"load-start","t":1}\n{"type":"log","stream":"stdout","content":"'),
        e.subarray(0, 1),
      ]),
    );
    expect(tail.read()).toEqual([{ type: 'load-start', t: 1 }]);
    appendFileSync(file, Buffer.concat([e.subarray(1), Buffer.from('"}\n')]));
    expect(tail.read()).toEqual([{ type: 'log', stream: 'stdout', content: 'é' }]);
    expect(tail.read()).toEqual([]);
  });
});
