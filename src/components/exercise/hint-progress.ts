/**
 * Which hints of an exercise the learner has revealed, kept in this browser so a reload shows
 * them again, and which hint to offer next: in the exercise's order, or for one failing test.
 * Storage can be full, disabled or hold garbage from an older release: every failure means
 * "nothing revealed yet" or "not kept", never an error.
 */
const PREFIX = 'workbench:v1:hints:';

export interface PanelHint {
  text: string;
  /** Full test names, as the results list shows them. */
  tests: readonly string[];
}

/** What revealed hints are kept in; localStorage in the browser, a Map in tests. */
export interface HintStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function hintKey(exerciseId: string): string {
  return `${PREFIX}${exerciseId}`;
}

/** localStorage, or nothing when the browser refuses access to it (some privacy settings). */
export function browserHintStore(): HintStore | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export class HintProgress {
  private readonly revealed = new Set<number>();
  private readonly exerciseId: string;
  readonly hints: readonly PanelHint[];
  private readonly store: HintStore | undefined;

  constructor(exerciseId: string, hints: readonly PanelHint[], store: HintStore | undefined) {
    this.exerciseId = exerciseId;
    this.hints = hints;
    this.store = store;
    this.load();
  }

  get total(): number {
    return this.hints.length;
  }

  /** Revealed hints in the exercise's order, whatever order they were revealed in. */
  revealedIndices(): number[] {
    return [...this.revealed].sort((a, b) => a - b);
  }

  isRevealed(index: number): boolean {
    return this.revealed.has(index);
  }

  /** The first hint not revealed yet, for a learner who has no failing test to go by. */
  nextInOrder(): number | undefined {
    const index = this.hints.findIndex((_, i) => !this.revealed.has(i));
    return index === -1 ? undefined : index;
  }

  /** The first hint not revealed yet among those that name this test. */
  nextFor(testName: string): number | undefined {
    const index = this.hints.findIndex(
      (h, i) => !this.revealed.has(i) && h.tests.includes(testName),
    );
    return index === -1 ? undefined : index;
  }

  /** Revealed hints that name this test, in the exercise's order. */
  revealedFor(testName: string): number[] {
    return this.revealedIndices().filter((i) => this.hints[i]?.tests.includes(testName));
  }

  /** Whether any hint at all names this test. */
  hasHintsFor(testName: string): boolean {
    return this.hints.some((h) => h.tests.includes(testName));
  }

  reveal(index: number): void {
    if (index < 0 || index >= this.hints.length || this.revealed.has(index)) return;
    this.revealed.add(index);
    this.save();
  }

  /**
   * Hints are kept by their text, not their position: after the course changes a hint (a new
   * deployment), the changed one counts as not revealed instead of revealing another.
   */
  private load(): void {
    let raw: string | null;
    try {
      raw = this.store?.getItem(hintKey(this.exerciseId)) ?? null;
    } catch {
      return;
    }
    if (!raw) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return;
    }
    const texts = (value as { revealed?: unknown } | null)?.revealed;
    if (!Array.isArray(texts)) return;
    this.hints.forEach((hint, index) => {
      if (texts.includes(hint.text)) this.revealed.add(index);
    });
  }

  private save(): void {
    const revealed = this.revealedIndices().map((i) => this.hints[i]!.text);
    try {
      this.store?.setItem(hintKey(this.exerciseId), JSON.stringify({ revealed }));
    } catch {
      // Full or disabled storage: the hints stay shown on this page, just not after a reload.
    }
  }
}
