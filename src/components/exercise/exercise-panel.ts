/**
 * <exercise-panel>: the interactive part of an exercise. The page ships only this small module;
 * Monaco (JS and CSS) is imported when the panel approaches the viewport, and until then, or if
 * it fails to load, a textarea keeps the panel fully usable.
 */
import './panel.css';
import type { RunnerMode } from '../../runner/auto-runner.ts';
import { problemResult, type RunResult } from '../../runner/result.ts';
import type { Runner } from '../../runner/runner.ts';
import { clearDraft, loadDraft, saveDraft } from './drafts.ts';
import { TextareaEditor, type CodeEditor, type EditorFile } from './editor.ts';
import type { ExercisePayload } from './payload.ts';
import { markPassed } from './progress.ts';
import { renderResult } from './results-view.ts';
import {
  MODE_LABELS,
  loadMode,
  registerExercise,
  routeRunnerOutput,
  saveMode,
  tabRunner,
} from './runner-choice.ts';

const SAVE_DELAY_MS = 400;

class ExercisePanel extends HTMLElement {
  private payload!: ExercisePayload;
  private files: EditorFile[] = [];
  private editor: CodeEditor | undefined;
  private runner: Runner = tabRunner();
  private terminal: Promise<{ write(chunk: string): void }> | undefined;
  private observer: IntersectionObserver | undefined;
  private readonly onModeChange = () => this.showMode();
  private running: AbortController | undefined;
  private saveTimer: number | undefined;
  private hintsShown = 0;
  private current = '';

  connectedCallback(): void {
    const data = this.querySelector<HTMLScriptElement>('script[data-payload]');
    if (!data?.textContent) return;
    this.payload = JSON.parse(data.textContent) as ExercisePayload;
    const editable = this.payload.files.filter((f) => f.editable).map((f) => f.name);
    const draft = loadDraft(this.payload.id, editable);
    this.files = this.payload.files.map((file) => ({
      ...file,
      content: (file.editable && draft?.files[file.name]) || file.content,
    }));
    if (draft) {
      this.note(
        `Restored your draft from ${new Date(draft.savedAt).toLocaleString()}. Reset brings back the starter.`,
      );
    }
    this.current = this.files[0]?.name ?? '';
    registerExercise(this.payload.id, {
      starter: this.payload.files.filter((f) => f.role === 'starter'),
      tests: this.payload.files.filter((f) => f.role === 'test'),
      support: this.payload.files.filter((f) => f.role === 'support'),
      timeLimitSeconds: this.payload.timeLimitSeconds,
    });
    this.wireRunnerChoice();

    this.useEditor(new TextareaEditor(this.host, this.files, (name) => this.editorLabel(name)));
    this.wireTabs();
    this.button('run').addEventListener('click', () => void this.run());
    this.button('reset').addEventListener('click', () => this.reset());
    this.button('hint').addEventListener('click', () => this.showHint());
    this.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        void this.run();
      }
    });
    this.loadMonacoWhenVisible();
  }

  disconnectedCallback(): void {
    // Client-side navigation removes panels: free their editor and stop listening.
    this.observer?.disconnect();
    this.editor?.dispose();
    this.editor = undefined;
    this.running?.abort();
    document.removeEventListener('workbench:runner-mode', this.onModeChange);
  }

  private wireRunnerChoice(): void {
    const select = this.querySelector<HTMLSelectElement>('select[data-runner-mode]');
    if (!select) return;
    select.addEventListener('change', () => saveMode(select.value as RunnerMode));
    document.addEventListener('workbench:runner-mode', this.onModeChange);
    this.showMode();
  }

  /** The setting is per browser, not per panel: every panel shows the same choice. */
  private showMode(): void {
    const mode = loadMode();
    const select = this.querySelector<HTMLSelectElement>('select[data-runner-mode]');
    if (select) select.value = mode;
    const label = this.querySelector<HTMLElement>('[data-runner-label]');
    if (label && !this.dataset['lastStatus'])
      label.textContent = `${MODE_LABELS[mode]} · not run yet`;
  }

  private showNotice(notice: string): void {
    const element = this.querySelector<HTMLElement>('[data-runner-notice]');
    if (!element) return;
    element.textContent = notice;
    element.hidden = false;
  }

  private writeTerminal(chunk: string): void {
    const details = this.querySelector<HTMLDetailsElement>('[data-terminal]');
    const host = this.querySelector<HTMLElement>('[data-terminal-host]');
    if (!details || !host) return;
    details.hidden = false;
    this.terminal ??= import('./terminal.ts').then(({ createTerminal }) => createTerminal(host));
    void this.terminal.then((terminal) => terminal.write(chunk));
  }

  private get host(): HTMLElement {
    return this.querySelector<HTMLElement>('[data-editor-host]')!;
  }

  private button(action: string): HTMLButtonElement {
    return this.querySelector<HTMLButtonElement>(`button[data-action="${action}"]`)!;
  }

  private editorLabel(name: string): string {
    const file = this.files.find((f) => f.name === name);
    return file?.editable ? `Your code: ${name}` : `Tests (read-only): ${name}`;
  }

  private note(text: string): void {
    const note = this.querySelector<HTMLElement>('[data-editor-note]');
    if (note) note.textContent = text;
  }

  /** Swaps the editor implementation, carrying over whatever the learner typed. */
  private useEditor(next: CodeEditor): void {
    const previous = this.editor;
    if (previous) {
      for (const file of this.files) {
        if (file.editable) next.setValue(file.name, previous.getValue(file.name));
      }
      previous.dispose();
    }
    this.editor = next;
    next.show(this.current);
    next.onChange(() => this.scheduleSave());
    next.onRunShortcut(() => void this.run());
  }

  private loadMonacoWhenVisible(): void {
    const load = () => {
      observer.disconnect();
      // Whatever the note said (a restored draft) comes back once the editor is in place.
      const previousNote = this.querySelector('[data-editor-note]')?.textContent ?? '';
      this.note('Loading the editor…');
      import('./monaco-editor.ts')
        .then(({ MonacoEditor }) => {
          if (!this.isConnected) return;
          // Read the current text from the textarea, not the payload: the learner may have
          // started typing before Monaco arrived.
          const files = this.files.map((f) => ({
            ...f,
            content: this.editor?.getValue(f.name) || f.content,
          }));
          this.host.replaceChildren();
          const monacoEditor = new MonacoEditor(this.host, this.payload.id, files);
          this.editor = undefined;
          this.useEditor(monacoEditor);
          this.dataset['editor'] = 'monaco';
          this.note(previousNote);
        })
        .catch((error: unknown) => {
          console.error('The code editor failed to load.', error);
          this.dataset['editor'] = 'textarea';
          this.note('The full editor could not be loaded; this plain editor works the same way.');
        });
    };
    const observer = (this.observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) load();
      },
      { rootMargin: '600px 0px' },
    ));
    observer.observe(this);
  }

  private wireTabs(): void {
    const tabs = [...this.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
    const select = (tab: HTMLButtonElement) => {
      for (const other of tabs) {
        const selected = other === tab;
        other.setAttribute('aria-selected', String(selected));
        other.tabIndex = selected ? 0 : -1;
      }
      this.host.setAttribute('aria-labelledby', tab.id);
      this.current = tab.dataset['file'] ?? '';
      this.editor?.show(this.current);
    };
    tabs.forEach((tab, index) => {
      tab.addEventListener('click', () => select(tab));
      tab.addEventListener('keydown', (event) => {
        const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
        if (!step) return;
        const next = tabs[(index + step + tabs.length) % tabs.length];
        if (next) {
          select(next);
          next.focus();
        }
      });
    });
  }

  private editableFiles(): Record<string, string> {
    const files: Record<string, string> = {};
    for (const file of this.files) {
      if (file.editable) files[file.name] = this.editor?.getValue(file.name) ?? file.content;
    }
    return files;
  }

  private scheduleSave(): void {
    window.clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.saveNow(), SAVE_DELAY_MS);
  }

  private saveNow(): void {
    window.clearTimeout(this.saveTimer);
    if (!saveDraft(this.payload.id, this.editableFiles())) {
      this.note(
        'This browser refused to save your draft (storage full or disabled): copy your code before leaving.',
      );
    }
  }

  private reset(): void {
    const ok = window.confirm(
      'Discard your changes and restore the starter code? This cannot be undone after you leave the page.',
    );
    if (!ok) return;
    for (const file of this.payload.files) {
      if (file.editable) this.editor?.setValue(file.name, file.content);
    }
    window.clearTimeout(this.saveTimer);
    clearDraft(this.payload.id);
    this.editor?.clearProblems();
    this.note('Restored the starter code.');
  }

  private showHint(): void {
    const list = this.querySelector<HTMLOListElement>('[data-hints]');
    const hint = this.payload.hints[this.hintsShown];
    if (!list || hint === undefined) return;
    const item = document.createElement('li');
    item.textContent = hint;
    list.append(item);
    this.hintsShown += 1;
    const button = this.button('hint');
    const total = this.payload.hints.length;
    if (this.hintsShown >= total) {
      button.hidden = true;
    } else {
      button.textContent = `Show another hint (${this.hintsShown + 1} of ${total})`;
    }
  }

  private async run(): Promise<void> {
    this.saveNow();
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    const runButton = this.button('run');
    const status = this.querySelector<HTMLElement>('[data-status]')!;
    runButton.disabled = true;
    this.setAttribute('aria-busy', 'true');
    status.dataset['state'] = 'running';
    status.textContent = `Running the tests (time limit ${this.payload.timeLimitSeconds} s)…`;
    this.editor?.clearProblems();
    routeRunnerOutput(
      (chunk) => this.writeTerminal(chunk),
      (notice) => this.showNotice(notice),
    );
    let result: RunResult;
    try {
      result = await this.runner.run(
        { exerciseId: this.payload.id, files: this.editableFiles() },
        { signal: controller.signal },
      );
    } catch (error) {
      if (controller.signal.aborted) return;
      result = problemResult({
        code: 'runner-failure',
        message: `The run failed unexpectedly: ${(error as Error).message}`,
        hint: 'Press Run again. Your code is saved in this browser.',
      });
    } finally {
      if (this.running === controller) {
        runButton.disabled = false;
        this.removeAttribute('aria-busy');
      }
    }
    renderResult(
      result,
      {
        status,
        results: this.querySelector<HTMLOListElement>('[data-results]')!,
        output: this.querySelector<HTMLElement>('[data-output]')!,
      },
      this.runner.label,
    );
    this.dataset['lastStatus'] = result.status;
    if (result.status === 'pass') markPassed(this.payload.id);
    const label = this.querySelector<HTMLElement>('[data-runner-label]');
    if (label) label.textContent = `Ran on: ${result.runner ?? this.runner.label}`;
    const location = result.location;
    if (location && this.files.some((f) => f.name === location.file)) {
      this.editor?.revealProblem(
        location.file,
        location.line,
        location.column ?? 1,
        result.message ?? '',
      );
    }
  }
}

if (!customElements.get('exercise-panel')) customElements.define('exercise-panel', ExercisePanel);
