import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

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
 */
export function serveFile(root: string): (req: IncomingMessage, res: ServerResponse) => void {
  const base = resolve(root);

  return (req, res) => {
    // handle() rejects only when pipeline() fails, and by then the headers are out: the client
    // left, or reading the file broke off. pipeline() has already destroyed the response, which
    // cuts the connection so the client sees a short body; there is nothing left to tell it.
    // The catch is there so that the rejection is not unhandled, which would crash the process.
    handle(base, req, res).catch(() => {});
  };
}

async function handle(base: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return plain(res, 405, { allow: 'GET, HEAD' });
  }

  // Decode first, check after: %2e%2e and %2f are dots and slashes once decoded, and the file
  // system only ever sees the decoded path.
  let decoded: string;
  try {
    decoded = decodeURIComponent((req.url ?? '/').split('?', 1)[0] ?? '/');
  } catch {
    return plain(res, 400);
  }

  // resolve() collapses every "..". What is left must be the root itself or inside it; the
  // separator matters, or /srv/public-secret would pass as being inside /srv/public.
  const path = resolve(base, '.' + decoded);
  if (path !== base && !path.startsWith(base + sep)) return plain(res, 403);

  // A NUL byte (%00) needs no check of its own: fs refuses such a path, so stat() rejects.
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return plain(res, 404);

  // The size comes from stat, so the client knows the length before the first byte: it can show
  // progress, and it can tell a complete download from one that broke off.
  res.writeHead(200, {
    'content-length': info.size,
    'content-type': CONTENT_TYPES[extname(path).toLowerCase()] ?? DEFAULT_CONTENT_TYPE,
  });
  // HEAD is answered from stat() alone. Node would drop a body written to it, but only after
  // the whole file had been read for nothing.
  if (req.method === 'HEAD') return void res.end();

  // pipeline() moves one chunk at a time and waits for the socket to drain, so memory stays at
  // a few chunks whatever the file size. If the response closes early (the client went away),
  // it destroys the file stream, which closes the file descriptor.
  await pipeline(createReadStream(path), res);
}

/** An error status with its reason phrase as a short text body, for a person reading it. */
function plain(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${STATUS_CODES[status]}\n`);
}
