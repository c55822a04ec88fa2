/**
 * What makes Monaco usable for everyone, not only for mouse users on a wide screen: themes with
 * AA contrast that follow the page's colour scheme, lines that wrap on narrow screens, and a way
 * out of the editor with the keyboard (Esc, then Tab), besides Monaco's own Ctrl+M.
 */
import type * as Monaco from 'monaco-editor/editor';

type MonacoApi = typeof Monaco;
type Editor = Monaco.editor.IStandaloneCodeEditor;

const LIGHT_THEME = 'workbench-light';
const DARK_THEME = 'workbench-dark';

/** Below this width a line of code no longer fits the editor, so lines wrap instead of scroll. */
const NARROW = '(max-width: 40rem)';
const DARK = '(prefers-color-scheme: dark)';

let themesDefined = false;

function defineThemes(monaco: MonacoApi): void {
  if (themesDefined) return;
  themesDefined = true;
  monaco.editor.defineTheme(LIGHT_THEME, { base: 'vs', inherit: true, rules: [], colors: {} });
  // vs-dark's comments (#608b4e) reach only 4.2:1 on its background, and the starters' comments
  // are the instructions: this green reaches 6:1, and 5:1 on the highlighted current line.
  monaco.editor.defineTheme(DARK_THEME, {
    base: 'vs-dark',
    inherit: true,
    rules: [{ token: 'comment', foreground: '7ca668' }],
    colors: {},
  });
}

/** The theme for the current colour scheme; Monaco's theme is global to the page. */
export function themeNow(monaco: MonacoApi): string {
  defineThemes(monaco);
  return window.matchMedia(DARK).matches ? DARK_THEME : LIGHT_THEME;
}

/** Options that depend on the screen, to pass to monaco.editor.create. */
export function screenOptions(): Monaco.editor.IStandaloneEditorConstructionOptions {
  return { wordWrap: window.matchMedia(NARROW).matches ? 'on' : 'off' };
}

/**
 * Keeps an editor in step with the screen after it was created: the theme follows a change of
 * colour scheme, wrapping follows the width (a phone turned sideways). Returns the cleanup.
 */
export function followScreen(monaco: MonacoApi, editor: Editor): () => void {
  const dark = window.matchMedia(DARK);
  const narrow = window.matchMedia(NARROW);
  const onScheme = () => monaco.editor.setTheme(themeNow(monaco));
  const onWidth = () => editor.updateOptions(screenOptions());
  dark.addEventListener('change', onScheme);
  narrow.addEventListener('change', onWidth);
  return () => {
    dark.removeEventListener('change', onScheme);
    narrow.removeEventListener('change', onWidth);
  };
}

/**
 * Esc, then Tab, leaves the editor (as in most web code editors): Esc makes the next Tab move
 * focus instead of indenting, until the learner types anything else or leaves. Esc keeps its
 * usual meaning whenever something is there to close or cancel (suggestions, find, a
 * selection, a snippet), because the command only applies when none of those is open.
 */
export function escapeReleasesTab(monaco: MonacoApi, editor: Editor): () => void {
  let released = false;
  const release = (on: boolean) => {
    if (released === on) return;
    released = on;
    editor.updateOptions({ tabFocusMode: on });
  };
  editor.addCommand(
    monaco.KeyCode.Escape,
    () => release(true),
    [
      'editorTextFocus',
      '!suggestWidgetVisible',
      '!findWidgetVisible',
      '!parameterHintsVisible',
      '!renameInputVisible',
      '!inSnippetMode',
      '!editorHasSelection',
      '!editorHasMultipleSelections',
      '!inlineSuggestionVisible',
      '!markersNavigationVisible',
      '!editorHoverVisible',
    ].join(' && '),
  );
  const keys = editor.onKeyDown((event) => {
    const key = event.keyCode;
    if (
      key !== monaco.KeyCode.Tab &&
      key !== monaco.KeyCode.Escape &&
      key !== monaco.KeyCode.Shift
    ) {
      release(false);
    }
  });
  const blur = editor.onDidBlurEditorText(() => release(false));
  return () => {
    keys.dispose();
    blur.dispose();
  };
}
