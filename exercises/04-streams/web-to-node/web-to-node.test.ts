import { StringDecoder } from 'node:string_decoder';
import { PassThrough, Transform } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'vitest';
import { transformWeb } from './web-to-node.ts';

const encoder = new TextEncoder();

/** A Node transform that prefixes every line with its number, however the lines are cut. */
function numberLines(): Transform {
  const decoder = new StringDecoder('utf8');
  let tail = '';
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const pieces = (tail + decoder.write(chunk)).split('\n');
      tail = pieces.pop() ?? '';
      for (const line of pieces) this.push(`${++n}: ${line}\n`);
      callback();
    },
    flush(callback) {
      const last = tail + decoder.end();
      callback(null, last === '' ? undefined : `${++n}: ${last}\n`);
    },
  });
}

function upperCase(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, chunk.toString('latin1').toUpperCase());
    },
  });
}

interface SourceOptions {
  /** Enqueue these chunks, one per pull. */
  chunks: Uint8Array[];
  /** After the chunks: 'close' the stream, 'error' it, or 'stall' (stay open, send nothing). */
  then: 'close' | 'error' | 'stall';
}

/** A web ReadableStream fed by pull(), which records how much was pulled and any cancel(). */
function webSource({ chunks, then }: SourceOptions) {
  const state = { pulled: 0, bytes: 0, cancelled: null as string | null };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = chunks[state.pulled];
        if (chunk) {
          state.pulled++;
          state.bytes += chunk.length;
          controller.enqueue(chunk);
        } else if (then === 'close') controller.close();
        else if (then === 'error') controller.error(new Error('source broke'));
        else return new Promise<void>(() => {}); // stays open: the input never finishes
      },
      cancel(reason: unknown) {
        state.cancelled = String(reason);
      },
    },
    { highWaterMark: 0 }, // pull only when someone reads
  );
  return { stream, state };
}

/**
 * Reads the whole stream and describes how it ended in one line: its text, or its error.
 * A stream that neither ends nor fails within `ms` is reported as such, not as a test timeout.
 */
async function readAll(stream: ReadableStream<Uint8Array>, ms = 500): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`still open after ${ms} ms, got ${JSON.stringify(text)}`), ms);
  });
  const read = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return `ended: ${text}`;
        if (!(value instanceof Uint8Array)) return `a chunk that is not a Uint8Array: ${value}`;
        text += decoder.decode(value, { stream: true });
      }
    } catch (error) {
      return `failed: ${(error as Error).message}`;
    }
  })();
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}

/** Resolves with the first chunk's text, or with a note that none arrived in `ms`. */
async function firstChunk(reader: ReadableStreamDefaultReader<Uint8Array>, ms = 500) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`nothing after ${ms} ms`), ms);
  });
  const read = reader.read().then(({ value }) => new TextDecoder().decode(value));
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function settle(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await nextTurn();
}

// The tests run together: several wait up to 500 ms for output that a wrong solution never
// sends, and a learner should not wait for those one after another. Each has its own streams,
// and `expect` comes from each test's context so a failure is reported against its own test.
describe.concurrent('transformWeb()', () => {
  it('passes every byte through the Node transform, however the input is cut', async ({
    expect,
  }) => {
    const bytes = encoder.encode('café 🚀\nsecond line\nno newline at the end');
    // One byte per chunk: every line and every multi-byte character is split.
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    const { stream } = webSource({ chunks, then: 'close' });
    expect(
      await readAll(transformWeb(stream, numberLines())),
      'every byte must reach the transform unchanged and in order, and everything it pushes ' +
        '(flush included) must come out as Uint8Array chunks',
    ).toBe('ended: 1: café 🚀\n2: second line\n3: no newline at the end\n');
  });

  it('delivers output while the input is still open', async ({ expect }) => {
    const { stream } = webSource({ chunks: [encoder.encode('first\n')], then: 'stall' });
    const reader = transformWeb(stream, numberLines()).getReader();
    expect(
      await firstChunk(reader),
      'the first line was sent but nothing came out: the input is still open, and output must ' +
        'flow as input arrives. Reading the whole web stream into memory first waits forever here',
    ).toBe('1: first\n');
    await reader.cancel();
  });

  it('does not pull the web source far ahead of a slow consumer', async ({ expect }) => {
    const chunk = new Uint8Array(16 * 1024).fill(0x61);
    // 8 MiB on offer (the same 16 KiB view, so it costs no memory), but nobody reads much of it.
    const { stream, state } = webSource({ chunks: Array(512).fill(chunk), then: 'stall' });
    const reader = transformWeb(stream, new PassThrough()).getReader();
    expect(
      await firstChunk(reader),
      'the first chunk must come out while the input is still open',
    ).toMatch(/^a+$/);
    await settle(50);
    expect(
      state.bytes,
      `${state.bytes} bytes were pulled from the web source for a consumer that read one chunk: ` +
        "backpressure must cross the bridge. Stop reading when the transform's write() returns " +
        'false (Readable.fromWeb() and pipeline() do that for you)',
    ).toBeLessThan(1024 * 1024);
    await reader.cancel();
  });

  it('passes an error from the web source on to the consumer', async ({ expect }) => {
    const { stream } = webSource({
      chunks: [encoder.encode('one\n'), encoder.encode('two\n')],
      then: 'error',
    });
    expect(
      await readAll(transformWeb(stream, numberLines())),
      'the source failed, so the output must fail with the same error: ending it normally ' +
        'turns a broken download into a truncated file that looks complete',
    ).toBe('failed: source broke');
  });

  it('passes an error from the Node transform on, and cancels the web source', async ({
    expect,
  }) => {
    const { stream, state } = webSource({
      chunks: Array.from({ length: 100 }, (_, i) => encoder.encode(`chunk ${i}\n`)),
      then: 'stall',
    });
    let seen = 0;
    const failing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        callback(++seen === 3 ? new Error('transform broke') : null, chunk);
      },
    });
    expect(
      (await readAll(transformWeb(stream, failing))).replace(/^ended: [^]*/, 'ended normally'),
      'the transform failed, so the output must fail with its error',
    ).toBe('failed: transform broke');
    await settle();
    expect(
      String(state.cancelled),
      'after the transform failed, the web source must be cancelled so it can release its ' +
        'connection or file: pipeline() does that when any stage fails',
    ).toContain('transform broke');
  });

  it('destroys the transform and cancels the source when the consumer cancels', async ({
    expect,
  }) => {
    const { stream, state } = webSource({
      chunks: Array.from({ length: 100 }, (_, i) => encoder.encode(`line ${i}\n`)),
      then: 'stall',
    });
    const transform = numberLines();
    const reader = transformWeb(stream, transform).getReader();
    expect(
      await firstChunk(reader),
      'the first line must come out while the input is still open',
    ).toBe('1: line 0\n');
    await reader.cancel('client went away');
    await settle();
    expect(
      `transform ${transform.destroyed ? 'destroyed' : 'alive'}, ` +
        `source ${state.cancelled === null ? 'open' : 'cancelled'}`,
      'a consumer that cancels (a client that hung up) must release everything: the transform ' +
        'is destroyed and the web source is cancelled',
    ).toBe('transform destroyed, source cancelled');
  });

  it('works with a fetch Response body and with Blob.stream()', async ({ expect }) => {
    const body = new Response('one\ntwo\nthree').body;
    expect(body, 'a Response built from a string has a body').not.toBeNull();
    expect(await readAll(transformWeb(body!, numberLines())), 'a Response body').toBe(
      'ended: 1: one\n2: two\n3: three\n',
    );
    const blob = new Blob(['mixed ', encoder.encode('case'), ' blob']);
    expect(await readAll(transformWeb(blob.stream(), upperCase())), 'Blob.stream()').toBe(
      'ended: MIXED CASE BLOB',
    );
  });
});
