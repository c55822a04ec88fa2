/**
 * `npm start`: serves the built site and the local runner on http://127.0.0.1:4321.
 *
 * A thin wrapper around the Astro Node adapter's handler, for one reason: the adapter sends
 * no custom headers for prerendered pages, and the pages must be cross-origin isolated
 * (COOP + COEP) for WebContainers. Loopback only: the runner executes whatever code it is
 * sent, so it must not be reachable from the network (see docs/security.md).
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { crossOriginIsolationHeaders } from './isolation-headers.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const root = resolve(import.meta.dirname, '..', '..');
const entry = join(root, 'dist', 'server', 'entry.mjs');
const host = process.env['HOST'] ?? '127.0.0.1';
const port = Number(process.env['PORT'] ?? 4321);

if (!existsSync(entry)) {
  console.error(
    `No build found at ${entry}.\nRun \`npm run build\` first (\`npm start\` does both).`,
  );
  process.exit(1);
}

// The adapter's entry would start its own server on import unless told not to.
process.env['ASTRO_NODE_AUTOSTART'] = 'disabled';
process.env['WORKBENCH_ROOT'] ??= root;
const { handler } = (await import(pathToFileURL(entry).href)) as { handler: Handler };

const server = createServer((req, res) => {
  for (const [name, value] of Object.entries(crossOriginIsolationHeaders))
    res.setHeader(name, value);
  handler(req, res);
});

server.on('error', (error: NodeJS.ErrnoException) => {
  console.error(
    error.code === 'EADDRINUSE'
      ? `Port ${port} is already in use. Stop the other server or start with PORT=4322 npm start.`
      : `The server could not start: ${error.message}`,
  );
  process.exit(1);
});

server.listen(port, host, () => {
  console.log(
    `Node Internals Workbench: http://${host === '127.0.0.1' ? 'localhost' : host}:${port}/ (local runner enabled)`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
