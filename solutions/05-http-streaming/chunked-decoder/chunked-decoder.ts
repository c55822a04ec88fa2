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
  | 'ERR_CHUNKED_INVALID_SIZE'
  | 'ERR_CHUNKED_MISSING_CRLF'
  | 'ERR_CHUNKED_INVALID_TRAILER'
  | 'ERR_CHUNKED_LINE_TOO_LONG'
  | 'ERR_CHUNKED_DATA_AFTER_END'
  | 'ERR_CHUNKED_TRUNCATED';

type State = 'size' | 'data' | 'data-crlf' | 'trailer' | 'done';

const CR = 0x0d;
const LF = 0x0a;

/**
 * Decodes an HTTP/1.1 chunked body: framed bytes go in, the payload comes out. Once the body is
 * complete (before 'end'), `trailers` holds the trailer fields, names in lower case.
 */
export class ChunkedDecoder extends Transform {
  trailers: Record<string, string> = {};

  #state: State = 'size';
  /** The start of a size or trailer line whose LF has not arrived yet. */
  #line: Buffer[] = [];
  #lineBytes = 0;
  /** Payload bytes of the current chunk still to come. */
  #remaining = 0;
  /** How many bytes of the CRLF that ends the current chunk's data have been checked. */
  #crlfSeen = 0;
  #pendingTrailers: Record<string, string> = {};

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    // Without this check a connection that drops mid-body looks like a short, complete body.
    if (this.#state !== 'done') {
      return callback(chunkedError('ERR_CHUNKED_TRUNCATED', 'input ended before the last chunk'));
    }
    callback();
  }

  /** A state machine over bytes: where the input was cut never matters. */
  #consume(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.#state === 'data') {
        // Payload is passed on as it arrives, never searched: CRLF inside it is just data.
        // subarray() does not copy; the writer hands each Buffer over and does not reuse it.
        const n = Math.min(this.#remaining, chunk.length - at);
        this.push(chunk.subarray(at, at + n));
        at += n;
        this.#remaining -= n;
        if (this.#remaining === 0) this.#state = 'data-crlf';
      } else if (this.#state === 'data-crlf') {
        // Checked byte by byte, because the CR and the LF may arrive in different chunks.
        if (chunk[at] !== (this.#crlfSeen === 0 ? CR : LF)) {
          throw chunkedError('ERR_CHUNKED_MISSING_CRLF', 'chunk data is not followed by CRLF');
        }
        at++;
        if (++this.#crlfSeen === 2) {
          this.#crlfSeen = 0;
          this.#state = 'size';
        }
      } else if (this.#state === 'done') {
        throw chunkedError('ERR_CHUNKED_DATA_AFTER_END', 'bytes after the last chunk');
      } else {
        const newline = chunk.indexOf(LF, at);
        const end = newline === -1 ? chunk.length : newline + 1;
        // A peer that never sends LF must not make the buffered line grow without limit.
        this.#lineBytes += end - at;
        if (this.#lineBytes > MAX_LINE_BYTES) {
          throw chunkedError('ERR_CHUNKED_LINE_TOO_LONG', `a line is over ${MAX_LINE_BYTES} bytes`);
        }
        this.#line.push(chunk.subarray(at, end));
        at = end;
        if (newline !== -1) this.#endLine();
      }
    }
  }

  #endLine(): void {
    const bytes = Buffer.concat(this.#line);
    this.#line = [];
    this.#lineBytes = 0;
    // Only CRLF ends a line: a parser that also took a bare LF would disagree with a strict one
    // about where the body ends. For a line of just "\n", at(-2) is undefined, not CR.
    if (bytes.at(-2) !== CR) {
      throw chunkedError('ERR_CHUNKED_MISSING_CRLF', 'a line does not end with CRLF');
    }
    // latin1 maps each byte to one character, so nothing is lost before validation.
    const line = bytes.toString('latin1', 0, bytes.length - 2);
    if (this.#state === 'size') this.#sizeLine(line);
    else this.#trailerLine(line);
  }

  #sizeLine(line: string): void {
    // Extensions (";name=value") carry nothing for us; whitespace may precede the ";".
    const hex = (line.split(';', 1)[0] ?? '').replace(/[ \t]+$/, '');
    // 13 hex digits stay below Number.MAX_SAFE_INTEGER; parseInt alone would accept "1g" as 1.
    if (!/^[0-9a-f]{1,13}$/i.test(hex)) {
      throw chunkedError('ERR_CHUNKED_INVALID_SIZE', `invalid chunk size ${JSON.stringify(line)}`);
    }
    this.#remaining = Number.parseInt(hex, 16);
    this.#state = this.#remaining === 0 ? 'trailer' : 'data';
  }

  #trailerLine(line: string): void {
    if (line === '') {
      // The empty line ends the body: the trailers are complete before 'end' is emitted.
      this.trailers = this.#pendingTrailers;
      this.#state = 'done';
      return;
    }
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    if (colon === -1 || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) {
      throw chunkedError('ERR_CHUNKED_INVALID_TRAILER', `invalid trailer ${JSON.stringify(line)}`);
    }
    const value = line.slice(colon + 1).trim();
    const previous = this.#pendingTrailers[name];
    // A repeated field is the same as one field with the values joined by commas.
    this.#pendingTrailers[name] = previous === undefined ? value : `${previous}, ${value}`;
  }
}

function chunkedError(code: ChunkedErrorCode, message: string): Error {
  return Object.assign(new Error(message), { code });
}
