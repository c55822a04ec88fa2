import { Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

export interface LinesOptions {
  /**
   * Longest line accepted, in characters as `String#length` counts them (UTF-16 code units, so
   * "é" is 1 and "🚀" is 2), not in the bytes that encoded them. Default: no limit.
   */
  maxLineLength?: number;
}

/**
 * Turns a byte stream into a stream of lines: bytes or strings go in, one string per line comes
 * out, without its "\n" or "\r\n" terminator. Where the chunks happen to be cut does not matter.
 * A character cut off by the end of the input comes out as U+FFFD.
 */
export function lines(options: LinesOptions = {}): Transform {
  const maxLineLength = options.maxLineLength ?? Infinity;
  // A chunk may end halfway through a multi-byte character. The decoder keeps those bytes until
  // the rest of the character arrives, where toString() would turn them into U+FFFD.
  const decoder = new StringDecoder('utf8');
  // The start of a line whose "\n" has not arrived yet. It never contains a "\n".
  let tail = '';

  return new Transform({
    // Bytes in, strings out: with a byte-mode readable side the lines would be glued back together.
    readableObjectMode: true,

    transform(chunk: Buffer, _encoding, callback) {
      const pieces = decoder.write(chunk).split('\n');
      // The last piece has no "\n" after it (yet), so it is not a line. Only the new text is
      // split, never the tail again, so a line fed one byte at a time still costs linear time.
      const rest = pieces.pop() ?? '';
      for (const piece of pieces) {
        const line = stripCR(tail + piece);
        tail = '';
        if (line.length > maxLineLength) return callback(lineTooLong(maxLineLength));
        this.push(line);
      }
      tail += rest;
      // Without this check, a peer that never sends "\n" makes the tail grow until memory runs
      // out. stripCR: a "\r" at the end may be the first half of a "\r\n" split across chunks.
      if (stripCR(tail).length > maxLineLength) return callback(lineTooLong(maxLineLength));
      callback();
    },

    flush(callback) {
      // decoder.end() turns the bytes of a character cut off by the end of the input into
      // U+FFFD: one more character, which the last check of the tail did not count.
      const last = stripCR(tail + decoder.end());
      // The end of the input also ends a line, but only if something came after the last "\n":
      // "a\nb\n" is two lines, not three.
      if (last === '') return callback();
      if (last.length > maxLineLength) return callback(lineTooLong(maxLineLength));
      callback(null, last);
    },
  });
}

function stripCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function lineTooLong(maxLineLength: number): Error {
  // A `code` lets callers tell this apart from I/O errors without matching on the message.
  return Object.assign(new Error(`a line is longer than maxLineLength (${maxLineLength})`), {
    code: 'ERR_LINE_TOO_LONG',
  });
}
