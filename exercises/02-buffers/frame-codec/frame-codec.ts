/** A frame on the wire: [type u8][payload length u32BE][payload]. */
export interface Frame {
  type: number;
  payload: Buffer;
}

export interface FrameDecoderOptions {
  /** Largest payload accepted, in bytes. Default: 16 MiB. */
  maxPayload?: number;
}

/** Encodes one frame. Throws a RangeError if `type` does not fit in an unsigned byte. */
export function encodeFrame(type: number, payload: Uint8Array): Buffer {
  // TODO: the 5-byte header (the type, then the payload length) is missing.
  void type;
  return Buffer.from(payload);
}

/**
 * Turns a byte stream cut into arbitrary chunks back into frames. Each push() returns the frames
 * that the chunk completed, possibly none; bytes of an unfinished frame are kept for the next one.
 *
 * - A header announcing more than maxPayload bytes makes push() throw a RangeError with code
 *   'ERR_FRAME_TOO_LARGE' as soon as the header is complete.
 * - Payloads are copies: they share no memory with the chunks or with the decoder.
 * - A caller may refill a chunk's memory as soon as push() returns (one read buffer reused for
 *   every read), so the bytes kept for an unfinished frame must be copies as well.
 * - end() throws an Error with code 'ERR_INCOMPLETE_FRAME' if the input stopped inside a frame.
 *
 * This version passes every test where the sender writes one chunk per batch of frames.
 */
export class FrameDecoder {
  readonly #maxPayload: number;

  constructor(options: FrameDecoderOptions = {}) {
    this.#maxPayload = options.maxPayload ?? 16 * 1024 * 1024;
  }

  push(chunk: Uint8Array): Frame[] {
    // TODO: the limit is never checked, so a peer decides how much memory this takes.
    void this.#maxPayload;

    // TODO: this assumes every chunk starts at a frame boundary and ends at one. TCP and file
    // streams cut their chunks wherever they like.
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const frames: Frame[] = [];
    let offset = 0;
    while (offset < buf.length) {
      const type = buf.readUInt8(offset);
      const length = buf.readUInt32BE(offset + 1);
      // TODO: a view of the caller's chunk.
      frames.push({ type, payload: buf.subarray(offset + 5, offset + 5 + length) });
      offset += 5 + length;
    }
    return frames;
  }

  end(): void {
    // TODO: a frame that was cut short by the end of the input disappears without a word.
  }
}
