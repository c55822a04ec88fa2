/** A frame on the wire: [type u8][payload length u32BE][payload]. */
export interface Frame {
  type: number;
  payload: Buffer;
}

export interface FrameDecoderOptions {
  /** Largest payload accepted, in bytes. Default: 16 MiB. */
  maxPayload?: number;
}

const HEADER_SIZE = 5;
const DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

/** Encodes one frame. Throws a RangeError if `type` does not fit in an unsigned byte. */
export function encodeFrame(type: number, payload: Uint8Array): Buffer {
  const frame = Buffer.alloc(HEADER_SIZE + payload.length);
  // writeUInt8 range-checks; frame[0] = type would silently store 256 as 0 and -1 as 255.
  let offset = frame.writeUInt8(type, 0);
  offset = frame.writeUInt32BE(payload.length, offset);
  frame.set(payload, offset);
  return frame;
}

/**
 * Turns a byte stream cut into arbitrary chunks back into frames. Each push() returns the frames
 * that the chunk completed, possibly none; bytes of an unfinished frame are kept for the next one.
 */
export class FrameDecoder {
  readonly #maxPayload: number;
  // The header is collected here first, because even it may arrive one byte at a time.
  readonly #header = Buffer.alloc(HEADER_SIZE);
  #headerFilled = 0;
  // Once the header is complete, the payload is copied straight into a buffer of its exact size:
  // every byte is copied once however the input is cut, and the frame never shares memory with
  // a chunk.
  #type = 0;
  #payload: Buffer | null = null;
  #payloadFilled = 0;

  constructor(options: FrameDecoderOptions = {}) {
    this.#maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
  }

  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    let pos = 0;
    // No `pos < chunk.length` condition: a zero-length payload completes as soon as its header
    // does, even when the header was the last thing in the chunk.
    for (;;) {
      if (this.#payload === null) {
        const n = Math.min(HEADER_SIZE - this.#headerFilled, chunk.length - pos);
        this.#header.set(chunk.subarray(pos, pos + n), this.#headerFilled);
        this.#headerFilled += n;
        pos += n;
        // Reading the length earlier would read bytes that have not arrived.
        if (this.#headerFilled < HEADER_SIZE) break;
        this.#payload = this.#startPayload();
      }
      const payload = this.#payload;
      const n = Math.min(payload.length - this.#payloadFilled, chunk.length - pos);
      payload.set(chunk.subarray(pos, pos + n), this.#payloadFilled);
      this.#payloadFilled += n;
      pos += n;
      if (this.#payloadFilled < payload.length) break;
      frames.push({ type: this.#type, payload });
      this.#payload = null;
      this.#headerFilled = 0;
    }
    return frames;
  }

  /** Call when the input has ended: throws if it stopped in the middle of a frame. */
  end(): void {
    if (this.#headerFilled > 0) {
      const what = this.#payload === null ? 'header' : 'payload';
      throw Object.assign(new Error(`the input ended in the middle of a frame ${what}`), {
        code: 'ERR_INCOMPLETE_FRAME',
      });
    }
  }

  #startPayload(): Buffer {
    this.#type = this.#header.readUInt8(0);
    const length = this.#header.readUInt32BE(1);
    // The length comes from the peer: check it before allocating anything it asks for.
    if (length > this.#maxPayload) {
      throw Object.assign(
        new RangeError(`frame payload of ${length} bytes exceeds maxPayload (${this.#maxPayload})`),
        { code: 'ERR_FRAME_TOO_LARGE' },
      );
    }
    this.#payloadFilled = 0;
    // Its own memory, not a pooled slice or a view of a chunk: the caller may keep it for as long
    // as it likes without pinning anything else.
    return Buffer.alloc(length);
  }
}
