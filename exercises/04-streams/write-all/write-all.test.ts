import { Writable } from 'node:stream';
import { describe, it, expect } from 'vitest';
import { writeAll, type Row } from './write-all.ts';

interface SinkOptions {
  highWaterMark?: number;
  /** The write callback of this chunk (1-based) gets an error: the disk is full. */
  failAt?: number;
  /** The stream is destroyed, without an error, right after this chunk (1-based). */
  destroyAt?: number;
  /**
   * This chunk (1-based) never reaches the disk, its callback never runs: the peer stopped
   * reading. One turn later the stream is destroyed, with `error` if given, as a timeout would.
   */
  hangAt?: number;
  error?: Error;
  /** false: the stream emits no 'close' when destroyed, as some older streams do. */
  emitClose?: boolean;
}

/**
 * A deliberately slow Writable: each chunk takes one turn of the event loop (setImmediate) to
 * "reach the disk". It records writableLength right after every write() call, which is how
 * much the caller has piled up in its buffer.
 */
function slowSink(options: SinkOptions = {}) {
  const received: Buffer[] = [];
  const lengths: number[] = [];
  const sink = new Writable({
    highWaterMark: options.highWaterMark ?? 64,
    emitClose: options.emitClose ?? true,
    write(chunk: Buffer, _encoding, callback) {
      received.push(chunk);
      const n = received.length;
      if (n === options.hangAt) return void setImmediate(() => sink.destroy(options.error));
      setImmediate(() => {
        if (n === options.failAt) return callback(new Error('disk full'));
        callback();
        if (n === options.destroyAt) sink.destroy();
      });
    },
  });
  // The outcome is read from writeAll()'s promise; this keeps an 'error' event from crashing
  // the whole test file when a solution forgets to listen for it.
  sink.on('error', () => {});
  const write = sink.write;
  sink.write = function (this: Writable, ...args: unknown[]): boolean {
    const ok = Reflect.apply(write, this, args) as boolean;
    lengths.push(this.writableLength);
    return ok;
  } as Writable['write'];
  return {
    sink,
    received,
    text: () => Buffer.concat(received).toString(),
    peak: () => Math.max(0, ...lengths),
  };
}

/**
 * `count` rows of exactly 16 bytes each: "000000000000000\n", "000000000000001\n", ... or, with
 * a tag, "a00000000000000\n", "a00000000000001\n", ...
 */
function rows(count: number, tag = ''): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${tag}${String(i).padStart(15 - tag.length, '0')}\n`,
  );
}

async function* slowly<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

/**
 * How a promise settled within `ms` milliseconds, as one short string. A solution that hangs
 * fails here with a readable message instead of running into the test timeout.
 */
async function outcome(promise: Promise<unknown>, ms = 500): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`still pending after ${ms} ms`), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => 'resolved',
        (error: unknown) => `rejected: ${(error as Error)?.message ?? String(error)}`,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The listeners a writeAll() might add, counted per event: "drain 0, error 1, close 0, finish 0". */
function listeners(stream: Writable): string {
  return (['drain', 'error', 'close', 'finish'] as const)
    .map((event) => `${event} ${stream.listenerCount(event)}`)
    .join(', ');
}

describe('writeAll()', () => {
  it('writes every row, in order, strings and bytes alike', async () => {
    const { sink, text } = slowSink();
    await writeAll(sink, ['ab', Buffer.from('cd'), Uint8Array.of(0x65, 0x66), '\n']);
    await writeAll(sink, rows(100));
    // Ending the stream ourselves lets even an early resolve show only what this test is about.
    await new Promise((resolve) => sink.end(resolve));
    expect(text(), 'the rows must reach the writable in order, none lost or repeated').toBe(
      'abcdef\n' + rows(100).join(''),
    );
  });

  it('never buffers more than the highWaterMark plus one row', async () => {
    const { sink, peak, text } = slowSink({ highWaterMark: 64 });
    await writeAll(sink, rows(200));
    expect(
      peak(),
      `writableLength reached ${peak()} bytes with a highWaterMark of 64 and 16-byte rows: ` +
        'write() returned false and writeAll() kept writing anyway. That ignores backpressure; ' +
        "stop and wait for 'drain' before the next write",
    ).toBeLessThanOrEqual(64 + 16);
    expect(text(), 'every row must still arrive, in order').toBe(rows(200).join(''));
  });

  it('respects backpressure when the rows come from an async iterable', async () => {
    const { sink, peak, text } = slowSink({ highWaterMark: 64 });
    await writeAll(sink, slowly(rows(200)));
    expect(
      peak(),
      `writableLength reached ${peak()} bytes with a highWaterMark of 64: an async source ` +
        "does not slow you down by itself; check write()'s return value and wait for 'drain'",
    ).toBeLessThanOrEqual(64 + 16);
    expect(text(), 'every row must arrive, in order').toBe(rows(200).join(''));
  });

  it('resolves only once every row has been flushed', async () => {
    // The buffer never fills here, so write() always returns true: nothing to wait for but the
    // slow sink itself.
    const { sink, received } = slowSink({ highWaterMark: 1024 });
    await writeAll(sink, rows(20));
    expect(
      `${received.length} rows received, ${sink.writableLength} bytes still buffered`,
      'writeAll() resolved while rows were still sitting in the buffer: write() returning ' +
        'true means "accepted", not "written"; wait until the callback of the last write has run',
    ).toBe('20 rows received, 0 bytes still buffered');
  });

  it('does not end the writable, so the caller can keep writing to it', async () => {
    const { sink, text } = slowSink();
    await writeAll(sink, ['header\n']);
    expect(sink.writableEnded, 'writeAll() must not call end(): the caller owns the stream').toBe(
      false,
    );
    await writeAll(sink, slowly(['row 1\n', 'row 2\n']));
    await new Promise((resolve) => sink.end(resolve));
    expect(text(), 'a second writeAll() on the same stream appends to it').toBe(
      'header\nrow 1\nrow 2\n',
    );
  });

  it('resolves for an empty list of rows, sync or async, without writing anything', async () => {
    const { sink, received } = slowSink();
    expect(await outcome(writeAll(sink, [])), 'an empty array means nothing to do').toBe(
      'resolved',
    );
    expect(await outcome(writeAll(sink, slowly<Row>([]))), 'an empty async iterable too').toBe(
      'resolved',
    );
    expect(received.length, 'no chunk, not even an empty one, should be written').toBe(0);
    expect(sink.writableEnded, 'writeAll() must not end the writable').toBe(false);
  });

  it('rejects with the error, instead of hanging, when the writable fails mid-way', async () => {
    const { sink } = slowSink({ highWaterMark: 64, failAt: 6 });
    expect(
      await outcome(writeAll(sink, rows(100))),
      'writeAll() must reject with the writable\'s error. "still pending" means it waited for ' +
        "a 'drain' that never comes: a failed stream emits 'error' and 'close', never 'drain', " +
        'so listen for those as well while you wait',
    ).toBe('rejected: disk full');
  });

  it('rejects when the writable is destroyed mid-way without an error', async () => {
    const { sink } = slowSink({ highWaterMark: 64, destroyAt: 6 });
    expect(
      (await outcome(writeAll(sink, slowly(rows(100))))).replace(/:.*/, ''),
      "a writable destroyed mid-way (a socket the peer closed) emits 'close' and never 'drain': " +
        'writeAll() must reject instead of waiting forever',
    ).toBe('rejected');
  });

  it('rejects when the last row fails after write() accepted it', async () => {
    const { sink } = slowSink({ highWaterMark: 1024, failAt: 3 });
    expect(
      await outcome(writeAll(sink, rows(3))),
      'write() returned true for every row, but the third one failed on its way to the disk: ' +
        'only its callback (or the error event) tells, so wait for it before resolving',
    ).toBe('rejected: disk full');
  });

  it('rejects at once when the writable is already destroyed', async () => {
    const { sink } = slowSink();
    // Long gone: its 'close' was emitted before the call, so no listener of writeAll() hears it.
    await new Promise((resolve) => sink.destroy().once('close', resolve));
    const promise = writeAll(sink, rows(3));
    expect(
      (await outcome(promise)).replace(/:.*/, ''),
      "a destroyed writable accepts nothing and will never emit 'drain': writeAll() must reject",
    ).toBe('rejected');
    expect(
      await promise.catch((error: unknown) => error instanceof Error),
      'writeAll() must reject with an Error (the writable has none to give when it was ' +
        'destroyed without one), not with null or undefined',
    ).toBe(true);
  });

  it('rejects with the error a writable was destroyed with before the call', async () => {
    const { sink } = slowSink();
    await new Promise((resolve) =>
      sink.destroy(new Error('connection reset')).once('close', resolve),
    );
    expect(
      await outcome(writeAll(sink, rows(3))),
      'the writable already failed, and writable.errored says why: reject with that error, ' +
        'not with the "Cannot call write after a stream was destroyed" a write() would give',
    ).toBe('rejected: connection reset');
  });

  it('rejects when the writable is destroyed while a row never comes back', async () => {
    // Waiting for the last row to be flushed, then waiting for 'drain' with a full buffer.
    for (const [highWaterMark, count] of [
      [1024, 2],
      [64, 10],
    ]) {
      const { sink } = slowSink({ highWaterMark, hangAt: 2 });
      expect(
        `${count} rows: ${(await outcome(writeAll(sink, rows(count)))).replace(/:.*/, '')}`,
        "the second row's callback never runs, and then the writable is destroyed without an " +
          "error: only 'close' tells, so writeAll() must wake up on it and reject",
      ).toBe(`${count} rows: rejected`);
    }
  });

  it("rejects with the error when the writable emits 'error' but no 'close'", async () => {
    const { sink } = slowSink({
      highWaterMark: 64,
      hangAt: 2,
      error: new Error('connection reset'),
      emitClose: false,
    });
    expect(
      await outcome(writeAll(sink, rows(10))),
      'the writable was destroyed with an error while a row hung, and (emitClose: false) ' +
        "emits no 'close': only 'error' tells, so writeAll() must listen for it too",
    ).toBe('rejected: connection reset');
  });

  it('rejects when only the write callbacks tell that the rows were lost', async () => {
    const { sink, received } = slowSink({ highWaterMark: 64, destroyAt: 6, emitClose: false });
    expect(
      `${(await outcome(writeAll(sink, rows(100)))).replace(/:.*/, '')} after ${received.length} rows`,
      'the writable was destroyed without an error and (emitClose: false) emits neither ' +
        "'error' nor 'close'; the rows still buffered are lost, and their write callbacks get " +
        'an error saying so: writeAll() must check the error its callbacks receive',
    ).toMatch(/^rejected after/);
  });

  it('shares the writable with another writeAll() running at the same time', async () => {
    // A log file with several writers: when the other call's row is the last one in the
    // buffer, only 'drain' says there is room again, none of this call's callbacks does.
    const { sink, peak, text } = slowSink({ highWaterMark: 64 });
    const settled = await Promise.all([
      outcome(writeAll(sink, rows(50, 'a'))),
      outcome(writeAll(sink, slowly(rows(50, 'b')))),
    ]);
    expect(
      settled.join(', '),
      'both calls must finish. One still pending was woken only by its own write callbacks: ' +
        "wait for 'drain', which the stream emits whoever's row emptied the buffer",
    ).toBe('resolved, resolved');
    const lines = text().split(/(?<=\n)/);
    expect(
      lines.filter((line) => line.startsWith('a')),
      "each call's rows arrive in order",
    ).toEqual(rows(50, 'a'));
    expect(lines.filter((line) => line.startsWith('b'))).toEqual(rows(50, 'b'));
    expect(
      peak(),
      'each of the two writers may overshoot the highWaterMark by one row, no more',
    ).toBeLessThanOrEqual(64 + 2 * 16);
  });

  it('removes every listener it added once it settles, resolved or rejected', async () => {
    const destroyed = slowSink();
    destroyed.sink.destroy();
    const calls: Array<[string, ReturnType<typeof slowSink>, Iterable<Row> | AsyncIterable<Row>]> =
      [
        ['after writing every row', slowSink({ highWaterMark: 64 }), rows(50)],
        ['after writing every async row', slowSink({ highWaterMark: 64 }), slowly(rows(50))],
        ['after a failed write', slowSink({ highWaterMark: 64, failAt: 6 }), rows(100)],
        ['after a destroy mid-way', slowSink({ destroyAt: 6 }), slowly(rows(100))],
        ['on a stream destroyed before the call', destroyed, rows(3)],
      ];
    for (const [when, { sink }, source] of calls) {
      const before = listeners(sink);
      const settled = await outcome(writeAll(sink, source));
      // A call that never settles is reported by the tests above; its listeners may stay.
      if (settled.startsWith('still pending')) continue;
      expect(
        `${when}: ${listeners(sink)}`,
        "listeners writeAll() added ('drain', 'error', 'close'...) are still on the stream " +
          'after it settled. A stream outlives many calls: each would leave its handlers behind, ' +
          'piling up (MaxListenersExceededWarning) and keeping every old call alive. Remove them ' +
          'with off() in a finally block, whether the call resolves or rejects',
      ).toBe(`${when}: ${before}`);
    }
  });
});
