/**
 * Which hint the panel offers for a failing test, and how revealed hints survive a reload. The
 * browser test (test/e2e/hints.spec.ts) drives the same rules through the panel.
 */
import { describe, expect, it } from 'vitest';
import {
  HintProgress,
  hintKey,
  type HintStore,
  type PanelHint,
} from '../../src/components/exercise/hint-progress.ts';

class MapStore implements HintStore {
  readonly map = new Map<string, string>();
  failing = false;
  getItem(key: string) {
    if (this.failing) throw new DOMException('denied', 'SecurityError');
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    if (this.failing) throw new DOMException('full', 'QuotaExceededError');
    this.map.set(key, value);
  }
}

const ID = '04-streams/lines';
const SPLIT = 'lines() > joins a line that is split across two chunks';
const CRLF = 'lines() > strips "\\r\\n" endings';
const hints: PanelHint[] = [
  { text: 'A chunk boundary is not a line boundary.', tests: [SPLIT] },
  { text: 'Strip one "\\r" from the end of each line.', tests: [CRLF] },
  { text: 'Keep the unfinished piece in a variable.', tests: [SPLIT, CRLF] },
];

describe('HintProgress', () => {
  it('offers the hints that name a test, in order, one at a time', () => {
    const progress = new HintProgress(ID, hints, new MapStore());
    expect(progress.nextFor(CRLF)).toBe(1);
    progress.reveal(1);
    expect(progress.nextFor(CRLF)).toBe(2);
    progress.reveal(2);
    expect(progress.nextFor(CRLF)).toBeUndefined();
    expect(progress.revealedFor(CRLF)).toEqual([1, 2]);
    expect(progress.revealedFor(SPLIT)).toEqual([2]);
    // In order, the general button still starts from the first hint.
    expect(progress.nextInOrder()).toBe(0);
    expect(progress.hasHintsFor('lines() > something no hint names')).toBe(false);
  });

  it('shows revealed hints again after a reload, in the exercise order', () => {
    const store = new MapStore();
    const before = new HintProgress(ID, hints, store);
    before.reveal(2);
    before.reveal(0);
    const after = new HintProgress(ID, hints, store);
    expect(after.revealedIndices()).toEqual([0, 2]);
    expect(after.nextInOrder()).toBe(1);
    expect(store.map.has(hintKey(ID))).toBe(true);
    expect(new HintProgress('04-streams/range', hints, store).revealedIndices()).toEqual([]);
  });

  it('forgets a hint whose text the course changed instead of revealing another', () => {
    const store = new MapStore();
    new HintProgress(ID, hints, store).reveal(1);
    const changed = hints.map((h, i) => (i === 1 ? { ...h, text: 'A reworded hint.' } : h));
    expect(new HintProgress(ID, changed, store).revealedIndices()).toEqual([]);
  });

  it('treats storage that fails or holds garbage as "nothing kept", never as an error', () => {
    const store = new MapStore();
    store.failing = true;
    const progress = new HintProgress(ID, hints, store);
    expect(() => progress.reveal(0)).not.toThrow();
    expect(progress.revealedIndices()).toEqual([0]);
    store.failing = false;
    expect(new HintProgress(ID, hints, store).revealedIndices()).toEqual([]);
    for (const garbage of ['{', 'null', '[]', '{"revealed": 3}', '{"revealed": [1, null]}']) {
      store.map.set(hintKey(ID), garbage);
      expect(new HintProgress(ID, hints, store).revealedIndices(), garbage).toEqual([]);
    }
    expect(new HintProgress(ID, hints, undefined).nextInOrder()).toBe(0);
  });
});
