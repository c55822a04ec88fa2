/**
 * Monaco, assembled from its slim entry points: the editor core, the editor features, and only
 * the TypeScript language. The full `monaco-editor` import drags in every language and weighs
 * about 3 MB gzipped. This module and its CSS are loaded with a dynamic import() when an
 * exercise panel comes into view, never by the lesson page itself.
 */
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/typescript/register';
import {
  ModuleKind,
  ModuleResolutionKind,
  ScriptTarget,
  typescriptDefaults,
} from 'monaco-editor/languages/features/typescript/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TypeScriptWorker from 'monaco-editor/language/typescript/ts.worker?worker';
import vitestTypes from './vitest-editor-types.d.ts.txt?raw';
// Content-hashed by the build (integrations/editor-types.ts): cached for good, fetched once.
import nodeTypesUrl from '@workbench/editor-node-types.json?url';
import type { CodeEditor, EditorFile } from './editor.ts';
import { escapeReleasesTab, followScreen, screenOptions, themeNow } from './monaco-access.ts';

// Workers are bundled by Vite (`?worker`) and served from our own origin, which both keeps
// everything offline-capable and satisfies Cross-Origin-Embedder-Policy: require-corp.
self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return label === 'typescript' || label === 'javascript'
      ? new TypeScriptWorker()
      : new EditorWorker();
  },
};

let typesReady: Promise<void> | undefined;

/** Node's declarations, fetched once per page however many editors it has. */
function loadTypes(): Promise<void> {
  typesReady ??= (async () => {
    typescriptDefaults.setCompilerOptions({
      target: ScriptTarget.ESNext,
      module: ModuleKind.ESNext,
      moduleResolution: ModuleResolutionKind.NodeJs,
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      esModuleInterop: true,
      skipLibCheck: true,
      lib: ['esnext'],
      types: [],
    });
    typescriptDefaults.setEagerModelSync(true);
    typescriptDefaults.addExtraLib(
      vitestTypes,
      'file:///node_modules/@types/vitest-editor/index.d.ts',
    );
    const response = await fetch(nodeTypesUrl);
    if (!response.ok) throw new Error(`Node types: HTTP ${response.status}`);
    const { files } = (await response.json()) as { files: Record<string, string> };
    for (const [path, content] of Object.entries(files)) {
      typescriptDefaults.addExtraLib(content, `file:///${path}`);
    }
  })();
  return typesReady;
}

export class MonacoEditor implements CodeEditor {
  private readonly editor: monaco.editor.IStandaloneCodeEditor;
  private readonly models = new Map<string, monaco.editor.ITextModel>();
  private readonly editable = new Set<string>();
  private readonly disposables: monaco.IDisposable[] = [];
  private readonly cleanups: Array<() => void> = [];
  private current = '';

  constructor(host: HTMLElement, exerciseId: string, files: readonly EditorFile[]) {
    for (const file of files) {
      const uri = monaco.Uri.parse(`file:///exercises/${exerciseId}/${file.name}`);
      const model =
        monaco.editor.getModel(uri) ?? monaco.editor.createModel(file.content, 'typescript', uri);
      model.setValue(file.content);
      this.models.set(file.name, model);
      if (file.editable) this.editable.add(file.name);
    }
    host.replaceChildren();
    this.editor = monaco.editor.create(host, {
      model: null,
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 14,
      scrollBeyondLastLine: false,
      tabSize: 2,
      // 'dimmed' draws the last line's number at 1.75:1, below AA contrast.
      renderFinalNewline: 'on',
      theme: themeNow(monaco),
      ...screenOptions(),
      readOnlyMessage: { value: 'The tests are read-only: edit your solution file instead.' },
      ariaLabel: 'Code editor',
    });
    this.cleanups.push(followScreen(monaco, this.editor), escapeReleasesTab(monaco, this.editor));
    const first = files[0];
    if (first) this.show(first.name);
    void loadTypes().catch((error: unknown) => {
      console.warn('Editor: Node type definitions could not be loaded.', error);
    });
  }

  show(name: string): void {
    const model = this.models.get(name);
    if (!model) return;
    this.current = name;
    this.editor.setModel(model);
    this.editor.updateOptions({ readOnly: !this.editable.has(name) });
  }

  getValue(name: string): string {
    return this.models.get(name)?.getValue() ?? '';
  }

  setValue(name: string, content: string): void {
    const model = this.models.get(name);
    if (!model || model.getValue() === content) return;
    // pushEditOperations keeps the change on the undo stack: a Reset can be undone.
    model.pushEditOperations([], [{ range: model.getFullModelRange(), text: content }], () => null);
  }

  onChange(listener: (name: string) => void): void {
    for (const [name, model] of this.models) {
      if (this.editable.has(name))
        this.disposables.push(model.onDidChangeContent(() => listener(name)));
    }
  }

  onRunShortcut(listener: () => void): void {
    this.editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, listener);
  }

  revealProblem(name: string, line: number, column: number, message: string): void {
    const model = this.models.get(name);
    if (!model) return;
    monaco.editor.setModelMarkers(model, 'workbench-run', [
      {
        severity: monaco.MarkerSeverity.Error,
        message,
        startLineNumber: line,
        startColumn: column,
        endLineNumber: line,
        endColumn: model.getLineMaxColumn(Math.min(line, model.getLineCount())),
      },
    ]);
    if (this.current !== name) this.show(name);
    this.editor.revealLineInCenter(line);
    this.editor.setPosition({ lineNumber: line, column });
  }

  revealLine(name: string, line: number): void {
    const model = this.models.get(name);
    if (!model) return;
    if (this.current !== name) this.show(name);
    const lineNumber = Math.min(Math.max(1, line), model.getLineCount());
    this.editor.revealLineInCenter(lineNumber);
    this.editor.setPosition({
      lineNumber,
      column: model.getLineFirstNonWhitespaceColumn(lineNumber) || 1,
    });
    this.editor.focus();
  }

  clearProblems(): void {
    for (const model of this.models.values())
      monaco.editor.setModelMarkers(model, 'workbench-run', []);
  }

  focus(): void {
    this.editor.focus();
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
    this.cleanups.forEach((cleanup) => cleanup());
    this.editor.dispose();
    this.models.forEach((m) => m.dispose());
  }
}
