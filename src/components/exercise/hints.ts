/**
 * The hints of an exercise panel. Before a run the learner reveals them in order ("Show a hint
 * (n of m)"); after a run, the first failing test gets its own button that reveals the hints
 * written for that test, and those hints are shown beside it. Revealed hints stay revealed
 * across reloads (hint-progress.ts). Text only (textContent): hints are course content, but the
 * test names they are matched with come from a run.
 */
import { isFailing, type RunResult } from '../../runner/result.ts';
import { HintProgress, browserHintStore, type PanelHint } from './hint-progress.ts';

export class ExerciseHints {
  private readonly root: HTMLElement;
  private readonly progress: HintProgress;
  /** The first failing test of the last run, while its result is on screen. */
  private focusTest: { name: string; item: HTMLElement } | undefined;

  constructor(root: HTMLElement, exerciseId: string, hints: readonly PanelHint[]) {
    this.root = root;
    this.progress = new HintProgress(exerciseId, hints, browserHintStore());
    this.generalButton?.addEventListener('click', () => {
      const next = this.progress.nextInOrder();
      if (next !== undefined) this.reveal(next, this.generalButton);
    });
    this.render();
  }

  private get generalList(): HTMLOListElement | null {
    return this.root.querySelector<HTMLOListElement>('[data-hints]');
  }

  private get generalButton(): HTMLButtonElement | null {
    return this.root.querySelector<HTMLButtonElement>('button[data-action="hint"]');
  }

  /**
   * Called after every run, once the results list is rendered (one item per test, in order):
   * the first failing test, if a hint names it, gets the hints for it.
   */
  showForResult(result: RunResult, results: HTMLOListElement): void {
    this.focusTest = undefined;
    const index = result.tests.findIndex(isFailing);
    const test = result.tests[index];
    const item = results.children[index];
    if (test && item instanceof HTMLElement && this.progress.hasHintsFor(test.name)) {
      this.focusTest = { name: test.name, item };
    }
    this.render();
  }

  private reveal(index: number, from: HTMLButtonElement | null): void {
    this.progress.reveal(index);
    this.render();
    const hint = this.progress.hints[index];
    const shown = this.root.querySelector<HTMLElement>(`[data-hint-index="${index}"]`);
    const besideTest = this.focusTest && hint?.tests.includes(this.focusTest.name);
    this.announce(
      `${this.label(index)}${besideTest ? ', shown beside the failing test' : ''}: ${hint?.text ?? ''}`,
    );
    // A button that has nothing more to reveal is hidden; keep the keyboard user's place by
    // moving focus to what it revealed instead of losing it to the page.
    const buttonGone = !from || from.hidden || !from.isConnected;
    if (buttonGone && shown) {
      shown.tabIndex = -1;
      shown.focus();
    } else if (from) {
      from.focus();
    }
  }

  private label(index: number): string {
    return `Hint ${index + 1} of ${this.progress.total}`;
  }

  private announce(text: string): void {
    const announcer = this.root.querySelector<HTMLElement>('[data-hint-announcer]');
    if (announcer) announcer.textContent = text;
  }

  private hintItem(index: number): HTMLLIElement {
    const item = document.createElement('li');
    item.className = 'hint';
    item.dataset['hintIndex'] = String(index);
    // The number the author wrote hints against ("one of the ways in hint 2").
    item.value = index + 1;
    const label = document.createElement('span');
    label.className = 'visually-hidden';
    label.textContent = `${this.label(index)}: `;
    item.append(label, this.progress.hints[index]?.text ?? '');
    return item;
  }

  private render(): void {
    const focus = this.focusTest;
    const beside = focus ? this.progress.revealedFor(focus.name) : [];
    this.generalList?.replaceChildren(
      ...this.progress
        .revealedIndices()
        .filter((i) => !beside.includes(i))
        .map((i) => this.hintItem(i)),
    );
    const button = this.generalButton;
    if (button) {
      const count = this.progress.revealedIndices().length;
      button.hidden = count >= this.progress.total;
      button.textContent = `Show ${count === 0 ? 'a' : 'another'} hint (${count + 1} of ${this.progress.total})`;
    }
    if (focus) this.renderBesideTest(focus, beside);
  }

  private renderBesideTest(focus: { name: string; item: HTMLElement }, beside: number[]): void {
    let box = focus.item.querySelector<HTMLElement>('.test-hints');
    if (!box) {
      box = document.createElement('div');
      box.className = 'test-hints';
      const list = document.createElement('ol');
      list.setAttribute('aria-label', 'Hints for this test');
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset['action'] = 'test-hint';
      button.addEventListener('click', () => {
        const next = this.progress.nextFor(focus.name);
        if (next !== undefined) this.reveal(next, button);
      });
      box.append(list, button);
      focus.item.append(box);
    }
    const list = box.querySelector('ol')!;
    list.replaceChildren(...beside.map((i) => this.hintItem(i)));
    list.hidden = beside.length === 0;
    const button = box.querySelector<HTMLButtonElement>('button')!;
    button.hidden = this.progress.nextFor(focus.name) === undefined;
    button.textContent =
      beside.length === 0 ? 'Show a hint for this test' : 'Show another hint for this test';
  }
}
