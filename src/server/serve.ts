/**
 * `npm start`: serves the built site and the local runner on http://127.0.0.1:4321.
 *
 * A thin wrapper around the Astro Node adapter's handler, for two reasons: the adapter sends
 * no custom headers for prerendered pages, and the pages must be cross-origin isolated
 * (COOP + COEP) for WebContainers; and it serves files uncompressed, where static-files.ts
 * serves the copies the build compressed. Loopback only: the runner executes whatever code it is
 * sent, so it must not be reachable from the network (see docs/security.md).
 */
import type { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { probeSandbox } from '../runner/local/sandbox/sandbox.ts';
import { crossOriginIsolationHeaders } from './isolation-headers.ts';
import { staticFiles } from './static-files.ts';

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

// Where exercises and node_modules are: the bundle in dist/ cannot tell from its own location.
process.env['WORKBENCH_ROOT'] ??= root;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const sandbox =
  process.env['WORKBENCH_SANDBOX'] === 'off'
    ? { available: false, missing: ['sandboxing of learner code (WORKBENCH_SANDBOX=off)'] }
    : probeSandbox();
if (!sandbox.available) {
  if (!LOOPBACK.has(host)) {
    console.error(
      `Refusing to listen on ${host}: learner code would run unsandboxed.
Missing: ${sandbox.missing.join('; ')}.
Listen on 127.0.0.1 (the default), or install bubblewrap (docs/security.md).`,
    );
    process.exit(1);
  }
  console.warn(
    `WARNING: learner code runs WITHOUT a sandbox on this machine (listening on loopback only).
Missing: ${sandbox.missing.join('; ')}.
See docs/security.md.`,
  );
} else if (sandbox.missing.length > 0) {
  console.warn(`Note: sandbox without ${sandbox.missing.join('; ')}. See docs/security.md.`);
}

// The adapter's entry would start its own server on import unless told not to.
process.env['ASTRO_NODE_AUTOSTART'] = 'disabled';
const { handler } = (await import(pathToFileURL(entry).href)) as { handler: Handler };
const files = staticFiles(join(root, 'dist', 'client'));

// Slow clients: a request must arrive whole within requestTimeout, or its socket is closed. The
// run itself happens after the request is read and is bounded by the exercise's time limit.
const requestTimeout = Number(process.env['WORKBENCH_REQUEST_TIMEOUT_MS'] ?? 15_000);
const server = createServer(
  // Node checks request timeouts every connectionsCheckingInterval (30 s by default).
  {
    requestTimeout,
    headersTimeout: Math.min(10_000, requestTimeout),
    connectionsCheckingInterval: 1_000,
  },
  (req, res) => {
    for (const [name, value] of Object.entries(crossOriginIsolationHeaders))
      res.setHeader(name, value);
    files(req, res, () => handler(req, res));
  },
);

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

// Graceful shutdown: stop accepting connections, let the run service finish or abort the runs
// in flight and remove their workspaces (instance.ts listens for 'workbench:shutdown'), exit 0.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeIdleConnections();
    const drained = new Promise<void>((resolve) => {
      // process's own typings only know Node's events; as an EventEmitter it takes any name.
      if (!(process as EventEmitter).emit('workbench:shutdown', resolve)) resolve();
    });
    void drained.then(() => {
      server.closeAllConnections();
      process.exit(0);
    });
  });
}
