/**
 * GET /api/ready: can this runner take a run now? 200 when runs can be taken, 503 while it is
 * shutting down or its queue is full. The body says whether runs are sandboxed and what is
 * missing, so an operator sees an unprotected runner at a glance, and how many sandboxes are
 * started and waiting (a benchmark waits for them, as a learner reading results would).
 */
import type { APIRoute } from 'astro';
import { runService, sandboxSupport } from '../../runner/local/instance.ts';

export const prerender = false;

export const GET: APIRoute = () => {
  const service = runService();
  const sandbox = sandboxSupport();
  const ready = service.ready;
  return new Response(
    JSON.stringify({
      status: ready ? 'ready' : 'not-ready',
      sandbox: {
        available: sandbox.available,
        missing: sandbox.missing,
        warm: service.runner.warmSandboxes,
      },
      runs: { ...service.status, maxConcurrent: service.maxConcurrent, maxQueue: service.maxQueue },
    }),
    {
      status: ready ? 200 : 503,
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
    },
  );
};
