/**
 * Builds the search index with Pagefind after `astro build` has written the pages, into
 * `pagefind/` in the output folder, so search works on any static host and offline: the browser
 * loads the index in pieces from the site itself (components/search/). Only the lesson article
 * is indexed (`data-pagefind-body` in pages/learn/[track]/[lesson].astro); the selectors below
 * drop the parts of it that are controls rather than prose, so that a search for "Reset" or
 * "Run tests" does not list every exercise.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import * as pagefind from 'pagefind';

/** Where the index goes, relative to the site root; components/search/ loads it from there. */
export const SEARCH_BUNDLE = 'pagefind';

/**
 * Controls inside the lesson article. Selectors rather than `data-pagefind-ignore` in each
 * component, so the components stay free of indexer details; the exercise header (title and
 * summary) stays indexed, the editor, results, hints and runner choice do not.
 */
export const EXCLUDED_FROM_INDEX = [
  '.breadcrumb',
  '.pager',
  'exercise-panel .toolbar',
  'exercise-panel [data-editor-host]',
  'exercise-panel .editor-note',
  'exercise-panel .run-status',
  'exercise-panel .results',
  'exercise-panel .output',
  'exercise-panel .hints',
  'exercise-panel .runner-bar',
  'exercise-panel .runner-notice',
  'exercise-panel .terminal',
  'shared-memory .controls',
];

/**
 * Pagefind also writes its prebuilt search interfaces and a highlighter for the landing page;
 * the site has its own dialog, so they would only be bytes to compress and host.
 */
const UNUSED_BUNDLE_FILES = [
  'pagefind-ui.js',
  'pagefind-ui.css',
  'pagefind-modular-ui.js',
  'pagefind-modular-ui.css',
  'pagefind-component-ui.js',
  'pagefind-component-ui.css',
  'pagefind-highlight.js',
];

export interface IndexedSite {
  pages: number;
  outputPath: string;
}

export async function indexSite(siteDir: string): Promise<IndexedSite> {
  try {
    const { index, errors } = await pagefind.createIndex({
      excludeSelectors: EXCLUDED_FROM_INDEX,
    });
    if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
    // Lessons only: the course overview would match nearly every query by its list of titles.
    const added = await index.addDirectory({ path: siteDir, glob: 'learn/**/*.html' });
    if (added.errors.length > 0) throw new Error(added.errors.join('; '));
    // An empty index would ship a search that silently never finds anything.
    if (added.page_count === 0) throw new Error(`no lesson pages found under ${siteDir}/learn`);
    const outputPath = join(siteDir, SEARCH_BUNDLE);
    const written = await index.writeFiles({ outputPath });
    if (written.errors.length > 0) throw new Error(written.errors.join('; '));
    await Promise.all(
      UNUSED_BUNDLE_FILES.map((name) => rm(join(outputPath, name), { force: true })),
    );
    return { pages: added.page_count, outputPath };
  } finally {
    // The indexer is a child process; left running it would keep the build from exiting.
    await pagefind.close();
  }
}

export function searchIndex(): AstroIntegration {
  return {
    name: 'workbench:search-index',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const started = performance.now();
        const { pages } = await indexSite(fileURLToPath(dir));
        logger.info(
          `${pages} lesson page(s) indexed for search in ${Math.round(performance.now() - started)} ms`,
        );
      },
    },
  };
}
