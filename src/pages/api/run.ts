/**
 * POST /api/run: grade a submission on the local runner. Rendered on demand (the rest of the
 * site is prerendered). Rejections are JSON `{ error: { code, message, hint } }` with a 4xx
 * status; a run that happened, whatever its outcome, is a 200 with a RunResult.
 */
import type { APIRoute } from 'astro';
import { runService } from '../../runner/local/instance.ts';
import {
  MAX_BODY_BYTES,
  validateRunRequest,
  type RequestRejection,
} from '../../runner/run-request.ts';

export const prerender = false;

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

function rejected(rejection: RequestRejection): Response {
  const { status, ...error } = rejection;
  return json(status, { error });
}

/**
 * Reads the body, giving up as soon as it exceeds `limit` bytes: Content-Length can be absent
 * (chunked uploads) or wrong, and the whole body must never be buffered just to reject it.
 */
async function readBody(request: Request, limit: number): Promise<string | undefined> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const POST: APIRoute = async ({ request, clientAddress }) => {
  const contentType = request.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('application/json')) {
    return rejected({
      status: 415,
      code: 'bad-content-type',
      message: `Expected Content-Type: application/json, got "${contentType || 'nothing'}".`,
      hint: 'Send the run request as JSON.',
    });
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) {
    return rejected({
      status: 413,
      code: 'too-large',
      message: `The request is ${declared} bytes; the limit is ${MAX_BODY_BYTES}.`,
      hint: 'Submissions are limited to 256 KB of code in total.',
    });
  }
  const body = await readBody(request, MAX_BODY_BYTES);
  if (body === undefined) {
    return rejected({
      status: 413,
      code: 'too-large',
      message: `The request is larger than ${MAX_BODY_BYTES} bytes.`,
      hint: 'Submissions are limited to 256 KB of code in total.',
    });
  }
  const service = runService();
  const runner = service.runner;
  const validated = await validateRunRequest(body, async (id) => {
    try {
      return (await runner.loadExercise(id)).meta.editable;
    } catch {
      return undefined;
    }
  });
  if (!validated.ok) return rejected(validated.rejection);
  const admission = await service.submit(clientAddress, validated.request, request.signal);
  if (!admission.ok) {
    const { status, retryAfterSeconds, code, message, hint } = admission;
    return new Response(JSON.stringify({ error: { code, message, hint } }), {
      status,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
        'Retry-After': String(retryAfterSeconds),
      },
    });
  }
  return json(200, admission.result);
};

export const ALL: APIRoute = () =>
  json(405, {
    error: {
      code: 'method-not-allowed',
      message: 'Use POST to run code.',
      hint: 'POST {"exerciseId": "...", "files": {...}} as JSON.',
    },
  });
