import { EventEmitter, once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exitOnSignal, gracefulShutdown, type ShutdownResult } from './graceful-shutdown.ts';

/** A response as the raw client read it off the wire. */
interface Reply {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** What a client got: a whole response, or the connection closed before one arrived. */
type Outcome = Reply | 'closed before a response';

/** Parses one response from the front of `text`, or says it has not all arrived yet. */
function parseResponse(text: string): { reply: Reply; rest: string } | undefined {
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const [statusLine = '', ...lines] = text.slice(0, headEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const reply = { status: Number(statusLine.split(' ')[1]), headers, body: '' };
  let at = headEnd + 4;
  if (headers['transfer-encoding'] === 'chunked') {
    for (;;) {
      const lineEnd = text.indexOf('\r\n', at);
      if (lineEnd === -1) return undefined;
      const size = parseInt(text.slice(at, lineEnd), 16);
      if (text.length < lineEnd + 2 + size + 2) return undefined;
      reply.body += text.slice(lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
      if (size === 0) return { reply, rest: text.slice(at) };
    }
  }
  const length = Number(headers['content-length'] ?? 0);
  if (text.length < at + length) return undefined;
  reply.body = text.slice(at, at + length);
  return { reply, rest: text.slice(at + length) };
}

/**
 * A keep-alive HTTP/1.1 client on one raw TCP connection, so the test sees exactly what the
 * server does with the connection: whether it ends, and whether it answers a second request.
 */
class Connection {
  readonly socket: Socket;
  #text = '';
  #closed = false;
  #error: string | undefined;
  readonly #changed = new EventEmitter();

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setEncoding('latin1');
    this.socket.on('data', (chunk: string) => {
      this.#text += chunk;
      this.#changed.emit('change');
    });
    this.socket.on('error', (error: NodeJS.ErrnoException) => {
      this.#error ??= error.code ?? error.message;
    });
    this.socket.on('close', () => {
      this.#closed = true;
      this.#changed.emit('change');
    });
  }

  /** The error code the connection failed with, if any (ECONNREFUSED, ECONNRESET). */
  get error(): string | undefined {
    return this.#error;
  }

  /** Sends a GET; a closed connection swallows it, as a real one would reset it. */
  send(path: string, extraHeaders = ''): void {
    this.write(`GET ${path} HTTP/1.1\r\nHost: test\r\n${extraHeaders}\r\n`);
  }

  /** Sends raw bytes, such as part of a request. */
  write(text: string): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.socket.write(text);
  }

  /** The next whole response, or 'closed before a response' once the connection closes. */
  async response(): Promise<Outcome> {
    for (;;) {
      const parsed = parseResponse(this.#text);
      if (parsed) {
        this.#text = parsed.rest;
        return parsed.reply;
      }
      if (this.#closed) return 'closed before a response';
      await once(this.#changed, 'change');
    }
  }

  /** Waits until `text` has arrived (part of a response still being written). */
  async received(text: string): Promise<void> {
    while (!this.#text.includes(text) && !this.#closed) await once(this.#changed, 'change');
  }

  /** Resolves once the connection has closed. */
  async closed(): Promise<void> {
    while (!this.#closed) await once(this.#changed, 'change');
  }
}

/**
 * The app under test. /slow and /stream hold their response until the test releases it
 * (/stream after sending its first part); any other path is answered at once with "ok".
 */
const held = new EventEmitter();
let server: Server;
let port: number;
const connections: Connection[] = [];

function open(): Connection {
  const connection = new Connection(port);
  connections.push(connection);
  return connection;
}

/** Sends `path` on `connection` and resolves, once the app holds it, with its release. */
async function holdRequest(
  connection: Connection,
  path: '/slow' | '/stream',
  extraHeaders = '',
): Promise<() => void> {
  const arrived = once(held, path);
  connection.send(path, extraHeaders);
  const [release] = (await arrived) as [() => void];
  return release;
}

/** A deadline the test fires by hand: nothing in these tests waits for real time. */
interface FakeTimer {
  callback: () => void;
  ms: number;
  cancelled: boolean;
}
let timers: FakeTimer[];
const setTimer = (callback: () => void, ms: number): (() => void) => {
  const timer = { callback, ms, cancelled: false };
  timers.push(timer);
  return () => {
    timer.cancelled = true;
  };
};

const TIMEOUT_MS = 30_000;

beforeEach(async () => {
  timers = [];
  server = createServer((req, res) => {
    if (req.url === '/slow') {
      held.emit('/slow', () => res.end('slow done'));
    } else if (req.url === '/stream') {
      res.write('first part, ');
      held.emit('/stream', () => res.end('last part'));
    } else {
      res.end('ok');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.socket.destroy();
  server.closeAllConnections();
  if (server.listening) await new Promise((resolve) => server.close(resolve));
});

function isReply(outcome: Outcome): outcome is Reply {
  return outcome !== 'closed before a response';
}

describe('gracefulShutdown()', () => {
  it('lets a request in flight finish, then resolves "drained"', async () => {
    const shutdown = gracefulShutdown(server, { timeoutMs: TIMEOUT_MS, setTimer });
    // This client asks for its connection to be closed, so only the request in flight matters.
    const client = open();
    const release = await holdRequest(client, '/slow', 'Connection: close\r\n');
    const stopped = shutdown();
    release();
    const outcome = await client.response();
    expect(
      isReply(outcome) ? `${outcome.status} ${outcome.body}` : outcome,
      'the request in flight was cut off: a shutdown lets requests in flight finish, and ' +
        'destroys connections only when the deadline fires',
    ).toBe('200 slow done');
    expect(
      await stopped,
      'every request finished before the deadline, so shutdown() resolves "drained"',
    ).toBe('drained');
  });

  it('refuses new connections once shutdown has begun', async () => {
    const shutdown = gracefulShutdown(server, { timeoutMs: TIMEOUT_MS, setTimer });
    const busy = open();
    const release = await holdRequest(busy, '/slow', 'Connection: close\r\n');
    const stopped = shutdown();
    const late = open();
    late.send('/');
    const outcome = await late.response();
    expect(
      isReply(outcome) ? `answered ${outcome.status}` : late.error,
      'a client connected after shutdown began and was let in: stop listening (server.close()) ' +
        'as soon as the shutdown starts, so the balancer sends it elsewhere',
    ).toBe('ECONNREFUSED');
    release();
    await busy.response();
    expect(await stopped).toBe('drained');
  });

  it('closes idle keep-alive connections at once', async () => {
    const shutdown = gracefulShutdown(server, { timeoutMs: TIMEOUT_MS, setTimer });
    const idle = open();
    // Two requests on one connection: until a shutdown begins, keep-alive works as usual.
    for (const attempt of ['first', 'second']) {
      idle.send('/');
      const before = await idle.response();
      expect(
        isReply(before) ? `${before.status} ${before.headers.connection}` : before,
        `the ${attempt} request on a keep-alive connection, before any shutdown, found it ` +
          'closed or closing: leave connections alone until the shutdown begins',
      ).toBe('200 keep-alive');
    }
    // A request in flight elsewhere keeps the server open, so only the idle connection is
    // in question.
    const busy = open();
    const release = await holdRequest(busy, '/slow', 'Connection: close\r\n');
    const stopped = shutdown();
    idle.send('/');
    const outcome = await idle.response();
    expect(
      isReply(outcome) ? `answered ${outcome.status}` : outcome,
      'an idle keep-alive connection was still open after shutdown began and served another ' +
        'request: close idle connections at once (server.closeIdleConnections())',
    ).toBe('closed before a response');
    release();
    await busy.response();
    expect(await stopped).toBe('drained');
  });

  it('answers a request in flight with Connection: close, then closes its connection', async () => {
    const shutdown = gracefulShutdown(server, { timeoutMs: TIMEOUT_MS, setTimer });
    const client = open();
    const release = await holdRequest(client, '/slow');
    const stopped = shutdown();
    release();
    const outcome = await client.response();
    expect(outcome, 'the request in flight must get its whole response').toMatchObject({
      status: 200,
      body: 'slow done',
    });
    expect(
      isReply(outcome) ? outcome.headers.connection : undefined,
      'the response to a request in flight said keep-alive, so the client will send its next ' +
        'request on a connection that is about to close: after shutdown begins, set ' +
        '"Connection: close" on every response that has not started yet',
    ).toBe('close');
    client.send('/');
    const next = await client.response();
    expect(
      isReply(next) ? `answered ${next.status}` : next,
      'the connection served another request after shutdown began: close a busy connection ' +
        'once its response is done, or server.close() waits for it forever',
    ).toBe('closed before a response');
    expect(await stopped).toBe('drained');
  });

  it('closes a connection whose response had started once that response ends', async () => {
    const shutdown = gracefulShutdown(server, { timeoutMs: TIMEOUT_MS, setTimer });
    const client = open();
    const release = await holdRequest(client, '/stream');
    await client.received('first part, ');
    const stopped = shutdown();
    release();
    const outcome = await client.response();
    expect(outcome, 'the streamed response must arrive whole').toMatchObject({
      status: 200,
      body: 'first part, last part',
    });
    client.send('/');
    const next = await client.response();
    expect(
      isReply(next) ? `answered ${next.status}` : next,
      'a response whose headers went out before the shutdown cannot say "Connection: close" ' +
        'any more; its connection stayed open and served another request. Close its ' +
        "connection once that response has finished (its 'finish' event)",
    ).toBe('closed before a response');
    expect(await stopped).toBe('drained');
  });

  it('answers a request that arrives after shutdown began with Connection: close', async () => {
    const shutdown = gracefulShutdown(server, { timeoutMs: TIMEOUT_MS, setTimer });
    const client = open();
    // Half a request: the server has read its first line but not the end of its headers, so
    // the connection is busy, not idle, when the shutdown begins.
    const accepted = once(server, 'connection');
    client.write('GET /slow HTTP/1.1\r\nHost: test\r\n');
    await Promise.all([accepted, once(client.socket, 'connect')]);
    for (let turn = 0; turn < 3; turn++) await nextTurn();
    const stopped = shutdown();
    const arrived = once(held, '/slow').then(([release]) => release as () => void);
    client.write('\r\n');
    const release = await Promise.race([arrived, client.closed().then(() => undefined)]);
    expect(
      release,
      'the connection was closed while its request was still arriving: at shutdown, close ' +
        'only idle connections; one with a request under way is busy',
    ).toBeTypeOf('function');
    release!();
    const outcome = await client.response();
    expect(outcome, 'the request must be answered').toMatchObject({ status: 200 });
    expect(
      isReply(outcome) ? outcome.headers.connection : undefined,
      'a request that completed after shutdown began was answered with keep-alive: the ' +
        "server's 'request' listener must add Connection: close once the shutdown has begun",
    ).toBe('close');
    expect(await stopped).toBe('drained');
  });

  it('schedules the deadline at once; when it fires, cuts off what is left and resolves "forced"', async () => {
    const shutdown = gracefulShutdown(server, { timeoutMs: TIMEOUT_MS, setTimer });
    const client = open();
    await holdRequest(client, '/slow');
    const stopped = shutdown();
    expect(
      timers.map((timer) => timer.ms),
      'shutdown() must schedule one deadline, at once, with options.setTimer(callback, ' +
        'options.timeoutMs): without it, one request that never ends keeps the process up ' +
        'until the orchestrator kills it',
    ).toEqual([TIMEOUT_MS]);
    timers[0]?.callback();
    expect(
      await client.response(),
      'the deadline fired and the hung request was still open: destroy every remaining ' +
        'connection (server.closeAllConnections())',
    ).toBe('closed before a response');
    expect(await stopped, 'a shutdown the deadline cut short resolves "forced"').toBe('forced');
  });

  it('cancels the deadline once drained', async () => {
    const shutdown = gracefulShutdown(server, { timeoutMs: TIMEOUT_MS, setTimer });
    const client = open();
    const release = await holdRequest(client, '/slow', 'Connection: close\r\n');
    const stopped = shutdown();
    release();
    expect(await stopped, 'nothing was cut off, so the result is "drained"').toBe('drained');
    expect(timers, 'shutdown() must schedule its deadline with options.setTimer').toHaveLength(1);
    expect(
      timers[0]?.cancelled,
      'the server closed but the deadline is still pending: cancel it, or a real timer keeps ' +
        'the process alive (or fires later on a server that is already gone)',
    ).toBe(true);
  });

  it('with nothing in flight, resolves "drained" without waiting for the deadline', async () => {
    const shutdown = gracefulShutdown(server, { timeoutMs: TIMEOUT_MS, setTimer });
    const idle = open();
    idle.send('/');
    await idle.response();
    const result = await shutdown();
    expect(result, 'an idle server drains at once').toBe('drained');
    await idle.closed();
    expect(server.listening, 'the server must have stopped listening').toBe(false);
  });

  it('a second call resolves the same way and schedules nothing more', async () => {
    const shutdown = gracefulShutdown(server, { timeoutMs: TIMEOUT_MS, setTimer });
    const client = open();
    const release = await holdRequest(client, '/slow', 'Connection: close\r\n');
    const first = shutdown();
    const second = shutdown();
    release();
    const results = await Promise.allSettled([first, second]);
    expect(
      results.map((result) => (result.status === 'fulfilled' ? result.value : 'rejected')),
      'calling shutdown() twice (two signals, say) must not close the server twice: the ' +
        'second call gets the first one’s result',
    ).toEqual(['drained', 'drained']);
    expect(timers, 'only the first call schedules a deadline').toHaveLength(1);
  });
});

describe('gracefulShutdown() without options.setTimer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the deadline on setTimeout(timeoutMs) and clears it once drained', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const shutdown = gracefulShutdown(server, { timeoutMs: TIMEOUT_MS });
    const client = open();
    const release = await holdRequest(client, '/slow', 'Connection: close\r\n');
    const stopped = shutdown();
    expect(
      vi.getTimerCount(),
      'without options.setTimer, the deadline is a setTimeout of timeoutMs',
    ).toBe(1);
    release();
    expect(await stopped).toBe('drained');
    expect(
      vi.getTimerCount(),
      'the server drained, but the default deadline is still pending: clear it',
    ).toBe(0);
  });

  it('cuts off what is left when that setTimeout fires', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const shutdown = gracefulShutdown(server, { timeoutMs: TIMEOUT_MS });
    const client = open();
    await holdRequest(client, '/slow');
    const stopped = shutdown();
    expect(
      vi.getTimerCount(),
      'without options.setTimer, the deadline is a setTimeout of timeoutMs',
    ).toBe(1);
    vi.advanceTimersByTime(TIMEOUT_MS);
    expect(
      await client.response(),
      'timeoutMs passed: the default deadline must destroy the remaining connections',
    ).toBe('closed before a response');
    expect(await stopped).toBe('forced');
  });

  it('does not keep the process alive with its pending deadline', async () => {
    const timeouts = () =>
      process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const shutdown = gracefulShutdown(server, { timeoutMs: TIMEOUT_MS });
    const client = open();
    const release = await holdRequest(client, '/slow', 'Connection: close\r\n');
    const before = timeouts();
    const stopped = shutdown();
    expect(
      timeouts() - before,
      'the pending deadline keeps the event loop alive: unref() its timer, so a process ' +
        'whose work is done is not held up to timeoutMs',
    ).toBe(0);
    release();
    expect(await stopped).toBe('drained');
  });
});

describe('exitOnSignal()', () => {
  /** A shutdown the test finishes by hand, and how many times it was started. */
  function manualShutdown() {
    let finish: (result: ShutdownResult) => void = () => undefined;
    const state = { calls: 0 };
    const ending = new Promise<ShutdownResult>((resolve) => (finish = resolve));
    const shutdown = () => {
      state.calls++;
      return ending;
    };
    return { shutdown, finish: (result: ShutdownResult) => finish(result), state };
  }

  /** Lets every pending callback and promise run. */
  async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await nextTurn();
  }

  it('on SIGTERM, lets the request in flight finish and then exits with 0', async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const shutdown = gracefulShutdown(server, { timeoutMs: TIMEOUT_MS, setTimer });
    let ended: Promise<ShutdownResult> | undefined;
    const watched = () => (ended = shutdown());
    exitOnSignal(watched, { signals, exit: (code) => exits.push(code) });
    const client = open();
    const release = await holdRequest(client, '/slow', 'Connection: close\r\n');
    signals.emit('SIGTERM', 'SIGTERM');
    const late = open();
    late.send('/');
    await late.response();
    expect(
      late.error,
      'after SIGTERM arrived on options.signals the server still took a new connection: ' +
        'listen on options.signals and start the shutdown there',
    ).toBe('ECONNREFUSED');
    expect(
      exits,
      'exit was called while a request was in flight: wait for shutdown() to resolve',
    ).toEqual([]);
    release();
    expect(await client.response()).toMatchObject({ status: 200, body: 'slow done' });
    expect(ended, 'SIGTERM on options.signals must call shutdown()').toBeDefined();
    await ended;
    await settle();
    expect(exits, 'a drained shutdown exits with 0, once').toEqual([0]);
  });

  it('exits with 1 when the shutdown was forced', async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const manual = manualShutdown();
    exitOnSignal(manual.shutdown, { signals, exit: (code) => exits.push(code) });
    signals.emit('SIGTERM', 'SIGTERM');
    manual.finish('forced');
    await settle();
    expect(
      exits,
      'the deadline cut requests off: exit with 1 so the orchestrator and the logs see it',
    ).toEqual([1]);
  });

  it('handles SIGINT (Ctrl+C) like SIGTERM', async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const manual = manualShutdown();
    exitOnSignal(manual.shutdown, { signals, exit: (code) => exits.push(code) });
    signals.emit('SIGINT', 'SIGINT');
    expect(manual.state.calls, 'SIGINT must start the shutdown too').toBe(1);
    manual.finish('drained');
    await settle();
    expect(exits).toEqual([0]);
  });

  it('ignores the signals that arrive after the first', async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const manual = manualShutdown();
    exitOnSignal(manual.shutdown, { signals, exit: (code) => exits.push(code) });
    signals.emit('SIGTERM', 'SIGTERM');
    signals.emit('SIGINT', 'SIGINT');
    signals.emit('SIGTERM', 'SIGTERM');
    expect(manual.state.calls, 'one shutdown, however many signals arrive').toBe(1);
    await settle();
    expect(exits, 'no exit before the shutdown has finished').toEqual([]);
    manual.finish('drained');
    await settle();
    expect(exits, 'exit is called once').toEqual([0]);
  });
});
