import { describe, expect, it } from 'vitest';
import { HttpRunner } from '../../src/runner/http/http-runner.ts';

const request = { exerciseId: '04-streams/lines', files: { 'lines.ts': 'export {}' } };

function fakeFetch(response: Response | Error): typeof fetch {
  return async () => {
    if (response instanceof Error) throw response;
    return response;
  };
}

describe('HttpRunner', () => {
  it('returns the server result', async () => {
    const body = {
      version: 1,
      status: 'pass',
      tests: [{ name: 't', status: 'pass', durationMs: 1 }],
      durationMs: 3,
    };
    const runner = new HttpRunner('/api/run', fakeFetch(Response.json(body)));
    expect(await runner.run(request)).toEqual(body);
  });

  it('says the runner is unreachable when the connection fails, and how to start it', async () => {
    const runner = new HttpRunner('/api/run', fakeFetch(new TypeError('Failed to fetch')));
    const result = await runner.run(request);
    expect(result).toMatchObject({ status: 'error', errorCode: 'runner-unavailable' });
    expect(result.hint).toContain('npm start');
  });

  it('passes on the message and hint of a rejected request', async () => {
    const runner = new HttpRunner(
      '/api/run',
      fakeFetch(
        Response.json(
          { error: { code: 'too-large', message: 'Too big.', hint: 'Trim it.' } },
          { status: 413 },
        ),
      ),
    );
    expect(await runner.run(request)).toMatchObject({
      status: 'error',
      errorCode: 'bad-request',
      message: 'Too big.',
      hint: 'Trim it.',
    });
  });

  it('explains a site served without the runner (404 from a static host)', async () => {
    const runner = new HttpRunner(
      '/api/run',
      fakeFetch(new Response('Not found', { status: 404 })),
    );
    const result = await runner.run(request);
    expect(result).toMatchObject({ status: 'error', errorCode: 'runner-unavailable' });
    expect(result.message).toContain('without the local runner');
  });

  it('reports a server failure that is not JSON', async () => {
    const runner = new HttpRunner(
      '/api/run',
      fakeFetch(new Response('<h1>502</h1>', { status: 502 })),
    );
    expect(await runner.run(request)).toMatchObject({
      status: 'error',
      errorCode: 'runner-failure',
    });
  });
});
