/**
 * The course home's view of the learner's progress: each lesson's status, the course totals,
 * the "Continue" link, and export/import of everything the browser keeps. Statuses and totals
 * are read from the list of lessons the page was built with; the transfer code (and zod, which
 * checks files) is fetched only when the learner exports or imports.
 */
import { draftKey } from '../exercise/drafts.ts';
import { courseProgress, hasPassed, lastLesson, lessonStatus } from '../exercise/progress.ts';
import type { ApplyOutcome, ConflictChoice, DraftConflict } from './progress-transfer.ts';

const LABELS = { done: 'Done', started: 'In progress', new: '' } as const;

interface LessonItem {
  item: HTMLElement;
  link: HTMLAnchorElement | null;
  exercises: string[];
}

function lessonItems(): LessonItem[] {
  return [...document.querySelectorAll<HTMLElement>('li[data-exercises]')].map((item) => ({
    item,
    link: item.querySelector('a'),
    exercises: (item.dataset['exercises'] ?? '').split(' ').filter(Boolean),
  }));
}

function hasDraft(id: string): boolean {
  try {
    return localStorage.getItem(draftKey(id)) !== null;
  } catch {
    return false;
  }
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function showProgress(): void {
  const lessons = lessonItems();
  if (lessons.length === 0) return;
  for (const { item, exercises } of lessons) {
    const status = lessonStatus(exercises, hasDraft);
    const badge = item.querySelector<HTMLElement>('[data-lesson-status]');
    if (badge) {
      badge.textContent = LABELS[status];
      badge.dataset['status'] = status;
    }
  }

  const totals = courseProgress(
    lessons.map((l) => l.exercises),
    hasPassed,
  );
  const text = document.querySelector<HTMLElement>('[data-progress-text]');
  if (text) {
    text.textContent = `${totals.exercisesPassed} of ${plural(totals.exercises, 'exercise')} passed · ${totals.lessonsDone} of ${plural(totals.lessons, 'lesson')} done`;
  }
  const meter = document.querySelector<HTMLProgressElement>('[data-progress-meter]');
  if (meter) {
    meter.max = Math.max(totals.exercises, 1);
    meter.value = totals.exercisesPassed;
  }

  // Only a lesson this build has: a stale or imported path to a removed lesson shows nothing.
  const last = lastLesson();
  const target = last && lessons.find((l) => l.link?.getAttribute('href') === last.href)?.link;
  const paragraph = document.querySelector<HTMLElement>('[data-continue]');
  const link = paragraph?.querySelector<HTMLAnchorElement>('[data-continue-link]');
  if (paragraph && link) {
    paragraph.hidden = !target;
    if (target) {
      link.setAttribute('href', target.getAttribute('href') ?? '');
      link.textContent = `Continue: ${target.textContent?.trim() ?? ''}`;
    }
  }
}

function say(message: string, state: 'done' | 'error'): void {
  const status = document.querySelector<HTMLElement>('[data-transfer-status]');
  if (!status) return;
  status.dataset['state'] = state;
  status.textContent = message;
}

async function exportProgress(): Promise<void> {
  const { collectProgress, exportFileName } = await import('./progress-transfer.ts');
  const file = collectProgress(localStorage);
  const blob = new Blob([`${JSON.stringify(file, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = exportFileName();
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 0);
  const drafts = Object.keys(file.drafts).length;
  const passed = Object.keys(file.passed).length;
  say(
    `Exported ${plural(passed, 'passed exercise')} and ${plural(drafts, 'draft')} to ${link.download}.`,
    'done',
  );
}

function lessonTitleOf(exerciseId: string): string | undefined {
  const lesson = lessonItems().find((l) => l.exercises.includes(exerciseId));
  return lesson?.link?.textContent?.trim();
}

function when(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** One question for all conflicts; closing it any other way keeps the learner's drafts. */
function askAboutConflicts(conflicts: DraftConflict[]): Promise<ConflictChoice> {
  const dialog = document.querySelector<HTMLDialogElement>('dialog[data-conflicts]');
  const list = dialog?.querySelector('[data-conflict-list]');
  if (!dialog || !list) return Promise.resolve('keep-mine');
  list.replaceChildren(
    ...conflicts.map(({ exerciseId, mine, imported }) => {
      const item = document.createElement('li');
      const title = lessonTitleOf(exerciseId);
      item.textContent = `${exerciseId}${title ? ` (${title})` : ''}: yours edited ${when(mine.savedAt)}, the file's ${when(imported.savedAt)}`;
      return item;
    }),
  );
  return new Promise((resolve) => {
    dialog.returnValue = '';
    dialog.addEventListener(
      'close',
      () => resolve(dialog.returnValue === 'use-imported' ? 'use-imported' : 'keep-mine'),
      { once: true },
    );
    dialog.showModal();
  });
}

function importedMessage(outcome: Extract<ApplyOutcome, { ok: true }>): string {
  const parts = [
    outcome.passed > 0 ? plural(outcome.passed, 'passed exercise') : '',
    outcome.drafts > 0 ? plural(outcome.drafts, 'draft') : '',
    outcome.other > 0 ? plural(outcome.other, 'setting') : '',
  ].filter(Boolean);
  const imported =
    parts.length > 0
      ? `Imported ${parts.join(', ')}.`
      : 'Nothing new in this file: this browser already has all of it.';
  const kept =
    outcome.kept === 0
      ? ''
      : outcome.kept === 1
        ? ' Kept your newer draft.'
        : ` Kept your ${outcome.kept} newer drafts.`;
  return imported + kept;
}

async function importProgress(input: HTMLInputElement): Promise<void> {
  const chosen = input.files?.[0];
  // Cleared at once, so choosing the same file again is a new change.
  input.value = '';
  if (!chosen) return;
  const { applyImport, planImport, readProgressFile, sizeProblem } =
    await import('./progress-transfer.ts');
  // A file too big to be ours is refused on its size, without reading it.
  const tooBig = sizeProblem(chosen.size);
  if (tooBig) {
    say(tooBig, 'error');
    return;
  }
  let text: string;
  try {
    text = await chosen.text();
  } catch {
    say('This file could not be read. Choose it again. Nothing was imported.', 'error');
    return;
  }
  const read = readProgressFile(text, chosen.size);
  if (!read.ok) {
    say(read.message, 'error');
    return;
  }
  const plan = planImport(localStorage, read.file);
  const choice = plan.conflicts.length > 0 ? await askAboutConflicts(plan.conflicts) : 'keep-mine';
  const outcome = applyImport(localStorage, plan, choice);
  if (!outcome.ok) {
    say(outcome.message, 'error');
    return;
  }
  say(importedMessage(outcome), 'done');
  showProgress();
}

function wireTransfer(): void {
  document.querySelector('[data-export]')?.addEventListener('click', () => {
    exportProgress().catch((error: unknown) =>
      say(`Export failed: ${(error as Error).message}. Reload the page and try again.`, 'error'),
    );
  });
  const input = document.querySelector<HTMLInputElement>('input[data-import]');
  input?.addEventListener('change', () => {
    importProgress(input).catch((error: unknown) =>
      say(
        `Import failed: ${(error as Error).message}. Reload the page and try again. Nothing was imported.`,
        'error',
      ),
    );
  });
}

document.addEventListener('astro:page-load', () => {
  showProgress();
  // Client-side navigation brings a new body each time: these are new buttons to wire.
  wireTransfer();
});
// Another tab passed an exercise, saved a draft or imported a file.
window.addEventListener('storage', showProgress);
