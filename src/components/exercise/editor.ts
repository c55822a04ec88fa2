/**
 * The panel talks to an editor through this interface, so it works the same with Monaco and
 * with the plain textarea used until Monaco has loaded, or if it never does.
 */
export interface EditorFile {
  name: string;
  content: string;
  editable: boolean;
}

export interface CodeEditor {
  show(name: string): void;
  getValue(name: string): string;
  setValue(name: string, content: string): void;
  onChange(listener: (name: string) => void): void;
  onRunShortcut(listener: () => void): void;
  /** Moves the cursor to a line of a file and marks a problem there (a syntax error). */
  revealProblem(name: string, line: number, column: number, message: string): void;
  /** Shows a line of a file (a result's `file:line`) and puts the cursor and focus there. */
  revealLine(name: string, line: number): void;
  clearProblems(): void;
  focus(): void;
  dispose(): void;
}

/** A textarea per file: no highlighting, but nothing a learner types is ever lost. */
export class TextareaEditor implements CodeEditor {
  private readonly host: HTMLElement;
  private readonly areas = new Map<string, HTMLTextAreaElement>();
  private readonly changeListeners: Array<(name: string) => void> = [];
  private readonly runListeners: Array<() => void> = [];

  constructor(host: HTMLElement, files: readonly EditorFile[], label: (name: string) => string) {
    this.host = host;
    for (const file of files) {
      const area = document.createElement('textarea');
      area.className = 'fallback-editor';
      area.value = file.content;
      area.readOnly = !file.editable;
      area.spellcheck = false;
      area.setAttribute('aria-label', label(file.name));
      area.hidden = true;
      area.addEventListener('input', () => this.changeListeners.forEach((l) => l(file.name)));
      area.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          this.runListeners.forEach((l) => l());
        }
      });
      this.areas.set(file.name, area);
      host.append(area);
    }
  }

  show(name: string): void {
    for (const [fileName, area] of this.areas) area.hidden = fileName !== name;
  }

  getValue(name: string): string {
    return this.areas.get(name)?.value ?? '';
  }

  setValue(name: string, content: string): void {
    const area = this.areas.get(name);
    if (area) area.value = content;
  }

  onChange(listener: (name: string) => void): void {
    this.changeListeners.push(listener);
  }

  onRunShortcut(listener: () => void): void {
    this.runListeners.push(listener);
  }

  revealProblem(name: string, line: number): void {
    const area = this.areas.get(name);
    if (!area) return;
    this.show(name);
    // The lines before it and their line breaks: the cursor lands at the start of the line.
    const before = area.value.split('\n').slice(0, line - 1);
    const offset = before.join('\n').length + (before.length > 0 ? 1 : 0);
    area.focus();
    area.setSelectionRange(offset, offset);
  }

  revealLine(name: string, line: number): void {
    this.revealProblem(name, line);
  }

  clearProblems(): void {}

  focus(): void {
    [...this.areas.values()].find((a) => !a.hidden)?.focus();
  }

  dispose(): void {
    for (const area of this.areas.values()) area.remove();
    this.host.replaceChildren();
  }
}
