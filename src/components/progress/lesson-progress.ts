/**
 * The lesson page's part of the learner's progress: it remembers the lesson as the one to
 * continue, and shows which of its exercises passed before (in the lesson header and beside
 * each exercise's heading), so a reload does not make solved work look unsolved. Kept out of
 * the exercise panel: it only reads what the panel records.
 */
import { PASSED_EVENT, PASSED_PREFIX, passedAt, recordLessonVisit } from '../exercise/progress.ts';

function formatDate(at: number): string {
  return new Date(at).toLocaleDateString(undefined, { dateStyle: 'medium' });
}

function passedText(at: number): string {
  return at > 0 ? `Passed on ${formatDate(at)}` : 'Passed';
}

/** The status line under an exercise's heading, made on first need. */
function exerciseStatus(panel: HTMLElement): HTMLElement | undefined {
  const existing = panel.querySelector<HTMLElement>('[data-passed-status]');
  if (existing) return existing;
  const heading = panel.querySelector('h2, h3');
  if (!heading) return undefined;
  const status = document.createElement('p');
  status.className = 'passed-status';
  status.dataset['passedStatus'] = '';
  status.hidden = true;
  heading.after(status);
  return status;
}

function showPassed(): void {
  const lesson = document.querySelector<HTMLElement>('[data-lesson-href]');
  if (!lesson) return;
  const ids = (lesson.dataset['lessonExercises'] ?? '').split(' ').filter(Boolean);

  for (const panel of document.querySelectorAll<HTMLElement>('exercise-panel[data-exercise-id]')) {
    const at = passedAt(panel.dataset['exerciseId'] ?? '');
    const status = exerciseStatus(panel);
    if (!status) continue;
    status.hidden = at === undefined;
    status.textContent = at === undefined ? '' : passedText(at);
  }

  const header = lesson.querySelector<HTMLElement>('[data-lesson-progress]');
  if (!header) return;
  const dates = ids.map(passedAt).filter((at): at is number => at !== undefined);
  if (dates.length === 0) {
    header.hidden = true;
    header.textContent = '';
    return;
  }
  header.hidden = false;
  header.dataset['state'] = dates.length === ids.length ? 'done' : 'started';
  if (dates.length < ids.length) {
    header.textContent = `${dates.length} of ${ids.length} exercises passed`;
  } else {
    // Done when the last of its exercises passed.
    const text = passedText(Math.max(...dates));
    header.textContent = ids.length === 1 ? text : `All ${ids.length} exercises passed · ${text}`;
  }
}

document.addEventListener('astro:page-load', () => {
  const lesson = document.querySelector<HTMLElement>('[data-lesson-href]');
  if (!lesson) return;
  recordLessonVisit(lesson.dataset['lessonHref'] ?? location.pathname);
  showPassed();
});
// A pass here, or an import or a pass in another tab.
document.addEventListener(PASSED_EVENT, showPassed);
window.addEventListener('storage', (event) => {
  if (event.key === null || event.key.startsWith(PASSED_PREFIX)) showPassed();
});
