/**
 * The built site's files, served by sirv: the brotli or gzip copy the build wrote
 * (integrations/precompress.ts) when the browser accepts it, `Vary: Accept-Encoding`, ETags.
 * Names under `_astro/` carry a hash of their content (Astro's bundles, the editor's type
 * definitions, the WebContainer snapshots), so browsers may keep them for a year without asking;
 * everything else is revalidated, which costs a 304 when nothing changed.
 *
 * Anything sirv does not find (the runner API, a 404 page) goes on to Astro's handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/** Hashed names: `_astro/` is Astro's assets folder (build.assets), which the build fills. */
export function cacheControlFor(pathname: string): string {
  return pathname.startsWith('/_astro/') ? IMMUTABLE : REVALIDATE;
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
