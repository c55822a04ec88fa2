/**
 * <shared-memory>: shows that `subarray()` (and Buffer's `slice()`) is a view over the same
 * bytes while `Buffer.from(view)` (like `Uint8Array.prototype.slice()`) copies them. The learner picks a
 * range, then writes into the view or the copy and watches which rows change.
 */
const hex = (byte: number) => byte.toString(16).padStart(2, '0').toUpperCase();

function row(
  list: HTMLOListElement,
  bytes: Uint8Array,
  highlight?: { start: number; end: number },
): void {
  list.replaceChildren(
    ...[...bytes].map((byte, index) => {
      const item = document.createElement('li');
      item.textContent = hex(byte);
      if (highlight && index >= highlight.start && index < highlight.end)
        item.className = 'in-range';
      return item;
    }),
  );
}

class SharedMemory extends HTMLElement {
  connectedCallback(): void {
    const source = new TextEncoder().encode(this.dataset['text'] ?? 'HEADERbody');
    const original = new Uint8Array(source);
    const start = this.querySelector<HTMLInputElement>('input[name="start"]')!;
    const end = this.querySelector<HTMLInputElement>('input[name="end"]')!;
    const rows = {
      original: this.querySelector<HTMLOListElement>('[data-row="original"]')!,
      view: this.querySelector<HTMLOListElement>('[data-row="view"]')!,
      copy: this.querySelector<HTMLOListElement>('[data-row="copy"]')!,
    };
    const log = this.querySelector<HTMLElement>('[data-log]')!;
    let view = original.subarray(0, 6);
    let copy = original.slice(0, 6);
    const clamp = (value: number) => Math.max(0, Math.min(original.length, Math.trunc(value) || 0));
    const render = () => {
      const range = { start: view.byteOffset, end: view.byteOffset + view.length };
      row(rows.original, original, range);
      row(rows.view, view);
      row(rows.copy, copy);
    };
    const select = () => {
      const from = clamp(Number(start.value));
      const to = Math.max(from, clamp(Number(end.value)));
      view = original.subarray(from, to);
      copy = original.slice(from, to);
      log.textContent = `view = bytes.subarray(${from}, ${to}); copy = Buffer.from(view)`;
      render();
    };
    const write = (target: 'view' | 'copy') => {
      const bytes = target === 'view' ? view : copy;
      if (bytes.length === 0) {
        log.textContent = 'The range is empty: widen it first.';
        return;
      }
      bytes[0] = (bytes[0]! + 1) & 0xff;
      log.textContent =
        target === 'view'
          ? `${target}[0] += 1: the original changed too, because the view shares its memory.`
          : `${target}[0] += 1: the original is untouched, because the copy has memory of its own.`;
      render();
    };
    start.addEventListener('input', select);
    end.addEventListener('input', select);
    this.querySelector('[data-write="view"]')?.addEventListener('click', () => write('view'));
    this.querySelector('[data-write="copy"]')?.addEventListener('click', () => write('copy'));
    this.querySelector('[data-reset]')?.addEventListener('click', () => {
      original.set(source);
      select();
    });
    select();
  }
}

if (!customElements.get('shared-memory')) customElements.define('shared-memory', SharedMemory);
