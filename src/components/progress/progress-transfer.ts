/**
 * Export and import of everything this browser keeps for the learner. Reading a file either
 * yields a valid file or a message saying what to do, and changes nothing; merging never
 * replaces newer work without the learner's word: a draft edited here later than the file's is
 * listed as a conflict for them to decide, passes keep their earliest date, and settings already
 * set here stay.
 */
import {
  PROGRESS_FORMAT,
  PROGRESS_MAX_BYTES,
  PROGRESS_VERSION,
  draftSchema,
  lastLessonSchema,
  progressFileSchema,
  progressHeaderSchema,
  type ProgressDraft,
  type ProgressFile,
} from '../../schemas/progress-file.ts';

const PREFIX = 'workbench:v1:';
const PASSED = 'passed:';
const DRAFT = 'draft:';
/**
 * What this machine found out about itself (a WebContainer that failed to boot), not the
 * learner's: another browser must find out for itself.
 */
const MACHINE_KEYS = new Set(['webcontainer-failure']);

/** localStorage, or a Map-backed stand-in in tests. */
export interface KeyValueStore {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function parseDraft(raw: string | null): ProgressDraft | undefined {
  if (raw === null) return undefined;
  try {
    const parsed = draftSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Oldest date a file can hold: a draft saved undated is older than any dated one. */
const UNDATED = Date.UTC(2020, 0, 1);

/**
 * A stored draft as the file holds it. The code is what matters: a draft an older release saved
 * without a usable date is exported as the oldest possible, never dropped.
 */
function exportableDraft(raw: string): ProgressDraft | undefined {
  try {
    const value = JSON.parse(raw) as { files?: unknown; savedAt?: unknown } | null;
    const files = Object.fromEntries(
      Object.entries(value?.files ?? {}).filter(([, code]) => typeof code === 'string'),
    ) as Record<string, string>;
    const savedAt = draftSchema.shape.savedAt.safeParse(value?.savedAt).data ?? UNDATED;
    const draft = draftSchema.safeParse({ files, savedAt });
    return draft.success ? draft.data : undefined;
  } catch {
    return undefined;
  }
}

function storedKeys(store: KeyValueStore): string[] {
  const keys: string[] = [];
  for (let index = 0; index < store.length; index++) {
    const key = store.key(index);
    if (key?.startsWith(PREFIX)) keys.push(key);
  }
  return keys;
}

/** The learner's data as a file. Entries this release cannot read are left out, not guessed. */
export function collectProgress(store: KeyValueStore, now = new Date()): ProgressFile {
  const file: ProgressFile = {
    format: PROGRESS_FORMAT,
    version: PROGRESS_VERSION,
    exportedAt: now.toISOString(),
    passed: {},
    drafts: {},
    other: {},
  };
  for (const key of storedKeys(store)) {
    const name = key.slice(PREFIX.length);
    const raw = store.getItem(key);
    if (raw === null || MACHINE_KEYS.has(name)) continue;
    if (name.startsWith(PASSED)) {
      const at = Number(raw);
      if (Number.isInteger(at) && at > 0) file.passed[name.slice(PASSED.length)] = at;
    } else if (name.startsWith(DRAFT)) {
      const draft = exportableDraft(raw);
      if (draft) file.drafts[name.slice(DRAFT.length)] = draft;
    } else {
      file.other[name] = raw;
    }
  }
  // Whatever survives the checks an import makes; a stored value that would fail them (a
  // garbled key from an old release) is dropped so that the file always imports back.
  const checked = progressFileSchema.safeParse(file);
  if (checked.success) return checked.data;
  for (const issue of checked.error.issues) {
    const [section, entry] = issue.path;
    if (section === 'passed' || section === 'drafts' || section === 'other') {
      if (typeof entry === 'string') delete file[section][entry];
    }
  }
  return file;
}

/** `workbench-progress-2026-12-04.json`, by the learner's calendar. */
export function exportFileName(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `workbench-progress-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.json`;
}

export type ReadOutcome = { ok: true; file: ProgressFile } | { ok: false; message: string };

const NOTHING_CHANGED = 'Nothing was imported.';

function where(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'the file' : `"${path.map(String).join('.')}"`;
}

/** Why a file of this many bytes cannot be a progress file, if it cannot. */
export function sizeProblem(size: number): string | undefined {
  if (size <= PROGRESS_MAX_BYTES) return undefined;
  const megabytes = (size / 1024 / 1024).toFixed(1);
  return `This file is ${megabytes} MB, too big for a progress file (at most ${PROGRESS_MAX_BYTES / 1024 / 1024} MB). Choose the file that Export saved. ${NOTHING_CHANGED}`;
}

/** Checks a chosen file's text; `size` is the file's size in bytes, checked before parsing. */
export function readProgressFile(text: string, size: number): ReadOutcome {
  const tooBig = sizeProblem(size);
  if (tooBig) return { ok: false, message: tooBig };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return {
      ok: false,
      message: `This file is not a Workbench progress file (it is not JSON). Choose a file named like workbench-progress-2026-01-31.json. ${NOTHING_CHANGED}`,
    };
  }
  const header = progressHeaderSchema.safeParse(data);
  if (!header.success || header.data.format !== PROGRESS_FORMAT) {
    return {
      ok: false,
      message: `This JSON file is not a Workbench progress file (its "format" is not "${PROGRESS_FORMAT}"). Choose the file that Export saved. ${NOTHING_CHANGED}`,
    };
  }
  if (header.data.version > PROGRESS_VERSION) {
    return {
      ok: false,
      message: `This progress file comes from a newer version of the Workbench (file format version ${header.data.version}; this site reads version ${PROGRESS_VERSION}). Import it on the site that exported it, or once this site is updated. ${NOTHING_CHANGED}`,
    };
  }
  const parsed = progressFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const detail = issue ? `${where(issue.path)}: ${issue.message}` : 'unknown problem';
    return {
      ok: false,
      message: `This progress file is damaged (${detail}). Export it again from the browser it came from. ${NOTHING_CHANGED}`,
    };
  }
  return { ok: true, file: parsed.data };
}

/** A draft in the file that is older than the one in this browser. */
export interface DraftConflict {
  exerciseId: string;
  mine: ProgressDraft;
  imported: ProgressDraft;
}

export interface ImportPlan {
  /** Keys and the values to write, whatever the learner decides about conflicts. */
  writes: Map<string, string>;
  conflicts: DraftConflict[];
  counts: { passed: number; drafts: number; other: number };
}

function sameFiles(a: ProgressDraft['files'], b: ProgressDraft['files']): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function laterLastLesson(mine: string | null, imported: string): boolean {
  const parse = (raw: string) => {
    try {
      return lastLessonSchema.safeParse(JSON.parse(raw)).data;
    } catch {
      return undefined;
    }
  };
  const ours = mine === null ? undefined : parse(mine);
  const theirs = parse(imported);
  return theirs !== undefined && (ours === undefined || theirs.at > ours.at);
}

/** What importing the file would change here. Reads the store, writes nothing. */
export function planImport(store: KeyValueStore, file: ProgressFile): ImportPlan {
  const writes = new Map<string, string>();
  const conflicts: DraftConflict[] = [];
  const counts = { passed: 0, drafts: 0, other: 0 };

  for (const [id, at] of Object.entries(file.passed)) {
    const key = `${PREFIX}${PASSED}${id}`;
    const mine = Number(store.getItem(key) ?? Number.NaN);
    // A union of passes, each keeping the earliest date either browser saw.
    if (Number.isFinite(mine) && mine > 0 && mine <= at) continue;
    writes.set(key, String(at));
    counts.passed++;
  }

  for (const [id, imported] of Object.entries(file.drafts)) {
    const key = `${PREFIX}${DRAFT}${id}`;
    const mine = parseDraft(store.getItem(key));
    if (mine && sameFiles(mine.files, imported.files)) continue;
    if (mine && mine.savedAt >= imported.savedAt) {
      conflicts.push({ exerciseId: id, mine, imported });
      continue;
    }
    writes.set(key, JSON.stringify(imported));
    counts.drafts++;
  }

  for (const [name, value] of Object.entries(file.other)) {
    const key = `${PREFIX}${name}`;
    const mine = store.getItem(key);
    if (mine === value) continue;
    // Where the learner was last wins by date; any other setting already made here stays.
    const take = name === 'last-lesson' ? laterLastLesson(mine, value) : mine === null;
    if (!take) continue;
    writes.set(key, value);
    counts.other++;
  }
  return { writes, conflicts, counts };
}

export type ConflictChoice = 'keep-mine' | 'use-imported';

export type ApplyOutcome =
  | { ok: true; passed: number; drafts: number; other: number; kept: number }
  | { ok: false; message: string };

/**
 * Writes the plan, all or nothing: if the browser refuses a write (storage full), what was
 * already written is put back as it was.
 */
export function applyImport(
  store: KeyValueStore,
  plan: ImportPlan,
  choice: ConflictChoice,
): ApplyOutcome {
  const writes = new Map(plan.writes);
  if (choice === 'use-imported') {
    for (const { exerciseId, mine, imported } of plan.conflicts) {
      // Dated just after the draft it replaces: open tabs take up only drafts newer than what
      // they show, and the learner's choice is the latest word on this exercise.
      const savedAt = Math.max(imported.savedAt, mine.savedAt + 1);
      writes.set(`${PREFIX}${DRAFT}${exerciseId}`, JSON.stringify({ ...imported, savedAt }));
    }
  }
  const previous: [string, string | null][] = [];
  try {
    for (const [key, value] of writes) {
      previous.push([key, store.getItem(key)]);
      store.setItem(key, value);
    }
  } catch {
    for (const [key, value] of previous.reverse()) {
      try {
        // Removed first, so that putting back what fitted before fits again.
        store.removeItem(key);
        if (value !== null) store.setItem(key, value);
      } catch {
        // Nothing more can be done; the message below still tells the learner.
      }
    }
    return {
      ok: false,
      message:
        'This browser refused to store the imported progress (its storage is full or disabled). Nothing was imported; free some space or allow site data, then import again.',
    };
  }
  const replaced = choice === 'use-imported' ? plan.conflicts.length : 0;
  return {
    ok: true,
    passed: plan.counts.passed,
    drafts: plan.counts.drafts + replaced,
    other: plan.counts.other,
    kept: plan.conflicts.length - replaced,
  };
}
