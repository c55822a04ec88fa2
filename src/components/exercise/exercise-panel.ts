/**
 * <exercise-panel>: the interactive part of an exercise. The page ships only this small module;
 * Monaco (JS and CSS) is imported when the panel approaches the viewport, and until then, or if
 * it fails to load, a textarea keeps the panel fully usable.
 */
import './panel.css';
import { problemResult, type RunResult } from '../../runner/result.ts';
import type { Runner } from '../../runner/runner.ts';
import type { RunnerMode } from '../../runner/runner-mode.ts';
import { DraftKeeper } from './drafts.ts';
import { TextareaEditor, type CodeEditor, type EditorFile } from './editor.ts';
import { ExerciseHints } from './hints.ts';
import type { ExercisePayload } from './payload.ts';
import { hasPassed, markPassed } from './progress.ts';
import { onRevealRequest } from './result-location.ts';
import { renderResult } from './results-view.ts';
import {
  MODE_LABELS,
  loadMode,
  loadTabRunner,
  preloadRunner,
  registerExercise,
  routeRunnerOutput,
  saveMode,
} from './runner-settings.ts';
import { SolutionView } from './solution-view.ts';

/** Saves are batched while the learner types; pagehide and leaving the page flush them. */
const SAVE_DELAY_MS = 400;

/** The runners' module could not be fetched (offline, or a new deployment replaced it). */
class RunnerLoadError extends Error {}

class ExercisePanel extends HTMLElement {
  private payload!: ExercisePayload;
  private files: EditorFile[] = [];
  private editor: CodeEditor | undefined;
  /** The tab's runner, once the first Run has loaded it. */
  private runner: Runner | undefined;
  private terminal: Promise<{ write(chunk: string): void }> | undefined;
  private observer: IntersectionObserver | undefined;
  private readonly onModeChange = () => this.showMode();
  private running: AbortController | undefined;
  private drafts!: DraftKeeper;
  private saveTimer: number | undefined;
  /** Set while code from elsewhere (another tab, Reset) is put into the editor. */
  private replacing = false;
  private readonly flush = () => this.saveNow();
  private readonly onHidden = () => {
    if (document.visibilityState === 'hidden') this.saveNow();
  };
  private readonly onStorage = (event: StorageEvent) => this.takeUpOtherTab(event);
  private hints: ExerciseHints | undefined;
  private current = '';
  private solution: SolutionView | undefined;

  connectedCallback(): void {
    const data = this.querySelector<HTMLScriptElement>('script[data-payload]');
    if (!data?.textContent) return;
    this.payload = JSON.parse(data.textContent) as ExercisePayload;
    const editable = this.payload.files.filter((f) => f.editable).map((f) => f.name);
    this.drafts = new DraftKeeper(this.payload.id, editable);
    const draft = this.drafts.load();
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
    this.hints = new ExerciseHints(this, this.payload.id, this.payload.hints);
    this.wireSolution(editable);
    onRevealRequest(this, ({ file, line }) => {
      const tab = [...this.querySelectorAll<HTMLElement>('[role="tab"]')].find(
        (t) => t.dataset['file'] === file,
      );
      if (!tab) return;
      tab.click();
      this.editor?.revealLine(file, line);
    });
    this.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        void this.run();
      }
    });
    this.loadMonacoWhenVisible();
    // A reload or a closed tab gives no time for a batched save: write it as the page goes.
    window.addEventListener('pagehide', this.flush);
    document.addEventListener('visibilitychange', this.onHidden);
    window.addEventListener('storage', this.onStorage);
  }

  disconnectedCallback(): void {
    // Client-side navigation removes panels: save what is unsaved while the editor still holds
    // it, then free the editor and stop listening.
    this.saveNow();
    window.removeEventListener('pagehide', this.flush);
    document.removeEventListener('visibilitychange', this.onHidden);
    window.removeEventListener('storage', this.onStorage);
    this.observer?.disconnect();
    this.editor?.dispose();
    this.editor = undefined;
    this.running?.abort();
    document.removeEventListener('workbench:runner-mode', this.onModeChange);
    this.solution?.dispose();
    this.solution = undefined;
  }

  /** The "Compare with the solution" button, when the page has one (solution-view.ts). */
  private wireSolution(editable: readonly string[]): void {
    const button = this.querySelector<HTMLButtonElement>('button[data-action="solution"]');
    if (!button) return;
    this.solution = new SolutionView({
      panel: this,
      button,
      exerciseId: this.payload.id,
      editable,
      currentCode: () => this.editableFiles(),
      passedBefore: hasPassed(this.payload.id),
    });
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
    const file = this.payload.files.find((f) => f.name === name);
    if (file?.editable) return `Your code: ${name}`;
    // Support files (an interface, a fake database) are read-only too, but are not the tests.
    return file?.role === 'test' ? `Tests (read-only): ${name}` : `Read-only: ${name}`;
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
    next.onChange(() => {
      if (this.replacing) return;
      this.drafts.edited();
      this.scheduleSave();
    });
    next.onRunShortcut(() => void this.run());
  }

  private loadMonacoWhenVisible(): void {
    const load = () => {
      observer.disconnect();
      // Whatever the note said (a restored draft) comes back once the editor is in place.
      const previousNote = this.querySelector('[data-editor-note]')?.textContent ?? '';
      this.note('Loading the editor…');
      // A learner who scrolls to an exercise is about to run it: fetch the runners now.
      preloadRunner();
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
    // Only the editor holds what the learner typed; without it there is nothing newer to save.
    if (!this.editor || !this.drafts.dirty) return;
    const outcome = this.drafts.save(this.editableFiles());
    if (outcome === 'failed') {
      this.note(
        'This browser refused to save your draft (storage full or disabled): copy your code before leaving.',
      );
    } else if (outcome === 'newer-elsewhere') {
      this.note(
        'Code you edited later in another tab is the saved draft; what is here was not saved over it. Type here to make this the draft, or reload to see the other.',
      );
    }
  }

  /** Puts code into the editor that the learner did not type here. */
  private replaceCode(files: Record<string, string>): void {
    this.replacing = true;
    try {
      for (const [name, content] of Object.entries(files)) this.editor?.setValue(name, content);
    } finally {
      this.replacing = false;
    }
  }

  private takeUpOtherTab(event: StorageEvent): void {
    const draft = this.drafts.fromOtherTab(event.key, event.newValue);
    if (!draft) return;
    this.replaceCode(draft.files);
    this.note('Updated with what you typed in another tab.');
  }

  private reset(): void {
    const ok = window.confirm(
      'Discard your changes and restore the starter code? This cannot be undone after you leave the page.',
    );
    if (!ok) return;
    this.replaceCode(
      Object.fromEntries(
        this.payload.files.filter((f) => f.editable).map((f) => [f.name, f.content]),
      ),
    );
    window.clearTimeout(this.saveTimer);
    this.drafts.clear();
    this.editor?.clearProblems();
    this.note('Restored the starter code.');
  }

  private runnerLabel(): string {
    return this.runner?.label ?? MODE_LABELS[loadMode()];
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
      this.runner ??= await loadTabRunner().catch((error: unknown) => {
        throw new RunnerLoadError((error as Error).message);
      });
      result = await this.runner.run(
        { exerciseId: this.payload.id, files: this.editableFiles() },
        { signal: controller.signal },
      );
    } catch (error) {
      if (controller.signal.aborted) return;
      result =
        error instanceof RunnerLoadError
          ? problemResult({
              code: 'runner-failure',
              message: `The page could not load the code that runs exercises: ${error.message}`,
              hint: 'Check your connection and reload the page. Your code is saved in this browser.',
            })
          : problemResult({
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
    const results = this.querySelector<HTMLOListElement>('[data-results]')!;
    renderResult(
      result,
      { status, results, output: this.querySelector<HTMLElement>('[data-output]')! },
      this.runnerLabel(),
    );
    this.hints?.showForResult(result, results);
    this.dataset['lastStatus'] = result.status;
    if (result.status === 'pass') markPassed(this.payload.id);
    this.solution?.afterRun(result);
    const label = this.querySelector<HTMLElement>('[data-runner-label]');
    if (label) label.textContent = `Ran on: ${result.runner ?? this.runnerLabel()}`;
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
