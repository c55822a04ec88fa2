/**
 * The local runner as a service, against the real server: liveness and readiness, refusing
 * work past capacity and past a client's rate instead of hanging, rejecting bad requests and
 * slow clients, and shutting down gracefully.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { repo, run, sandboxProcesses, solution, startServer, warmAgents } from './harness.ts';

const busyLoop =
  "import { Transform } from 'node:stream';\nexport function lines(): Transform { while (true) {} }\n";

describe('the run service', () => {
  it('answers health and readiness as JSON', async () => {
    const server = await startServer();
    try {
      const health = await fetch(`${server.base}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', runner: 'local' });
      const ready = await fetch(`${server.base}/api/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ready',
        sandbox: { available: true, missing: [] },
        runs: { running: 0, queued: 0 },
      });
    } finally {
      await server.stop();
    }
  });

  it('refuses work past capacity at once with 503 and Retry-After, and says it is not ready', async () => {
    const server = await startServer({
      WORKBENCH_MAX_CONCURRENT: '1',
      WORKBENCH_MAX_QUEUE: '1',
      WORKBENCH_RATE: '100:100',
    });
    try {
      const running = run(server, busyLoop);
      await new Promise((r) => setTimeout(r, 300));
      const queued = run(server, solution);
      await new Promise((r) => setTimeout(r, 300));
      const started = performance.now();
      const response = await fetch(`${server.base}/api/run`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ exerciseId: '04-streams/lines', files: { 'lines.ts': solution } }),
      });
      expect(performance.now() - started).toBeLessThan(1000);
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await response.json()).toMatchObject({ error: { code: 'busy' } });
      expect((await fetch(`${server.base}/api/ready`)).status).toBe(503);
      expect((await running).result.status).toBe('timeout');
      expect((await queued).result.status).toBe('pass');
      expect((await fetch(`${server.base}/api/ready`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('limits each client with a token bucket: 429 with Retry-After', async () => {
    const server = await startServer({ WORKBENCH_RATE: '2:0.1' });
    try {
      const first = await run(server, solution);
      const second = await run(server, solution);
      const third = await fetch(`${server.base}/api/run`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ exerciseId: '04-streams/lines', files: { 'lines.ts': solution } }),
      });
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toBe('10');
      expect(await third.json()).toMatchObject({ error: { code: 'rate-limited' } });
    } finally {
      await server.stop();
    }
  });

  it('rejects malformed, mistyped and oversized requests with a message', async () => {
    const server = await startServer();
    try {
      const post = (
        body: BodyInit,
        headers: Record<string, string> = { 'Content-Type': 'application/json' },
      ) =>
        fetch(`${server.base}/api/run`, {
          method: 'POST',
          headers,
          body,
          duplex: 'half',
        } as RequestInit);
      const malformed = await post('{"exerciseId": ');
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ error: { code: 'bad-json' } });
      // Astro's CSRF check answers a form-like content type with 403 before our 415: either way, refused.
      expect([403, 415]).toContain((await post('x', { 'Content-Type': 'text/plain' })).status);
      expect((await post('x', { 'Content-Type': 'application/xml' })).status).toBe(415);
      const dotFile = await post(
        JSON.stringify({ exerciseId: '04-streams/lines', files: { '.npmrc': '' } }),
      );
      expect(dotFile.status).toBe(400);
      // Chunked, no Content-Length: the limit is enforced while reading.
      const huge = new ReadableStream<Uint8Array>({
        start(controller) {
          const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
          for (let i = 0; i < 32; i += 1) controller.enqueue(chunk);
          controller.close();
        },
      });
      expect((await post(huge)).status).toBe(413);
    } finally {
      await server.stop();
    }
  });

  it('closes a client that sends its request too slowly, and keeps serving others', async () => {
    const server = await startServer({ WORKBENCH_REQUEST_TIMEOUT_MS: '1500' });
    try {
      const { port } = new URL(server.base);
      const socket = connect(Number(port), '127.0.0.1');
      socket.write(
        'POST /api/run HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"exer',
      );
      const closed = new Promise<string>((resolve) => {
        let received = '';
        socket.on('data', (d: Buffer) => (received += d.toString()));
        socket.on('close', () => resolve(received));
      });
      expect((await run(server, solution)).result.status).toBe('pass');
      expect(await closed).toMatch(/^HTTP\/1\.1 408|^$/);
    } finally {
      await server.stop();
    }
  });

  it('on SIGTERM finishes the run in flight, refuses new ones, cleans up and exits 0', async () => {
    const runFolders = () =>
      readdirSync(tmpdir()).filter((name) => name.startsWith('workbench-run-'));
    // Only this server's folders count: other processes on the machine may have their own.
    const before = new Set(runFolders());
    const server = await startServer();
    const inFlight = run(server, solution);
    await new Promise((r) => setTimeout(r, 200));
    const exit = server.stop();
    expect((await inFlight).result.status).toBe('pass');
    expect(await exit).toBe(0);
    await expect(fetch(`${server.base}/api/health`)).rejects.toThrow();
    await expect.poll(sandboxProcesses, { timeout: 5_000 }).toEqual([]);
    // The warm sandboxes went with the server, folders and all.
    await expect.poll(warmAgents, { timeout: 5_000 }).toBe(0);
    expect(runFolders().filter((name) => !before.has(name))).toEqual([]);
  });
});

describe('without a sandbox', () => {
  function serve(env: Record<string, string>) {
    return spawnSync(process.execPath, [join(repo, 'src', 'server', 'serve.ts')], {
      env: { ...process.env, WORKBENCH_SANDBOX: 'off', ...env },
      encoding: 'utf8',
      timeout: 10_000,
    });
  }

  it('refuses to listen beyond loopback, and says which protections are missing', () => {
    const result = serve({ HOST: '0.0.0.0', PORT: '4396' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Refusing to listen on 0.0.0.0');
    expect(result.stderr).toContain('Missing: sandboxing of learner code');
  });

  it('on loopback, starts with one clear warning and reports itself unsandboxed', async () => {
    const server = await startServer({ WORKBENCH_SANDBOX: 'off' });
    try {
      const ready = (await (await fetch(`${server.base}/api/ready`)).json()) as {
        sandbox: { available: boolean; missing: string[] };
      };
      expect(ready.sandbox).toEqual({
        available: false,
        missing: ['sandboxing of learner code (WORKBENCH_SANDBOX=off)'],
        // No sandbox, so nothing is started ahead of a run.
        warm: { ready: 0, target: 0 },
      });
      expect((await run(server, solution)).result.status).toBe('pass');
    } finally {
      await server.stop();
    }
    expect(server.log().match(/WARNING: learner code runs WITHOUT a sandbox/g)).toHaveLength(1);
  });
});
