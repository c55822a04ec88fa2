import { Readable } from 'node:stream';

export interface RangeOptions {
  /** How many numbers the stream may hold before anyone reads them. Object mode default: 16. */
  highWaterMark?: number;
}

/**
 * An object-mode Readable that emits the integers `from`, `from + 1`, ..., `to` (both included)
 * and then ends. It emits nothing and just ends when `from > to`. Numbers are produced only when
 * the consumer asks for them, never more than `highWaterMark` ahead of it. Throws a RangeError
 * with code 'ERR_OUT_OF_RANGE' right away if a bound is not a safe integer.
 */
export function range(from: number, to: number, options: RangeOptions = {}): Readable {
  // TODO: 1.5, NaN or Infinity as a bound must throw a RangeError with code 'ERR_OUT_OF_RANGE'.
  let next = from;

  return new Readable({
    objectMode: true,
    highWaterMark: options.highWaterMark ?? 16,

    read() {
      // TODO: the first call pushes the whole range at once. push() returns false when the
      // buffer holds highWaterMark numbers, and this loop does not care: a range of a million
      // numbers sits in memory before the consumer has taken the first one.
      while (next <= to) this.push(next++);
      this.push(null);
    },
  });
}
