/**
 * Learner drafts, saved in localStorage per exercise so a reload, a crash or a closed tab never
 * loses work. Storage can be full, disabled (private mode) or hold garbage from an older
 * release: every failure degrades to "no draft" instead of breaking the panel.
 *
 * One rule keeps work from being lost: a draft is only ever replaced by code that was edited
 * later. A panel saves only when the learner changed something since its last save (so a tab
 * that merely shows old code never writes it back), and a save never replaces a draft whose
 * edit is newer than its own (another tab's). A panel with nothing unsaved takes up what another
 * tab saved, so both tabs go on from the newest code.
 */
const PREFIX = 'workbench:v1:draft:';

export interface Draft {
  files: Record<string, string>;
  /** When the code in it was last edited (Date.now()), whichever tab saved it. */
  savedAt: number;
}

/** What drafts are kept in; localStorage in the browser, a Map in tests. */
export interface DraftStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function draftKey(exerciseId: string): string {
  return `${PREFIX}${exerciseId}`;
}

function parseDraft(raw: string | null, editable: readonly string[]): Draft | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<Draft>;
    if (typeof value !== 'object' || value === null || typeof value.files !== 'object')
      return undefined;
    const files: Record<string, string> = {};
    for (const name of editable) {
      const content = (value.files as Record<string, unknown>)[name];
      if (typeof content === 'string') files[name] = content;
    }
    if (Object.keys(files).length === 0) return undefined;
    return { files, savedAt: typeof value.savedAt === 'number' ? value.savedAt : 0 };
  } catch {
    return undefined;
  }
}

function browserStore(): DraftStore | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // Access itself throws where storage is disabled.
  }
}

export type SaveOutcome =
  /** Written. */
  | 'saved'
  /** Nothing changed since the last save. */
  | 'unchanged'
  /** Another tab saved code edited later than this; it was kept. */
  | 'newer-elsewhere'
  /** The browser refused (storage full or disabled). */
  | 'failed';

/** One panel's view of one exercise's draft. */
export class DraftKeeper {
  private readonly key: string;
  private readonly editable: readonly string[];
  private readonly store: DraftStore | undefined;
  /** Whether the learner changed something here since the last save. */
  private unsaved = false;
  /** When the code this panel shows was last edited, here or in the tab it came from. */
  private lastEdit = 0;

  constructor(exerciseId: string, editable: readonly string[], store = browserStore()) {
    this.key = draftKey(exerciseId);
    this.editable = editable;
    this.store = store;
  }

  load(): Draft | undefined {
    try {
      const draft = parseDraft(this.store?.getItem(this.key) ?? null, this.editable);
      if (draft) this.lastEdit = draft.savedAt;
      return draft;
    } catch {
      return undefined;
    }
  }

  get dirty(): boolean {
    return this.unsaved;
  }

  /** The learner changed the code. */
  edited(now = Date.now()): void {
    // Strictly later than what it was based on, even with a clock that went backwards.
    this.lastEdit = Math.max(now, this.lastEdit + 1);
    this.unsaved = true;
  }

  save(files: Record<string, string>): SaveOutcome {
    if (!this.dirty) return 'unchanged';
    try {
      if (!this.store) return 'failed';
      const stored = parseDraft(this.store.getItem(this.key), this.editable);
      if (stored && stored.savedAt > this.lastEdit) {
        this.unsaved = false;
        return 'newer-elsewhere';
      }
      this.store.setItem(this.key, JSON.stringify({ files, savedAt: this.lastEdit }));
      this.unsaved = false;
      return 'saved';
    } catch {
      return 'failed';
    }
  }

  /** Back to the starter: no draft, nothing unsaved. */
  clear(): void {
    this.unsaved = false;
    try {
      this.store?.removeItem(this.key);
    } catch {
      // Nothing stored, nothing to clear.
    }
  }

  /**
   * A draft another tab just saved (from a `storage` event), when this panel should take it up:
   * it is newer than what this panel last saw, and the learner has nothing unsaved here.
   */
  fromOtherTab(key: string | null, newValue: string | null): Draft | undefined {
    if (key !== this.key || this.dirty) return undefined;
    const draft = parseDraft(newValue, this.editable);
    if (!draft || draft.savedAt <= this.lastEdit) return undefined;
    this.lastEdit = draft.savedAt;
    return draft;
  }
}
