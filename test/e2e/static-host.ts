/**
 * A stand-in for a static host (Netlify, Cloudflare Pages): serves dist/client as files, with
 * the headers the build wrote to dist/client/_headers for each path, and no runner API at all.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..', 'dist', 'client');
const port = Number(process.env['PORT'] ?? 4398);

/**
 * `_headers` as Netlify and Cloudflare Pages read it: a path pattern (`*` matches anything), then
 * its headers indented below it; every block whose pattern matches applies. Applying every
 * header to every path would hide a wrong caching rule from the tests.
 */
const rules: Array<{ pattern: RegExp; headers: Record<string, string> }> = [];
for (const line of readFileSync(join(root, '_headers'), 'utf8').split('\n')) {
  if (line.trim() === '') continue;
  if (!line.startsWith(' ')) {
    const source = line
      .trim()
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*');
    rules.push({ pattern: new RegExp(`^${source}$`), headers: {} });
    continue;
  }
  const [name, value] = line.trim().split(/:\s*/, 2) as [string, string];
  const rule = rules.at(-1);
  if (rule) rule.headers[name] = value;
}
function headersFor(pathname: string): Record<string, string> {
  return Object.assign(
    {},
    ...rules.filter((rule) => rule.pattern.test(pathname)).map((rule) => rule.headers),
  ) as Record<string, string>;
}
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
};

createServer((req, res) => {
  const pathname = new URL(req.url ?? '/', 'http://x').pathname;
  const headers = headersFor(pathname);
  const path = normalize(decodeURIComponent(pathname));
  let file = join(root, path);
  if (!file.startsWith(root)) file = root;
  try {
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    statSync(file);
  } catch {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': types[extname(file)] ?? 'application/octet-stream',
  });
  createReadStream(file).pipe(res);
}).listen(port, '127.0.0.1');
