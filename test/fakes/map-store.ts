import type { KeyValueStore } from '../../src/components/progress/progress-transfer.ts';

/** localStorage as the progress code sees it, in a Map; `quota` (in characters) fills it up. */
export class MapStore implements KeyValueStore {
  readonly map = new Map<string, string>();
  quota = Infinity;
  constructor(entries: Record<string, string> = {}) {
    for (const [key, value] of Object.entries(entries)) this.map.set(key, value);
  }
  get length() {
    return this.map.size;
  }
  key(index: number) {
    return [...this.map.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    const size = (entries: Iterable<[string, string]>) =>
      [...entries].reduce((sum, [k, v]) => sum + k.length + v.length, 0);
    const next = new Map(this.map).set(key, value);
    if (size(next) > this.quota) throw new DOMException('full', 'QuotaExceededError');
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}
