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
  // A bad argument is the caller's bug: say so at the call, not later as a stream 'error'.
  // Safe integers only, because above 2 ** 53 `next + 1` can round back to `next` forever.
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!Number.isSafeInteger(value)) {
      const message = `range(): "${name}" must be a safe integer, got ${value}`;
      throw Object.assign(new RangeError(message), { code: 'ERR_OUT_OF_RANGE' });
    }
  }
  let next = from;

  return new Readable({
    // Each number is one item; in byte mode push(3) would throw (only strings and bytes allowed).
    objectMode: true,
    highWaterMark: options.highWaterMark ?? 16,

    // Node calls read() when its buffer is below highWaterMark and someone wants data.
    read() {
      while (next <= to) {
        // false means the buffer is full: stop here; Node calls read() again once it drains.
        if (!this.push(next++)) return;
      }
      // Reached only once: after push(null) the stream has ended and Node stops calling read().
      this.push(null);
    },
  });
}
