import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';

/**
 * Content-Type by file extension, whatever its letter case (photo.JPG is a .jpg); anything else
 * is served as opaque bytes.
 */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.pdf': 'application/pdf',
};

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/**
 * A request handler for node:http that serves the files under `root`: GET streams the file
 * (200, or 404 if there is no such file), HEAD sends the same headers without the body, other
 * methods get 405 with `Allow: GET, HEAD`, so the client learns what would have worked. Paths
 * that point outside `root` get 403, undecodable paths 400.
 *
 * This version works for a small file on a fast network, and for nothing else.
 */
export function serveFile(root: string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      // TODO: every method is treated like GET. Only GET and HEAD may read a file; answer
      // anything else with 405 and an Allow header. HEAD gets the headers of GET, no body.
      const pathname = (req.url ?? '/').split('?', 1)[0] ?? '/';
      let path: string;
      try {
        // TODO: join() resolves "..", and nothing checks that the result is still inside root.
        path = join(root, decodeURIComponent(pathname));
      } catch {
        res.writeHead(400).end();
        return;
      }

      // TODO: readFile() holds the whole file in memory until the slowest client has it all.
      let data: Buffer;
      try {
        data = await readFile(path);
      } catch {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found\n');
        return;
      }
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(path).toLowerCase()] ?? DEFAULT_CONTENT_TYPE,
      });
      res.end(data);
    })();
  };
}
