/**
 * The browser's side of the local runner: POSTs a submission to /api/run and turns every way
 * that can go wrong (server down, request rejected, garbage answer) into a RunResult with a
 * message and a hint, so the panel never shows a blank state or a stack trace.
 */
import { problemResult, type RunResult } from '../result.ts';
import { parseRunResult } from '../result-schema.ts';
import type { RunOptions, RunRequest, Runner, ScriptRequest } from '../runner.ts';

interface ErrorBody {
  error?: { code?: string; message?: string; hint?: string };
}

export class HttpRunner implements Runner {
  readonly label = 'Local runner';
  private readonly endpoint: string;
  private readonly fetchImpl: typeof fetch;

  /** `endpoint` is the run URL; examples go to the sibling `run-script` URL. */
  constructor(endpoint: string, fetchImpl: typeof fetch = fetch.bind(globalThis)) {
    this.endpoint = endpoint;
    this.fetchImpl = fetchImpl;
  }

  run(request: RunRequest, options: RunOptions = {}): Promise<RunResult> {
    return this.post(this.endpoint, request, options);
  }

  runScript(request: ScriptRequest, options: RunOptions = {}): Promise<RunResult> {
    return this.post(this.endpoint.replace(/run$/, 'run-script'), request, options);
  }

  private async post(url: string, payload: unknown, options: RunOptions): Promise<RunResult> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(payload),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      return problemResult({
        code: 'runner-unavailable',
        message: 'The local runner is not reachable, so your code could not be run.',
        hint: 'Start it with `npm start` in the project folder, then press Run again. Your code is saved in this browser.',
      });
    }
    const text = await response.text().catch(() => '');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (response.ok) return parseRunResult(body);
    const error = (body as ErrorBody | undefined)?.error;
    if (error?.message) {
      return problemResult({
        code: response.status >= 500 ? 'runner-failure' : 'bad-request',
        message: error.message,
        hint: error.hint ?? 'Reload the page and try again.',
      });
    }
    return problemResult({
      code: response.status === 404 ? 'runner-unavailable' : 'runner-failure',
      message:
        response.status === 404
          ? 'This site was served without the local runner, so your code could not be run.'
          : `The local runner failed (HTTP ${response.status}).`,
      hint:
        response.status === 404
          ? 'Run the course with `npm start`, which serves the site together with the runner.'
          : 'Press Run again; if it keeps failing, restart the runner with `npm start` and check its terminal.',
    });
  }
}
