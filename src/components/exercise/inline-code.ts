/**
 * Our own messages and hints write commands between backticks, as in Markdown (`npm start`).
 * These turn them into <code> elements, built as nodes and text, never as HTML.
 */
export interface TextPart {
  text: string;
  code: boolean;
}

export function splitInlineCode(text: string): TextPart[] {
  // split() with a capture group alternates: text, code, text, code, ..., text.
  return text
    .split(/`([^`\n]+)`/)
    .map((part, index) => ({ text: part, code: index % 2 === 1 }))
    .filter((part) => part.text !== '');
}

export function withInlineCode(text: string): Array<string | HTMLElement> {
  return splitInlineCode(text).map(({ text: part, code }) => {
    if (!code) return part;
    const element = document.createElement('code');
    element.textContent = part;
    return element;
  });
}
