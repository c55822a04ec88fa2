/**
 * "Compare with the solution": the button's state, the question asked after a failed run, and
 * the view that puts the learner's current code beside the reference solution. The solution
 * is fetched from its own file (the page carries only its URL) when the learner asks, and
 * shown in Monaco's diff editor, or as plain text if Monaco cannot load. Nothing here writes to
 * the learner's editor or draft: the view reads a copy of the code when it opens.
 */
import './solution-view.css';
import type { RunResult } from '../../runner/result.ts';
import {
  accessAfterRun,
  compareFiles,
  initialAccess,
  loadFailureMessage,
  type ComparedFile,
  type SolutionAccess,
} from './solution-gate.ts';

export interface SolutionViewOptions {
  /** Where the dialogs go: inside the panel, so its styles reach them. */
  panel: HTMLElement;
  button: HTMLButtonElement;
  exerciseId: string;
  editable: readonly string[];
  /** The learner's code as it is in the editor now, by editable file name. */
  currentCode: () => Record<string, string>;
  passedBefore: boolean;
}

type Loaded = { files: Record<string, string> } | { error: string };

let dialogs = 0;

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

async function fetchSolution(url: string, exerciseId: string): Promise<Loaded> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    return { error: loadFailureMessage({ kind: 'offline' }) };
  }
  if (!response.ok) return { error: loadFailureMessage({ kind: 'http', status: response.status }) };
  try {
    const { solutionAssetSchema } = await import('../../schemas/solution-asset.ts');
    const asset = solutionAssetSchema.parse(await response.json());
    if (asset.id !== exerciseId) throw new Error(`a solution of ${asset.id}`);
    return { files: asset.files };
  } catch (error) {
    console.error('The solution file could not be read.', error);
    return { error: loadFailureMessage({ kind: 'invalid' }) };
  }
}

export class SolutionView {
  private readonly options: SolutionViewOptions;
  private access: SolutionAccess;
  private readonly confirmDialog: HTMLDialogElement;
  private readonly viewDialog: HTMLDialogElement;
  private readonly viewStatus: HTMLElement;
  private readonly viewBody: HTMLElement;
  /** Frees whatever the open view created (Monaco editors and models). */
  private closeView: (() => void) | undefined;
  /** Counts openings, so a fetch that ends after its view was closed changes nothing. */
  private opened = 0;
  private solution: Promise<Loaded> | undefined;

  constructor(options: SolutionViewOptions) {
    this.options = options;
    this.access = initialAccess(options.passedBefore);
    const id = `solution-${++dialogs}`;

    this.confirmDialog = element(
      'dialog',
      { className: 'solution-confirm' },
      element('h2', { id: `${id}-question` }, 'See the reference solution now?'),
      element(
        'p',
        { id: `${id}-why` },
        'Your code does not pass the tests yet. Seeing the answer now ends the puzzle; a hint or another try may be all you need. Your code stays as it is either way.',
      ),
      element(
        'form',
        { method: 'dialog', className: 'solution-buttons' },
        element('button', { value: 'cancel', autofocus: true, className: 'button' }, 'Not yet'),
        element('button', { value: 'show', className: 'button primary' }, 'Show the solution'),
      ),
    );
    this.confirmDialog.setAttribute('aria-labelledby', `${id}-question`);
    this.confirmDialog.setAttribute('aria-describedby', `${id}-why`);

    this.viewStatus = element('p', { className: 'solution-status' });
    this.viewStatus.setAttribute('role', 'status');
    this.viewBody = element('div', { className: 'solution-body' });
    this.viewDialog = element(
      'dialog',
      { className: 'solution-dialog' },
      element(
        'div',
        { className: 'solution-head' },
        element('h2', { id: `${id}-title` }, 'Your code and the reference solution'),
        element('button', { type: 'button', className: 'button solution-close' }, 'Close'),
      ),
      element(
        'p',
        { className: 'solution-legend' },
        'Left: your code as it is now. Right: the reference solution. In a narrow window they share one column: lines marked − are yours, + the solution’s. Both are read-only; your code in the editor is not changed.',
      ),
      this.viewStatus,
      this.viewBody,
    );
    this.viewDialog.setAttribute('aria-labelledby', `${id}-title`);
    this.viewDialog.querySelector('.solution-close')!.addEventListener('click', () => {
      this.viewDialog.close();
    });
    this.viewDialog.addEventListener('close', () => this.closed());

    for (const dialog of [this.confirmDialog, this.viewDialog]) {
      // The panel runs the tests on Ctrl+Enter: not while a dialog is in front of it.
      dialog.addEventListener('keydown', (event) => event.stopPropagation());
      options.panel.append(dialog);
    }
    options.button.addEventListener('click', () => void this.open());
    this.showAccess();
  }

  /** Called with every result the panel shows. */
  afterRun(result: Pick<RunResult, 'status' | 'errorCode'>): void {
    this.access = accessAfterRun(this.access, result);
    this.showAccess();
  }

  dispose(): void {
    if (this.viewDialog.open) this.viewDialog.close();
    this.closeView?.();
    this.confirmDialog.remove();
    this.viewDialog.remove();
  }

  private showAccess(): void {
    this.options.button.hidden = this.access === 'hidden';
    // Says before the click that a question will come, for screen readers as for sight.
    this.options.button.textContent =
      this.access === 'confirm' ? 'Compare with the solution…' : 'Compare with the solution';
  }

  private confirm(): Promise<boolean> {
    const dialog = this.confirmDialog;
    return new Promise((resolve) => {
      dialog.returnValue = '';
      // Esc closes the dialog with an empty returnValue: the same as "Not yet".
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'show'), {
        once: true,
      });
      dialog.showModal();
    });
  }

  private async open(): Promise<void> {
    if (this.access === 'hidden' || this.viewDialog.open) return;
    if (this.access === 'confirm' && !(await this.confirm())) {
      this.options.button.focus();
      return;
    }
    const opening = ++this.opened;
    // A copy of the code at this moment: the view never holds on to the learner's editor.
    const yours = this.options.currentCode();
    this.viewBody.replaceChildren();
    this.viewStatus.textContent = 'Loading the solution…';
    this.viewDialog.showModal();

    const url = this.options.button.dataset['solutionUrl'] ?? '';
    this.solution ??= fetchSolution(url, this.options.exerciseId);
    const loaded = await this.solution;
    if ('error' in loaded) this.solution = undefined; // Let the next press try again.
    if (opening !== this.opened || !this.viewDialog.open) return;
    if ('error' in loaded) {
      this.viewStatus.textContent = loaded.error;
      return;
    }
    await this.render(opening, compareFiles(this.options.editable, yours, loaded.files));
  }

  private async render(opening: number, files: ComparedFile[]): Promise<void> {
    const sections = files.map((file) => {
      const host = element('div', { className: 'solution-diff' });
      const section = element(
        'section',
        { className: 'solution-file' },
        element('h3', {}, file.name),
        element(
          'div',
          { className: 'solution-columns', ariaHidden: 'true' },
          element('span', {}, 'Your code'),
          element('span', {}, 'Reference solution'),
        ),
        host,
      );
      section.setAttribute('aria-label', file.name);
      return { file, host, section };
    });
    this.viewBody.replaceChildren(...sections.map((s) => s.section));
    this.viewBody.dataset['files'] = String(files.length);
    try {
      const { showDiffs } = await import('./solution-diff.ts');
      if (opening !== this.opened || !this.viewDialog.open) return;
      this.closeView = showDiffs(this.options.exerciseId, sections);
      this.viewBody.dataset['view'] = 'diff';
      this.viewStatus.textContent = `Showing ${files.length === 1 ? 'the difference' : `the differences in ${files.length} files`}.`;
    } catch (error) {
      console.error('The comparison view failed to load.', error);
      if (opening !== this.opened || !this.viewDialog.open) return;
      this.viewBody.dataset['view'] = 'text';
      for (const { file, section } of sections) {
        const pre = element('pre', { className: 'solution-text', tabIndex: 0 }, file.solution);
        pre.setAttribute('aria-label', `Reference solution: ${file.name}`);
        section.replaceChildren(element('h3', {}, file.name), pre);
      }
      this.viewStatus.textContent =
        'The side-by-side view could not be loaded, so here is the reference solution as plain text. Your code in the editor is unchanged.';
    }
  }

  private closed(): void {
    this.opened += 1;
    this.closeView?.();
    this.closeView = undefined;
    this.viewBody.replaceChildren();
    this.options.button.focus();
  }
}
