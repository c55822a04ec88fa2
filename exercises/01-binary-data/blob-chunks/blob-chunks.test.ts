import { describe, it, expect } from 'vitest';
import { chunkBlob, readBlobInChunks } from './blob-chunks.ts';

/** Bytes backed by a plain ArrayBuffer, the kind the Blob constructor accepts. */
type Bytes = Uint8Array<ArrayBuffer>;

const encode = (text: string): Bytes => new TextEncoder().encode(text);

/** Every byte value from 0x00 to 0xff, `times` times over: anything but valid UTF-8. */
function binary(times: number): Bytes {
  return Uint8Array.from({ length: 256 * times }, (_, i) => (i * 7) % 256);
}

/** The first position where two byte sequences differ, in one line ('none' if they are equal). */
function firstDifference(actual: Uint8Array, expected: Uint8Array): string {
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    if (actual[i] !== expected[i]) {
      return (
        `byte ${i} is ${actual[i] ?? 'missing'} instead of ${expected[i] ?? 'nothing'} ` +
        `(${actual.length} bytes, ${expected.length} expected)`
      );
    }
  }
  return 'none';
}

function concat(chunks: Uint8Array[]): Bytes {
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/**
 * A real Blob holding `chunks`, whose stream() hands out exactly those chunks, one per read, and
 * logs each read. It also records calls to the methods that read the whole blob at once.
 */
function scriptedBlob(chunks: Bytes[], log: string[] = []) {
  const blob = new Blob(chunks);
  const wholeReads: string[] = [];
  const state = { cancelled: false };
  let next = 0;
  const stream = () =>
    new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          log.push(`read ${next}`);
          const chunk = chunks[next++];
          if (chunk) controller.enqueue(chunk);
          else controller.close();
        },
        cancel() {
          state.cancelled = true;
        },
      },
      // Nothing is read ahead: a chunk is pulled only when the consumer asks for one.
      { highWaterMark: 0 },
    );
  // Looked up on each call, not up front: bytes() only exists from Node 22.3 on.
  const watch = (name: 'text' | 'arrayBuffer' | 'bytes') => () => {
    wholeReads.push(`${name}()`);
    const method = Blob.prototype[name] as (this: Blob) => Promise<unknown>;
    return method.call(blob);
  };
  Object.defineProperties(blob, {
    stream: { value: stream },
    text: { value: watch('text') },
    arrayBuffer: { value: watch('arrayBuffer') },
    bytes: { value: watch('bytes') },
  });
  return { blob, log, wholeReads, state };
}

/** Runs readBlobInChunks and records every call as [bytes, offset], copying the bytes. */
async function collect(blob: Blob) {
  const calls: Array<[number[], number]> = [];
  const total = await readBlobInChunks(blob, (chunk, offset) => {
    calls.push([Array.from(chunk), offset]);
  });
  return { calls, total };
}

describe('chunkBlob()', () => {
  it('cuts a blob into chunks of `size` bytes, with a shorter last chunk', () => {
    const chunks = chunkBlob(new Blob([encode('0123456789')]), 4);
    expect(
      chunks.map((c) => c.size),
      '10 bytes in chunks of 4 are 4 + 4 + 2: every chunk is `size` bytes except the last',
    ).toEqual([4, 4, 2]);
    expect(
      chunks.every((c) => c instanceof Blob),
      'chunks are Blobs (slices of the original)',
    ).toBe(true);
  });

  it('adds no empty chunk when the size divides the blob exactly, or exceeds it', () => {
    const blob = new Blob([encode('abcdefghijkl')]);
    expect(
      chunkBlob(blob, 4).map((c) => c.size),
      '12 bytes in chunks of 4 are exactly 3 chunks, with no empty one at the end',
    ).toEqual([4, 4, 4]);
    expect(
      chunkBlob(blob, 100).map((c) => c.size),
      'a size bigger than the blob gives one chunk holding everything',
    ).toEqual([12]);
  });

  it('returns no chunks for an empty blob', () => {
    expect(chunkBlob(new Blob([]), 4), 'an empty blob has no chunks: return []').toEqual([]);
  });

  it('keeps the MIME type on every chunk', () => {
    const blob = new Blob([binary(1)], { type: 'image/png' });
    expect(
      chunkBlob(blob, 100).map((c) => c.type),
      'blob.slice(start, end) gives the new Blob the type "": pass blob.type as the third ' +
        'argument of slice() so every chunk is still an image/png',
    ).toEqual(['image/png', 'image/png', 'image/png']);
  });

  it('keeps the type of a File (its name and lastModified may be dropped)', () => {
    const file = new File([encode('id,name\n1,Zoë\n2,Ana\n')], 'people.csv', {
      type: 'text/csv',
      lastModified: 1_700_000_000_000,
    });
    const chunks = chunkBlob(file, 8);
    expect(
      chunks.map((c) => c.type),
      "a File's slices are plain Blobs, but they must still carry the File's type, text/csv",
    ).toEqual(['text/csv', 'text/csv', 'text/csv']);
    expect(
      chunks.map((c) => c.size),
      'a File is chunked by bytes like any Blob',
    ).toEqual([8, 8, 5]);
  });

  it('gives chunks that concatenate back to exactly the original bytes', async () => {
    const bytes = binary(4);
    const chunks = chunkBlob(new Blob([bytes]), 7);
    const joined = new Uint8Array(await new Blob(chunks).arrayBuffer());
    expect(
      firstDifference(joined, bytes),
      'the chunks, in order, must hold every byte of the blob exactly once',
    ).toBe('none');
  });

  it('cuts multi-byte UTF-8 text by bytes, and the bytes still round-trip', async () => {
    const text = 'Zoë → 🚀 ';
    const bytes = encode(text.repeat(3));
    const chunks = chunkBlob(new Blob([bytes], { type: 'text/plain;charset=utf-8' }), 3);
    expect(
      chunks.every((c, i) => c.size === 3 || i === chunks.length - 1),
      'size counts bytes, not characters: every chunk but the last is exactly 3 bytes',
    ).toBe(true);
    expect(
      firstDifference(new Uint8Array(await new Blob(chunks).arrayBuffer()), bytes),
      'chunks cut through the middle of é, → and 🚀; joined again they must be the same bytes',
    ).toBe('none');
    expect(
      await new Blob(chunks).text(),
      'decoded only after joining, the chunks give back the original text',
    ).toBe(text.repeat(3));
  });

  it('throws a RangeError for a size that is not a positive integer', () => {
    const blob = new Blob([encode('abc')]);
    for (const size of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(
        () => chunkBlob(blob, size),
        `size ${size} must throw a RangeError instead of returning something`,
      ).toThrow(RangeError);
    }
  });
});

describe('readBlobInChunks()', () => {
  it('passes each chunk of blob.stream() with its byte offset, and returns the total', async () => {
    const { blob } = scriptedBlob([encode('abc'), encode('defgh'), encode('ij')]);
    const { calls, total } = await collect(blob);
    expect(
      calls.map(([bytes, offset]) => `${offset}:${String.fromCharCode(...bytes)}`),
      'onChunk gets every chunk the stream produces, in order, with the offset of its first ' +
        'byte: 0, then the sum of the sizes of the chunks before it',
    ).toEqual(['0:abc', '3:defgh', '8:ij']);
    expect(total, 'readBlobInChunks resolves with the number of bytes read').toBe(10);
  });

  it('reads through blob.stream(), not text(), arrayBuffer() or bytes()', async () => {
    const { blob, wholeReads } = scriptedBlob([encode('abc'), encode('def')]);
    await collect(blob);
    expect(
      wholeReads,
      'text(), arrayBuffer() and bytes() load the whole blob into memory at once; read it ' +
        'piece by piece with blob.stream()',
    ).toEqual([]);
  });

  it('waits for onChunk to finish before reading the next chunk', async () => {
    const log: string[] = [];
    const { blob } = scriptedBlob([encode('a'), encode('b'), encode('c')], log);
    await readBlobInChunks(blob, async (_chunk, offset) => {
      log.push(`start ${offset}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
      log.push(`end ${offset}`);
    });
    expect(
      log.join(', '),
      'await the promise onChunk returns before reading on: that is the backpressure that ' +
        'keeps a slow consumer from having every chunk read into memory at once',
    ).toBe('read 0, start 0, end 0, read 1, start 1, end 1, read 2, start 2, end 2, read 3');
  });

  it('delivers binary data that is not valid UTF-8 unchanged', async () => {
    const parts = [binary(2), binary(3), binary(1)];
    const original = concat(parts);
    const received: Uint8Array[] = [];
    const offsets: string[] = [];
    const total = await readBlobInChunks(new Blob(parts), (chunk, offset) => {
      const expected = received.reduce((sum, c) => sum + c.byteLength, 0);
      if (offset !== expected)
        offsets.push(`chunk ${received.length} at ${offset}, not ${expected}`);
      received.push(chunk.slice());
    });
    expect(
      firstDifference(concat(received), original),
      'the chunks must be the raw bytes: blob.text() decodes them as UTF-8 and turns every ' +
        'invalid sequence into U+FFFD',
    ).toBe('none');
    expect(offsets, 'offsets are cumulative byte counts').toEqual([]);
    expect(total, 'the total is the blob size in bytes').toBe(original.byteLength);
  });

  it('counts offsets in bytes when chunks cut through multi-byte characters', async () => {
    const bytes = encode('Zoë 🚀 €'); // Z o c3 ab 20 f0 9f 9a 80 20 e2 82 ac
    const { blob } = scriptedBlob([bytes.slice(0, 3), bytes.slice(3, 7), bytes.slice(7)]);
    const { calls, total } = await collect(blob);
    expect(
      calls.map(([, offset]) => offset),
      'offsets count bytes: the chunks are 3, 4 and 6 bytes long, however many characters ' +
        'they hold',
    ).toEqual([0, 3, 7]);
    expect(
      firstDifference(Uint8Array.from(calls.flatMap(([chunk]) => chunk)), bytes),
      'the halves of ë and 🚀 must arrive as the bytes they are, not as U+FFFD',
    ).toBe('none');
    expect(total, '"Zoë 🚀 €" is 13 bytes in UTF-8, not 8 UTF-16 code units').toBe(13);
  });

  it('resolves with 0 and never calls onChunk for an empty blob', async () => {
    const { calls, total } = await collect(new Blob([]));
    expect(calls, 'an empty blob has no chunks to pass on').toEqual([]);
    expect(total, 'an empty blob is 0 bytes').toBe(0);
  });

  it('rejects with the error of onChunk, stops reading and cancels the stream', async () => {
    const log: string[] = [];
    const { blob, state } = scriptedBlob([encode('a'), encode('b'), encode('c')], log);
    const failure = new Error('disk full');
    const outcome = await readBlobInChunks(blob, (_chunk, offset) => {
      if (offset !== 1) return Promise.resolve();
      const rejected = Promise.reject(failure);
      // Marked as handled here, so a solution that forgets to await it fails the assertions
      // below instead of crashing the test run with an unhandled rejection.
      rejected.catch(() => {});
      return rejected;
    }).then(
      (total) => `resolved with ${total}`,
      (error: unknown) => (error === failure ? 'rejected with the error of onChunk' : `${error}`),
    );
    expect(outcome, 'when onChunk rejects, readBlobInChunks must reject with that error').toBe(
      'rejected with the error of onChunk',
    );
    expect(log, 'after onChunk failed, no further chunk may be read').toEqual(['read 0', 'read 1']);
    expect(
      state.cancelled,
      'cancel the stream when giving up, so it can release what it reads from (a file, a ' +
        'socket): leaving a for await loop with an exception does it, a reader needs cancel()',
    ).toBe(true);
  });
});
