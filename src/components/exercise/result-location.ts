/**
 * `file:line` in a test result, as a button: it opens that file in the editor at that line. The
 * results view only announces the wish (a bubbling event); the panel, which owns the editor and
 * the file tabs, carries it out.
 */
import type { SourceLocation } from '../../runner/result.ts';

const REVEAL_EVENT = 'workbench:reveal-line';

export interface RevealRequest {
  file: string;
  line: number;
}

export function locationElement(location: SourceLocation): HTMLParagraphElement {
  const paragraph = document.createElement('p');
  paragraph.className = 'test-location';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'location-button';
  button.dataset['file'] = location.file;
  button.dataset['line'] = String(location.line);
  const text = `${location.file}:${location.line}`;
  button.textContent = text;
  // The name starts with the visible text, so speech input can still say what it reads.
  button.setAttribute('aria-label', `${text}, show in the editor`);
  button.addEventListener('click', () => {
    const detail: RevealRequest = { file: location.file, line: location.line };
    button.dispatchEvent(new CustomEvent(REVEAL_EVENT, { bubbles: true, detail }));
  });
  paragraph.append('at ', button);
  return paragraph;
}

/** Calls `reveal` for every `file:line` button pressed inside `root`. */
export function onRevealRequest(root: HTMLElement, reveal: (request: RevealRequest) => void): void {
  root.addEventListener(REVEAL_EVENT, (event) => {
    const detail = (event as CustomEvent<RevealRequest>).detail;
    if (typeof detail?.file === 'string' && Number.isInteger(detail.line)) reveal(detail);
  });
}
