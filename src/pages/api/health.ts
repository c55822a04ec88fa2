/**
 * GET /api/health: the local runner is here and alive. Pages use it to know whether they were
 * served with a local runner (a static host answers 404); monitors use it as a liveness check.
 */
import type { APIRoute } from 'astro';

export const prerender = false;

export const GET: APIRoute = () =>
  new Response(JSON.stringify({ status: 'ok', runner: 'local', node: process.versions.node }), {
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  });
