/**
 * `<site-search>`: the header's search button and its modal dialog. The index is Pagefind's,
 * written by the build (integrations/search-index.ts) to `pagefind/` beside the pages, and
 * `pagefind.js` is fetched the first time the dialog opens, never on page load. Pagefind then
 * fetches only the index chunks a query needs, all from the site itself, so search works on a
 * static host and offline once the pages are cached.
 *
 * Keys: `/` or Ctrl+K (Cmd+K) opens it, arrow keys or Tab move between the field and the
 * results, Enter in the field opens the first result, Escape closes it and returns focus.
 */
import {
  excerptParts,
  hitsFromPage,
  MAX_PAGES,
  opensSearch,
  type PagefindApi,
  type SearchHit,
} from './search-results.ts';

const base = import.meta.env.BASE_URL.endsWith('/')
  ? import.meta.env.BASE_URL
  : `${import.meta.env.BASE_URL}/`;

/** One load per tab: the module survives client-side navigation between lessons. */
let pagefind: Promise<PagefindApi> | undefined;

function loadPagefind(): Promise<PagefindApi> {
  pagefind ??= (async () => {
    // A URL only known at run time: Vite must not try to bundle what the build writes last.
    const api = (await import(/* @vite-ignore */ `${base}pagefind/pagefind.js`)) as PagefindApi;
    await api.options({ baseUrl: base, excerptLength: 24 });
    await api.init();
    return api;
  })();
  // Forget a failure, so that a later open tries again (a flaky connection, a rebuilt site).
  pagefind.catch(() => {
    pagefind = undefined;
  });
  return pagefind;
}

const UNAVAILABLE =
  'Search is not available on this copy of the site: the search index is made by ' +
  '"npm run build". Use the built site (npm start, or dist/client on a static host), or ' +
  'browse the lessons from the course page.';

function describeTarget(target: EventTarget | null): { editable: boolean; inCodeEditor: boolean } {
  if (!(target instanceof Element)) return { editable: false, inCodeEditor: false };
  const editable =
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable);
  return { editable, inCodeEditor: target.closest('.monaco-editor, .xterm') !== null };
}

class SiteSearch extends HTMLElement {
  #dialog!: HTMLDialogElement;
  #input!: HTMLInputElement;
  #status!: HTMLElement;
  #list!: HTMLUListElement;
  #opener: HTMLElement | null = null;
  /** Bumped by every keystroke: answers to older queries are dropped. */
  #generation = 0;
  #abort: AbortController | undefined;

  connectedCallback(): void {
    const dialog = this.querySelector('dialog');
    const input = this.querySelector<HTMLInputElement>('[data-search-input]');
    const status = this.querySelector<HTMLElement>('[data-search-status]');
    const list = this.querySelector<HTMLUListElement>('[data-search-results]');
    const openButton = this.querySelector<HTMLButtonElement>('[data-search-open]');
    if (!dialog || !input || !status || !list || !openButton) return;
    this.#dialog = dialog;
    this.#input = input;
    this.#status = status;
    this.#list = list;
    this.#abort = new AbortController();
    const { signal } = this.#abort;

    openButton.addEventListener('click', () => this.open(), { signal });
    this.querySelector('[data-search-close]')?.addEventListener(
      'click',
      () => this.#dialog.close(),
      { signal },
    );
    input.addEventListener('input', () => void this.#search(), { signal });
    this.querySelector('form')?.addEventListener(
      'submit',
      (event) => {
        event.preventDefault();
        this.#list.querySelector('a')?.click();
      },
      { signal },
    );
    dialog.addEventListener(
      'keydown',
      (event) => {
        // A search field's own Escape only clears it; here Escape always means "close".
        if (event.key === 'Escape') {
          event.preventDefault();
          dialog.close();
        } else this.#move(event);
      },
      { signal },
    );
    // A click on the backdrop lands on the dialog element itself, outside its content box.
    dialog.addEventListener(
      'click',
      (event) => {
        if (event.target === dialog) dialog.close();
      },
      { signal },
    );
    dialog.addEventListener('close', () => this.#restoreFocus(), { signal });
    list.addEventListener(
      'click',
      (event) => {
        // A link to a heading on this very page only scrolls: the dialog must go either way.
        if (event.target instanceof Element && event.target.closest('a')) dialog.close();
      },
      { signal },
    );
  }

  disconnectedCallback(): void {
    this.#abort?.abort();
  }

  open(): void {
    if (!this.#dialog) return;
    if (!this.#dialog.open) {
      this.#opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      this.#dialog.showModal();
      if (this.#input.value.trim() === '') this.#say('Type a word to search every lesson.');
      // Fetch the search code while the learner types; say at once if there is no index.
      loadPagefind().catch(() => this.#say(UNAVAILABLE));
    }
    this.#input.focus();
    this.#input.select();
  }

  #restoreFocus(): void {
    const fallback = this.querySelector<HTMLElement>('[data-search-open]');
    const target = this.#opener?.isConnected ? this.#opener : fallback;
    this.#opener = null;
    target?.focus();
  }

  #say(message: string): void {
    this.#status.textContent = message;
  }

  async #search(): Promise<void> {
    const generation = ++this.#generation;
    const query = this.#input.value.trim();
    if (query === '') {
      this.#list.replaceChildren();
      this.#say('Type a word to search every lesson.');
      return;
    }
    this.#list.setAttribute('aria-busy', 'true');
    try {
      let api: PagefindApi;
      try {
        api = await loadPagefind();
      } catch {
        if (generation === this.#generation) this.#say(UNAVAILABLE);
        return;
      }
      const found = await api.debouncedSearch(query, {}, 150);
      if (found === null || generation !== this.#generation) return;
      const pages = await Promise.all(found.results.slice(0, MAX_PAGES).map((r) => r.data()));
      if (generation !== this.#generation) return;
      this.#render(pages.flatMap(hitsFromPage), query, found.results.length);
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#list.replaceChildren();
      const reason = error instanceof Error ? error.message : String(error);
      this.#say(`Search failed (${reason}). Reload the page and try again.`);
    } finally {
      if (generation === this.#generation) this.#list.removeAttribute('aria-busy');
    }
  }

  #render(hits: SearchHit[], query: string, pageCount: number): void {
    this.#list.replaceChildren(...hits.map((hit, index) => this.#item(hit, index)));
    if (hits.length === 0) {
      this.#say(`No lesson mentions “${query}”. Try another word, or fewer words.`);
      return;
    }
    const lessons = pageCount === 1 ? '1 lesson' : `${pageCount} lessons`;
    const shown = pageCount > MAX_PAGES ? `, the best ${MAX_PAGES} shown` : '';
    this.#say(`Found in ${lessons}${shown}. Use the arrow keys or Tab to choose, Enter to open.`);
  }

  #item(hit: SearchHit, index: number): HTMLLIElement {
    const excerptId = `site-search-hit-${index}-excerpt`;
    // The link's name is its visible text (heading and lesson); the excerpt describes it.
    const link = document.createElement('a');
    link.href = hit.url;
    link.className = 'search-hit-link';
    link.setAttribute('aria-describedby', excerptId);
    const section = document.createElement('span');
    section.className = 'search-hit-section';
    section.textContent = hit.section;
    const lesson = document.createElement('span');
    lesson.className = 'search-hit-lesson';
    lesson.textContent = hit.section === hit.lesson ? 'Lesson' : `in ${hit.lesson}`;
    link.append(section, ' ', lesson);

    const excerpt = document.createElement('p');
    excerpt.id = excerptId;
    excerpt.className = 'search-hit-excerpt';
    for (const part of excerptParts(hit.excerpt)) {
      if (part.marked) {
        const mark = document.createElement('mark');
        mark.textContent = part.text;
        excerpt.append(mark);
      } else {
        excerpt.append(part.text);
      }
    }
    const item = document.createElement('li');
    item.className = 'search-hit';
    item.append(link, excerpt);
    return item;
  }

  /** Up and down walk from the field through the results and back; Tab does the same natively. */
  #move(event: KeyboardEvent): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const stops: HTMLElement[] = [this.#input, ...this.#list.querySelectorAll('a')];
    if (stops.length === 1) return;
    const current = stops.indexOf(document.activeElement as HTMLElement);
    const step = event.key === 'ArrowDown' ? 1 : -1;
    const next = Math.min(Math.max(current + step, 0), stops.length - 1);
    event.preventDefault();
    stops[next]?.focus();
  }
}

if (!customElements.get('site-search')) customElements.define('site-search', SiteSearch);

// Registered once per tab: client-side navigation swaps the header, so look the element up.
document.addEventListener('keydown', (event) => {
  if (!opensSearch(event, describeTarget(event.target))) return;
  const search = document.querySelector('site-search');
  if (!(search instanceof SiteSearch)) return;
  event.preventDefault();
  search.open();
});
