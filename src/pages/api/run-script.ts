/**
 * POST /api/run-script: run a lesson's example as a plain script on the local runner, in the
 * same sandbox and under the same admission rules as exercises. Body: `{ "source": "..." }`.
 */
import type { APIRoute } from 'astro';
import { runService } from '../../runner/local/instance.ts';
import { MAX_SCRIPT_BYTES } from '../../runner/script-result.ts';

export const prerender = false;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      ...headers,
    },
  });
}

function rejected(status: number, code: string, message: string, hint: string): Response {
  return json(status, { error: { code, message, hint } });
}

export const POST: APIRoute = async ({ request, clientAddress }) => {
  if (!(request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    return rejected(
      415,
      'bad-content-type',
      'Expected Content-Type: application/json.',
      'Send {"source": "..."} as JSON.',
    );
  }
  const text = await request.text();
  if (new TextEncoder().encode(text).byteLength > MAX_SCRIPT_BYTES * 2) {
    return rejected(
      413,
      'too-large',
      'The example is too large.',
      `Examples are limited to ${MAX_SCRIPT_BYTES / 1024} KB.`,
    );
  }
  let source: unknown;
  try {
    source = (JSON.parse(text) as { source?: unknown }).source;
  } catch (error) {
    return rejected(
      400,
      'bad-json',
      `The request body is not valid JSON: ${(error as Error).message}`,
      'Send {"source": "..."}.',
    );
  }
  if (typeof source !== 'string' || source.length === 0) {
    return rejected(
      400,
      'bad-shape',
      'The request has no "source" string.',
      'Send {"source": "..."}.',
    );
  }
  if (!source.isWellFormed() || new TextEncoder().encode(source).byteLength > MAX_SCRIPT_BYTES) {
    return rejected(
      422,
      'bad-encoding',
      'The example is not valid text or is too large.',
      `Send at most ${MAX_SCRIPT_BYTES / 1024} KB of UTF-8 text.`,
    );
  }
  const service = runService();
  const admission = await service.submit(
    clientAddress,
    (signal) => service.runner.runScript({ source }, { signal }),
    request.signal,
  );
  if (!admission.ok) {
    const { status, retryAfterSeconds, code, message, hint } = admission;
    return json(
      status,
      { error: { code, message, hint } },
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }
  return json(200, admission.result);
};
