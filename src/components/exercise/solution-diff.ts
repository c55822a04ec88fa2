/**
 * The learner's code and the reference solution side by side, in Monaco's diff editor. Loaded
 * with a dynamic import() when the learner opens the comparison, never with the page. It goes
 * through monaco-editor.ts, so it shares that module's Monaco chunk, its language setup and its
 * workers (the diff is computed in the same editor worker), and loads nothing new from anywhere.
 */
import * as monaco from 'monaco-editor/editor';
import './monaco-editor.ts';
import { languageOf, type ComparedFile } from './solution-gate.ts';

let views = 0;

/** Shows one diff per file in its host; the returned function frees the editors and models. */
export function showDiffs(
  exerciseId: string,
  pairs: ReadonlyArray<{ host: HTMLElement; file: ComparedFile }>,
): () => void {
  // Models live in a folder of their own per view: they must not replace the editor's models
  // (same URI) and must not be mistaken for the learner's files.
  const folder = `file:///solution-view/${views++}/${exerciseId}`;
  const disposables: monaco.IDisposable[] = [];
  for (const { host, file } of pairs) {
    const language = languageOf(file.name);
    const original = monaco.editor.createModel(
      file.yours,
      language,
      monaco.Uri.parse(`${folder}/yours/${file.name}`),
    );
    const modified = monaco.editor.createModel(
      file.solution,
      language,
      monaco.Uri.parse(`${folder}/solution/${file.name}`),
    );
    const diff = monaco.editor.createDiffEditor(host, {
      readOnly: true,
      originalEditable: false,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      fontSize: 14,
      // Below this width the two columns merge into one (removed lines are yours, added ones
      // the solution's), which keeps a phone from scrolling sideways.
      useInlineViewWhenSpaceIsLimited: true,
      renderSideBySideInlineBreakpoint: 700,
      theme: window.matchMedia('(prefers-color-scheme: dark)').matches ? 'vs-dark' : 'vs',
      readOnlyMessage: { value: 'This is a comparison: edit your code in the exercise editor.' },
    });
    diff.setModel({ original, modified });
    // Set on the two inner editors: the diff editor's own originalAriaLabel and
    // modifiedAriaLabel are wiped by its first options update in Monaco 0.57 (the label ends up
    // empty), and a screen reader must hear which side is which.
    diff.getOriginalEditor().updateOptions({
      ariaLabel: `Your code (left, read-only): ${file.name}`,
    });
    diff.getModifiedEditor().updateOptions({
      ariaLabel: `Reference solution (right, read-only): ${file.name}`,
    });
    disposables.push(diff, original, modified);
  }
  // The editors first: a model must outlive the editor that shows it.
  return () => disposables.forEach((d) => d.dispose());
}
