import { Transform } from 'node:stream';

export interface LinesOptions {
  /**
   * Longest line accepted, in characters as `String#length` counts them (UTF-16 code units, so
   * "é" is 1 and "🚀" is 2), not in the bytes that encoded them. Default: no limit.
   */
  maxLineLength?: number;
}

/**
 * Turns a byte stream into a stream of lines: bytes or strings go in, one string per line comes
 * out, without its "\n" or "\r\n" terminator. A character cut off by the end of the input comes
 * out as U+FFFD, one character like any other.
 *
 * This version works in a demo where every chunk happens to be a whole number of lines. Real
 * files and sockets cut their chunks anywhere (often every 64 KiB), and then it breaks.
 */
export function lines(options: LinesOptions = {}): Transform {
  // TODO: options.maxLineLength is ignored. A line longer than the limit must make the stream
  // fail with an Error whose `code` is 'ERR_LINE_TOO_LONG', including a line that is still
  // arriving and has no "\n" yet.
  void options;

  return new Transform({
    readableObjectMode: true,

    transform(chunk: Buffer, _encoding, callback) {
      // TODO: toString() decodes this chunk on its own. When a multi-byte character (é, 🚀)
      // straddles two chunks, each half is invalid UTF-8 and turns into "\uFFFD".
      const text = chunk.toString('utf8');

      // TODO: this treats the end of every chunk as the end of a line. The last piece of a chunk
      // is usually the start of a line that continues in the next chunk, and after a trailing
      // "\n" it is an empty string that must not be emitted. "\r\n" endings are not handled.
      for (const piece of text.split('\n')) {
        this.push(piece);
      }
      callback();
    },

    // TODO: once the input ends, whatever is still waiting for a "\n" is the last line.
    // A Transform gets a flush(callback) call at that moment.
  });
}
