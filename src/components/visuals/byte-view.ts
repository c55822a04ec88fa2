/**
 * <byte-view>: type text, see its UTF-8 bytes in hex grouped by character, so a learner sees
 * that "é" is two bytes and an emoji four. Pure DOM, no dependencies.
 */
const encoder = new TextEncoder();

export interface CharBytes {
  char: string;
  codePoint: number;
  bytes: number[];
}

/** Splits text into code points with their UTF-8 bytes (a surrogate pair is one code point). */
export function utf8Breakdown(text: string): CharBytes[] {
  return Array.from(text, (char) => ({
    char,
    codePoint: char.codePointAt(0) ?? 0,
    bytes: [...encoder.encode(char)],
  }));
}

const hex = (byte: number) => byte.toString(16).padStart(2, '0').toUpperCase();

class ByteView extends HTMLElement {
  connectedCallback(): void {
    const input = this.querySelector<HTMLInputElement>('input');
    const list = this.querySelector<HTMLOListElement>('[data-bytes]');
    const summary = this.querySelector<HTMLElement>('[data-summary]');
    if (!input || !list || !summary) return;
    const render = () => {
      const parts = utf8Breakdown(input.value);
      const bytes = parts.reduce((n, p) => n + p.bytes.length, 0);
      summary.textContent = `${parts.length} characters, ${input.value.length} UTF-16 code units, ${bytes} bytes in UTF-8`;
      list.replaceChildren(
        ...parts.map((part, index) => {
          const item = document.createElement('li');
          item.className = `char w${part.bytes.length}`;
          item.dataset['parity'] = String(index % 2);
          const label = `U+${part.codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
          item.setAttribute(
            'aria-label',
            `${part.char === ' ' ? 'space' : part.char}: ${label}, bytes ${part.bytes.map(hex).join(' ')}`,
          );
          const glyph = document.createElement('span');
          glyph.className = 'glyph';
          glyph.textContent = part.char === ' ' ? '␠' : part.char;
          const cells = document.createElement('span');
          cells.className = 'cells';
          cells.textContent = part.bytes.map(hex).join(' ');
          const point = document.createElement('span');
          point.className = 'point';
          point.textContent = label;
          item.append(glyph, cells, point);
          return item;
        }),
      );
    };
    input.addEventListener('input', render);
    render();
  }
}

if (!customElements.get('byte-view')) customElements.define('byte-view', ByteView);
