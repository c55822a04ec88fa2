/**
 * The pure part of the site search: what Pagefind's browser API hands back, turned into the
 * hits the dialog lists (one per lesson section), and which key presses open the dialog. Kept
 * free of the DOM's live state so unit tests can cover it.
 */

/** The slice of Pagefind's `pagefind.js` module the dialog uses (Pagefind 1.x). */
export interface PagefindApi {
  options(options: { baseUrl?: string; excerptLength?: number }): Promise<void>;
  init(): Promise<void>;
  /** Resolves to null when a later call superseded this one. */
  debouncedSearch(query: string, options?: object, wait?: number): Promise<PagefindSearch | null>;
}

export interface PagefindSearch {
  results: Array<{ id: string; data(): Promise<unknown> }>;
}

export interface SearchHit {
  /** The lesson, from its first heading. */
  lesson: string;
  /** The section's heading, or the lesson title when the match is above the first heading. */
  section: string;
  /** The page, with `#heading-id` when the match sits under a heading. */
  url: string;
  /** Pagefind's excerpt: text with the matched words in `<mark>`. */
  excerpt: string;
}

/** Pages listed, and sections per page: enough to choose from without scrolling a phone. */
export const MAX_PAGES = 8;
export const MAX_SECTIONS_PER_PAGE = 3;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * One page result's data to its hits: each matching section with its own link and excerpt,
 * best first as Pagefind ranks them. Anything malformed is skipped rather than thrown, so an
 * index from another Pagefind version degrades to fewer results, not a broken dialog.
 */
export function hitsFromPage(data: unknown): SearchHit[] {
  const page = record(data);
  const url = text(page?.['url']);
  if (!page || !url) return [];
  const lesson = text(record(page['meta'])?.['title']) ?? url;
  const subResults = Array.isArray(page['sub_results']) ? page['sub_results'] : [];
  const hits: SearchHit[] = [];
  for (const item of subResults) {
    const sub = record(item);
    const subUrl = text(sub?.['url']);
    if (!sub || !subUrl) continue;
    hits.push({
      lesson,
      section: text(sub['title']) ?? lesson,
      url: subUrl,
      excerpt: typeof sub['excerpt'] === 'string' ? sub['excerpt'] : '',
    });
    if (hits.length === MAX_SECTIONS_PER_PAGE) break;
  }
  if (hits.length === 0) {
    hits.push({
      lesson,
      section: lesson,
      url,
      excerpt: typeof page['excerpt'] === 'string' ? page['excerpt'] : '',
    });
  }
  return hits;
}

export type ExcerptPart = { text: string; marked: boolean };

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#x27;': "'",
};

function decode(html: string): string {
  return html.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (entity) => ENTITIES[entity] ?? entity);
}

/**
 * Pagefind's excerpt is HTML: escaped text with `<mark>` around matches. Split into plain parts
 * the dialog renders as text nodes and `<mark>` elements, so no index content ever becomes
 * markup; any other tag is dropped.
 */
export function excerptParts(excerpt: string): ExcerptPart[] {
  const parts: ExcerptPart[] = [];
  let marked = false;
  for (const piece of excerpt.split(/(<\/?mark>)/)) {
    if (piece === '<mark>') marked = true;
    else if (piece === '</mark>') marked = false;
    else {
      const value = decode(piece.replace(/<[^>]*>/g, ''));
      if (value !== '') parts.push({ text: value, marked });
    }
  }
  return parts;
}

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  defaultPrevented: boolean;
  isComposing: boolean;
}

export interface KeyTarget {
  /** True in an input, textarea, select or contenteditable element. */
  editable: boolean;
  /** True inside the code editor or the terminal, which have their own shortcuts. */
  inCodeEditor: boolean;
}

/**
 * `/` opens search unless the learner is typing; Ctrl+K (Cmd+K on a Mac) opens it from
 * anywhere except the code editor, where Ctrl+K starts Monaco's chords (Ctrl+K Ctrl+C comments
 * a line).
 */
export function opensSearch(press: KeyPress, target: KeyTarget): boolean {
  if (press.defaultPrevented || press.isComposing || press.altKey) return false;
  if (press.key === '/' && !press.ctrlKey && !press.metaKey) {
    return !target.editable && !target.inCodeEditor;
  }
  if (press.key.toLowerCase() === 'k' && (press.ctrlKey || press.metaKey)) {
    return !target.inCodeEditor;
  }
  return false;
}
