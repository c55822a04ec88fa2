/**
 * Learner drafts, saved in localStorage per exercise so a reload, a crash or a closed tab never
 * loses work. Storage can be full, disabled (private mode) or hold garbage from an older
 * release: every failure degrades to "no draft" instead of breaking the panel.
 */
const PREFIX = 'workbench:v1:draft:';

export interface Draft {
  files: Record<string, string>;
  savedAt: number;
}

export function draftKey(exerciseId: string): string {
  return `${PREFIX}${exerciseId}`;
}

export function loadDraft(exerciseId: string, editable: readonly string[]): Draft | undefined {
  try {
    const raw = localStorage.getItem(draftKey(exerciseId));
    if (!raw) return undefined;
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

/** Returns false when the browser refused to store it, so the panel can say so. */
export function saveDraft(exerciseId: string, files: Record<string, string>): boolean {
  try {
    localStorage.setItem(draftKey(exerciseId), JSON.stringify({ files, savedAt: Date.now() }));
    return true;
  } catch {
    return false;
  }
}

export function clearDraft(exerciseId: string): void {
  try {
    localStorage.removeItem(draftKey(exerciseId));
  } catch {
    // Nothing stored, nothing to clear.
  }
}
