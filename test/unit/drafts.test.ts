/**
 * A draft is only ever replaced by code edited later: not by a page that merely shows older
 * code, not by a second tab, not after the editor is gone. The browser tests drive the same
 * rules through the panel (test/e2e/drafts.spec.ts).
 */
import { describe, expect, it } from 'vitest';
import { DraftKeeper, draftKey, type DraftStore } from '../../src/components/exercise/drafts.ts';

class MapStore implements DraftStore {
  readonly map = new Map<string, string>();
  failing = false;
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    if (this.failing) throw new DOMException('full', 'QuotaExceededError');
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

const ID = '04-streams/lines';
const keeper = (store: DraftStore) => new DraftKeeper(ID, ['lines.ts'], store);

describe('DraftKeeper', () => {
  it('saves only what the learner changed, and loads it back', () => {
    const store = new MapStore();
    const tab = keeper(store);
    expect(tab.save({ 'lines.ts': 'starter' })).toBe('unchanged');
    expect(store.map.size).toBe(0);
    tab.edited(1000);
    expect(tab.save({ 'lines.ts': 'mine' })).toBe('saved');
    expect(keeper(store).load()).toEqual({ files: { 'lines.ts': 'mine' }, savedAt: 1000 });
    expect(tab.save({ 'lines.ts': 'mine' })).toBe('unchanged');
  });

  it('keeps a draft edited later in another tab', () => {
    const store = new MapStore();
    const a = keeper(store);
    const b = keeper(store);
    a.edited(1000);
    b.edited(2000);
    expect(b.save({ 'lines.ts': 'from b' })).toBe('saved');
    expect(a.save({ 'lines.ts': 'from a' })).toBe('newer-elsewhere');
    expect(keeper(store).load()?.files['lines.ts']).toBe('from b');
    // Typing again in A makes A's code the newest.
    a.edited(3000);
    expect(a.save({ 'lines.ts': 'from a, later' })).toBe('saved');
    expect(keeper(store).load()?.files['lines.ts']).toBe('from a, later');
  });

  it('takes up another tab’s newer draft only when nothing is unsaved here', () => {
    const store = new MapStore();
    const a = keeper(store);
    const b = keeper(store);
    b.edited(2000);
    b.save({ 'lines.ts': 'from b' });
    const raw = store.getItem(draftKey(ID));
    expect(a.fromOtherTab('another key', raw)).toBeUndefined();
    expect(a.fromOtherTab(draftKey(ID), raw)?.files['lines.ts']).toBe('from b');
    // The same draft again is not news.
    expect(a.fromOtherTab(draftKey(ID), raw)).toBeUndefined();
    b.edited(4000);
    b.save({ 'lines.ts': 'from b, later' });
    a.edited(3000);
    expect(a.fromOtherTab(draftKey(ID), store.getItem(draftKey(ID)))).toBeUndefined();
  });

  it('builds on a draft it took up: an edit after it is newer', () => {
    const store = new MapStore();
    const a = keeper(store);
    const b = keeper(store);
    b.edited(5000);
    b.save({ 'lines.ts': 'from b' });
    a.fromOtherTab(draftKey(ID), store.getItem(draftKey(ID)));
    a.edited(4000); // A's clock is behind B's
    expect(a.save({ 'lines.ts': 'b, then a' })).toBe('saved');
  });

  it('says when the browser refuses, and degrades to no draft on garbage', () => {
    const store = new MapStore();
    const tab = keeper(store);
    store.failing = true;
    tab.edited(1);
    expect(tab.save({ 'lines.ts': 'x' })).toBe('failed');
    store.map.set(draftKey(ID), '{not json');
    expect(keeper(store).load()).toBeUndefined();
    store.map.set(draftKey(ID), JSON.stringify({ files: { 'other.ts': 'x' } }));
    expect(keeper(store).load()).toBeUndefined();
    expect(new DraftKeeper(ID, ['lines.ts'], undefined).load()).toBeUndefined();
  });

  it('forgets the draft on reset', () => {
    const store = new MapStore();
    const tab = keeper(store);
    tab.edited(1);
    tab.save({ 'lines.ts': 'x' });
    tab.edited(2);
    tab.clear();
    expect(store.map.size).toBe(0);
    expect(tab.save({ 'lines.ts': 'starter' })).toBe('unchanged');
  });
});
