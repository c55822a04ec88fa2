import { Transform, type TransformCallback } from 'node:stream';

/** Longest size line or trailer line accepted, in bytes, CRLF included. */
export const MAX_LINE_BYTES = 4096;

/**
 * The `code` of every error the decoder fails with. The framing is RFC 9112 section 7.1, read
 * strictly: a size is hex digits only, though spaces or tabs may come before the ";" of an
 * extension; every size and trailer line ends with CRLF, not a bare LF; a trailer is
 * "name: value", its name a token (letters, digits and !#$%&'*+-.^_`|~) with no space before
 * the colon.
 */
export type ChunkedErrorCode =
  | 'ERR_CHUNKED_INVALID_SIZE' // a size line that is not 1 to 13 hex digits (+ extensions)
  | 'ERR_CHUNKED_MISSING_CRLF' // chunk data, a size line or a trailer line not ended by CRLF
  | 'ERR_CHUNKED_INVALID_TRAILER' // a trailer line that is not "name: value"
  | 'ERR_CHUNKED_LINE_TOO_LONG' // a size or trailer line longer than MAX_LINE_BYTES
  | 'ERR_CHUNKED_DATA_AFTER_END' // any byte after the final CRLF
  | 'ERR_CHUNKED_TRUNCATED'; // the input ended before the final CRLF

/**
 * Decodes an HTTP/1.1 chunked body: framed bytes go in, the payload comes out. Once the body is
 * complete (before 'end'), `trailers` holds the trailer fields, names in lower case.
 *
 * This version works when the whole body arrives in one chunk, as it does in a quick demo.
 */
export class ChunkedDecoder extends Transform {
  trailers: Record<string, string> = {};

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    // TODO: each chunk is split on its own. A frame whose size line, data or CRLF continues in
    // the next chunk is cut in pieces, and a "\r\n" inside the data is taken for framing.
    const parts = chunk.toString('latin1').split('\r\n');
    for (let i = 0; i + 1 < parts.length; i += 2) {
      // TODO: chunk extensions (";name=value" after the size) are not removed.
      const size = Number.parseInt(parts[i] ?? '', 16);
      // TODO: a size that is not hex (NaN), data longer than its size, bytes after the last
      // chunk: none of them is reported. Fail with an Error whose `code` is a ChunkedErrorCode.
      if (size === 0) break; // TODO: trailer fields after the zero-size chunk are dropped.
      this.push(Buffer.from(parts[i + 1] ?? '', 'latin1'));
    }
    callback();
  }

  // TODO: an input that ends before the zero-size chunk and its final CRLF is a truncated body,
  // not a short one. A Transform gets a _flush(callback) call when the input ends.
}
