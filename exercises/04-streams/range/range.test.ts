import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { range } from './range.ts';

/** Integers from `from` to `to`, both included: what range(from, to) must emit. */
function inclusive(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/**
 * Reads a stream to its end in flowing mode and describes, in one line, what it emitted:
 * "3 values, end, close" for a stream that ends cleanly.
 */
function tally(stream: Readable): Promise<{ values: unknown[]; events: string }> {
  return new Promise((resolve) => {
    const values: unknown[] = [];
    const events: string[] = [];
    stream.on('data', (value: unknown) => values.push(value));
    stream.on('end', () => events.push('end'));
    stream.on('error', (error: Error & { code?: string }) => {
      events.push(`error ${error.code ?? error.message}`);
    });
    stream.on('close', () => {
      events.push('close');
      resolve({ values, events: [`${values.length} values`, ...events].join(', ') });
    });
  });
}

/** What calling `fn` threw, as "RangeError ERR_OUT_OF_RANGE", or 'no error'. */
function thrown(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (error) {
    const { name, code } = error as Error & { code?: unknown };
    return `${name} ${String(code)}`;
  }
}

describe('range()', () => {
  it('emits every integer from `from` to `to`, both included', async () => {
    expect(
      await range(1, 5).toArray(),
      'range(1, 5) must emit 1, 2, 3, 4 and 5: the range is inclusive, so `to` itself must be ' +
        'emitted too (check for an off-by-one: `<=`, not `<`)',
    ).toEqual([1, 2, 3, 4, 5]);
    expect(
      await range(-2, 2).toArray(),
      'negative numbers and 0 are values like any other: 0 must not end the stream (only ' +
        'push(null) does)',
    ).toEqual([-2, -1, 0, 1, 2]);
  });

  it('emits a single number when `from` equals `to`', async () => {
    expect(await range(7, 7).toArray(), 'range(7, 7) is the one number 7').toEqual([7]);
  });

  it('emits nothing and just ends when `from` is greater than `to`', async () => {
    expect(
      (await tally(range(5, 4))).events,
      'range(5, 4) is empty: it must end without emitting any value (push(null) on the first ' +
        'read, before pushing anything)',
    ).toBe('0 values, end, close');
  });

  it('ends exactly once, without an error', async () => {
    expect(
      (await tally(range(1, 3))).events,
      'range(1, 3) must emit its three values, then "end" once, then "close", and nothing ' +
        'else. An ERR_STREAM_PUSH_AFTER_EOF error means push() was called again after ' +
        'push(null): return right after ending the stream',
    ).toBe('3 values, end, close');
  });

  it('does not buffer more than highWaterMark numbers when nobody reads them', async () => {
    const stream = range(1, 1000, { highWaterMark: 4 });
    let buffered = stream.readableLength;
    stream.read(0); // asks for data once, as a consumer would, without taking any
    for (let i = 0; i < 5; i++) {
      await nextTurn();
      buffered = Math.max(buffered, stream.readableLength);
    }
    expect(
      buffered,
      `range(1, 1000, { highWaterMark: 4 }) buffered ${buffered} numbers that nobody had read ` +
        'yet: it ignores demand. Stop pushing as soon as push() returns false (and pass ' +
        'highWaterMark on to the Readable); Node calls read() again when it wants more',
    ).toBeLessThanOrEqual(4);
    expect(
      await stream.toArray(),
      'after honouring demand, the stream must still deliver the whole range',
    ).toEqual(inclusive(1, 1000));
  });

  it('keeps at most highWaterMark numbers buffered while a slow writable drains it', async () => {
    const source = range(1, 200, { highWaterMark: 4 });
    const received: number[] = [];
    let buffered = 0;
    const slow = new Writable({
      objectMode: true,
      highWaterMark: 1,
      write(value: number, _encoding, callback) {
        received.push(value);
        buffered = Math.max(buffered, source.readableLength);
        // The callback fires a turn later: a consumer that is slower than the producer.
        setImmediate(callback);
      },
    });
    await pipeline(source, slow);
    expect(received, 'every number from 1 to 200 must reach the writable, in order').toEqual(
      inclusive(1, 200),
    );
    expect(
      buffered,
      `with a slow consumer, ${buffered} numbers piled up in range()'s buffer (highWaterMark ` +
        '4): it keeps pushing after push() returned false',
    ).toBeLessThanOrEqual(4);
  });

  it('works with for await, including stopping early', async () => {
    const seen: number[] = [];
    for await (const value of range(10, 14)) seen.push(value as number);
    expect(seen, 'for await over range(10, 14) must see 10 to 14').toEqual(inclusive(10, 14));

    const stream = range(1, 1000, { highWaterMark: 4 });
    const firstThree: number[] = [];
    for await (const value of stream) {
      firstThree.push(value as number);
      if (firstThree.length === 3) break;
    }
    expect(firstThree, 'breaking out of for await after three values').toEqual([1, 2, 3]);
    expect(
      stream.destroyed,
      'leaving a for await loop early destroys the stream; range() must not get in the way',
    ).toBe(true);
  });

  it('throws a RangeError (ERR_OUT_OF_RANGE) when a bound is not an integer', () => {
    for (const [from, to] of [
      [1.5, 3],
      [1, 2.5],
      [Number.NaN, 3],
      [Number.POSITIVE_INFINITY, 3],
      // Past 2 ** 53 a number can no longer count up by one: 2 ** 53 + 1 === 2 ** 53.
      [2 ** 53, 1],
    ] as const) {
      expect(
        thrown(() => range(from, to)),
        `range(${from}, ${to}) must throw a RangeError with code ERR_OUT_OF_RANGE right away: ` +
          'both bounds must be safe integers (Number.isSafeInteger)',
      ).toBe('RangeError ERR_OUT_OF_RANGE');
    }
  });
});
