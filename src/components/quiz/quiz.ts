/**
 * <workbench-quiz>: the browser side of Quiz.astro. "Check" reveals the verdict and every
 * option's explanation, the answer is kept in localStorage so a reload shows it again, and
 * "Try again" forgets it. In a predict quiz the snippet's Run button stays locked (see
 * snippets/runnable-snippets.ts, `data-run-locked`) until an answer is checked.
 */

/** Bump when the stored shape changes: old entries are then ignored, never misread. */
const KEY_PREFIX = 'workbench:quiz:v1:';

interface StoredAnswer {
  /** The picked option's text, not its index, so reordering options cannot move an answer. */
  picked: string;
}

/** Storage may be missing, full or forbidden (private modes, policies): a quiz still works. */
const storage = {
  read(key: string): StoredAnswer | undefined {
    try {
      const value = JSON.parse(localStorage.getItem(KEY_PREFIX + key) ?? 'null') as unknown;
      const picked = (value as { picked?: unknown } | null)?.picked;
      return typeof picked === 'string' ? { picked } : undefined;
    } catch {
      return undefined;
    }
  },
  write(key: string, answer: StoredAnswer | undefined): void {
    try {
      if (answer) localStorage.setItem(KEY_PREFIX + key, JSON.stringify(answer));
      else localStorage.removeItem(KEY_PREFIX + key);
    } catch {
      // Not kept across reloads; nothing else depends on it.
    }
  },
};

class WorkbenchQuiz extends HTMLElement {
  connectedCallback(): void {
    if (this.dataset['ready']) return;
    this.dataset['ready'] = 'true';
    const key = this.dataset['key'] ?? '';
    const form = this.querySelector('form')!;
    const items = [...this.querySelectorAll<HTMLLIElement>('li[data-option]')];
    const radios = items.map((item) => item.querySelector<HTMLInputElement>('input')!);
    const check = this.querySelector<HTMLButtonElement>('[data-check]')!;
    const retry = this.querySelector<HTMLButtonElement>('[data-retry]')!;
    const verdict = this.querySelector<HTMLElement>('.quiz-verdict')!;
    const snippet = this.querySelector<HTMLElement>('.quiz-snippet');
    const textOf = (item: HTMLLIElement) =>
      item.querySelector('label span')?.textContent?.trim() ?? '';

    const lockRun = (locked: boolean) => {
      if (!snippet) return;
      snippet.toggleAttribute('data-run-locked', locked);
      // The panel may not exist yet; runnable-snippets reads the attribute when it adds it.
      for (const button of snippet.querySelectorAll<HTMLButtonElement>('.snippet-run button')) {
        button.disabled = locked;
        if (locked) button.setAttribute('aria-describedby', snippet.dataset['runNote'] ?? '');
        else button.removeAttribute('aria-describedby');
      }
    };

    const show = (picked: number | undefined, announce: boolean) => {
      const checked = picked !== undefined;
      items.forEach((item, index) => {
        const why = item.querySelector<HTMLElement>('.quiz-why')!;
        why.hidden = !checked;
        item.toggleAttribute('data-revealed', checked);
        item.toggleAttribute('data-picked', index === picked);
        item.querySelector<HTMLElement>('.quiz-yours')!.hidden = index !== picked;
        // Only after checking: a description would read the explanation out before that.
        if (checked) radios[index]!.setAttribute('aria-describedby', why.id);
        else radios[index]!.removeAttribute('aria-describedby');
        radios[index]!.checked = index === picked;
        radios[index]!.disabled = checked;
      });
      check.hidden = checked;
      retry.hidden = !checked;
      lockRun(!checked);
      if (!checked) {
        delete verdict.dataset['verdict'];
        verdict.textContent = announce ? 'Answer cleared. Pick an answer and check it.' : '';
        return;
      }
      const right = items[picked]!.hasAttribute('data-correct');
      verdict.dataset['verdict'] = right ? 'right' : 'wrong';
      const then = snippet ? ' Run the snippet to see what it prints.' : '';
      verdict.textContent = right
        ? `Right. Every option is explained below.${then}`
        : `Not quite. The right answer is marked; every option is explained below.${then}`;
    };

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const picked = radios.findIndex((radio) => radio.checked);
      if (picked < 0) {
        delete verdict.dataset['verdict'];
        verdict.textContent = 'Pick an answer first, then check it.';
        radios[0]?.focus();
        return;
      }
      storage.write(key, { picked: textOf(items[picked]!) });
      show(picked, true);
      // The Check button is now hidden; keep focus on the control that replaced it.
      retry.focus();
    });

    retry.addEventListener('click', () => {
      storage.write(key, undefined);
      show(undefined, true);
      radios[0]?.focus();
    });

    const stored = storage.read(key);
    const restored = stored ? items.findIndex((item) => textOf(item) === stored.picked) : -1;
    show(restored >= 0 ? restored : undefined, false);
  }
}

if (!customElements.get('workbench-quiz')) customElements.define('workbench-quiz', WorkbenchQuiz);
