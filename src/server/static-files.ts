/**
 * The built site's files, served by sirv: the brotli or gzip copy the build wrote
 * (integrations/precompress.ts) when the browser accepts it, `Vary: Accept-Encoding`, ETags.
 * Names under `_astro/` carry a hash of their content (Astro's bundles, the editor's type
 * definitions, the WebContainer snapshots), and so do the search index's chunks under
 * `pagefind/fragment/`, `pagefind/index/` and `pagefind/filter/`, so browsers may keep them for
 * a year without asking; everything else is revalidated, which costs a 304 when nothing changed.
 * That includes `pagefind/pagefind.js` and `pagefind-entry.json`, whose names never change and
 * which name the current chunks.
 *
 * Anything sirv does not find (the runner API, a 404 page) goes on to Astro's handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/**
 * Folders whose files have a hash of their content in their names: `_astro/` is Astro's assets
 * folder (build.assets); the others hold the search index's chunks (integrations/search-index.ts).
 * Static hosts get the same list through `_headers` and vercel.json.
 */
export const HASHED_FOLDERS = [
  '/_astro/',
  '/pagefind/fragment/',
  '/pagefind/index/',
  '/pagefind/filter/',
] as const;

export function cacheControlFor(pathname: string): string {
  return HASHED_FOLDERS.some((folder) => pathname.startsWith(folder)) ? IMMUTABLE : REVALIDATE;
}

export function staticFiles(
  clientDir: string,
): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const serve = sirv(clientDir, {
    brotli: true,
    gzip: true,
    etag: true,
    setHeaders: (res, pathname) => res.setHeader('Cache-Control', cacheControlFor(pathname)),
  });
  return (req, res, next) => {
    // sirv would answer any method; files are only ever read.
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    serve(req, res, next);
  };
}
