import { describe, expect, it } from 'vitest';
import {
  excerptParts,
  hitsFromPage,
  MAX_SECTIONS_PER_PAGE,
  opensSearch,
  type KeyPress,
} from '../../src/components/search/search-results.ts';

const page = {
  url: '/learn/02-buffers/views-share-memory/',
  excerpt: 'the page <mark>subarray</mark>',
  meta: { title: 'Views share memory' },
  sub_results: [
    {
      title: 'A Buffer is a window',
      url: '/learn/02-buffers/views-share-memory/#a-buffer-is-a-window',
      excerpt: '<mark>subarray</mark> creates a view',
      anchor: { element: 'h2', id: 'a-buffer-is-a-window' },
    },
    {
      title: 'Views share memory',
      url: '/learn/02-buffers/views-share-memory/',
      excerpt: 'above the first heading',
    },
  ],
};

describe('hitsFromPage', () => {
  it('lists each matching section with its own link to the heading', () => {
    expect(hitsFromPage(page)).toEqual([
      {
        lesson: 'Views share memory',
        section: 'A Buffer is a window',
        url: '/learn/02-buffers/views-share-memory/#a-buffer-is-a-window',
        excerpt: '<mark>subarray</mark> creates a view',
      },
      {
        lesson: 'Views share memory',
        section: 'Views share memory',
        url: '/learn/02-buffers/views-share-memory/',
        excerpt: 'above the first heading',
      },
    ]);
  });

  it('keeps the best few sections of a page', () => {
    const many = {
      ...page,
      sub_results: Array.from({ length: 6 }, (_, i) => ({
        title: `Section ${i}`,
        url: `${page.url}#s${i}`,
        excerpt: '',
      })),
    };
    expect(hitsFromPage(many).map((hit) => hit.url)).toEqual(
      Array.from({ length: MAX_SECTIONS_PER_PAGE }, (_, i) => `${page.url}#s${i}`),
    );
  });

  it('falls back to the page when there are no usable sections, and skips malformed data', () => {
    expect(hitsFromPage({ ...page, sub_results: [{ title: 'no url' }, null, 3] })).toEqual([
      {
        lesson: 'Views share memory',
        section: 'Views share memory',
        url: page.url,
        excerpt: page.excerpt,
      },
    ]);
    expect(hitsFromPage({ url: '/x/' })[0]?.lesson).toBe('/x/');
    expect(hitsFromPage(null)).toEqual([]);
    expect(hitsFromPage({ meta: { title: 'no url' } })).toEqual([]);
  });
});

describe('excerptParts', () => {
  it('splits marked words from the text and decodes entities', () => {
    expect(excerptParts('a &lt;path&gt; and <mark>subarray</mark>() &amp; more')).toEqual([
      { text: 'a <path> and ', marked: false },
      { text: 'subarray', marked: true },
      { text: '() & more', marked: false },
    ]);
  });

  it('never passes other markup through', () => {
    expect(excerptParts('<img src=x onerror=alert(1)>hi <mark><b>x</b></mark>')).toEqual([
      { text: 'hi ', marked: false },
      { text: 'x', marked: true },
    ]);
  });
});

describe('opensSearch', () => {
  const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({
    key,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    defaultPrevented: false,
    isComposing: false,
    ...extra,
  });
  const page = { editable: false, inCodeEditor: false };
  const field = { editable: true, inCodeEditor: false };
  const editor = { editable: true, inCodeEditor: true };

  it('opens on / outside text fields and the editor', () => {
    expect(opensSearch(press('/'), page)).toBe(true);
    expect(opensSearch(press('/'), field)).toBe(false);
    expect(opensSearch(press('/'), editor)).toBe(false);
  });

  it('opens on Ctrl+K or Cmd+K anywhere but the editor, whose chords start with Ctrl+K', () => {
    expect(opensSearch(press('k', { ctrlKey: true }), page)).toBe(true);
    expect(opensSearch(press('K', { metaKey: true }), field)).toBe(true);
    expect(opensSearch(press('k', { ctrlKey: true }), editor)).toBe(false);
    expect(opensSearch(press('k'), page)).toBe(false);
  });

  it('leaves keys alone that something else handled or that compose text', () => {
    expect(opensSearch(press('/', { defaultPrevented: true }), page)).toBe(false);
    expect(opensSearch(press('/', { isComposing: true }), page)).toBe(false);
    expect(opensSearch(press('/', { altKey: true }), page)).toBe(false);
    expect(opensSearch(press('/', { ctrlKey: true }), page)).toBe(false);
  });
});
