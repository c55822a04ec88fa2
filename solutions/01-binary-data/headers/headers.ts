export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
}

export interface WavHeader {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Reads the IHDR chunk of a PNG file. PNG stores every number big-endian, which is also what
 * DataView reads when it is not told otherwise.
 */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  const view = viewOf(bytes);
  need(view, 8);
  // All 8 bytes matter: "\r\n" and "\n" in the signature catch files mangled by text-mode
  // transfers, which a check of just "PNG" would let through.
  if (PNG_SIGNATURE.some((byte, i) => view.getUint8(i) !== byte)) {
    throw headerError('ERR_BAD_SIGNATURE', 'not a PNG file: the 8-byte signature is wrong');
  }
  // Signature (8), chunk length (4), chunk type (4), width (4), height (4), bit depth, colour type.
  need(view, 26);
  const firstChunk = ascii(view, 12, 4);
  if (firstChunk !== 'IHDR') {
    throw headerError('ERR_BAD_SIGNATURE', `not a PNG file: first chunk is "${firstChunk}"`);
  }
  return {
    width: view.getUint32(16),
    height: view.getUint32(20),
    bitDepth: view.getUint8(24),
    colorType: view.getUint8(25),
  };
}

/**
 * Reads the "fmt " chunk of a WAV file. RIFF is a little-endian format, so every multi-byte
 * read passes `true` as DataView's littleEndian argument.
 */
export function readWavHeader(bytes: Uint8Array): WavHeader {
  const view = viewOf(bytes);
  need(view, 12);
  if (ascii(view, 0, 4) !== 'RIFF' || ascii(view, 8, 4) !== 'WAVE') {
    throw headerError('ERR_BAD_SIGNATURE', 'not a WAV file: expected "RIFF" and "WAVE"');
  }
  // After the 12-byte RIFF header comes a list of chunks: a 4-byte id, a 4-byte size, then the
  // data. Writers may put LIST, JUNK or bext chunks before "fmt ", so walk the list.
  let offset = 12;
  for (;;) {
    need(view, offset + 8);
    const id = ascii(view, offset, 4);
    const size = view.getUint32(offset + 4, true);
    if (id === 'fmt ') {
      need(view, offset + 8 + 16);
      return {
        channels: view.getUint16(offset + 10, true),
        sampleRate: view.getUint32(offset + 12, true),
        bitsPerSample: view.getUint16(offset + 22, true),
      };
    }
    // Chunk data is padded to an even length; the pad byte is not counted in `size`.
    offset += 8 + size + (size % 2);
  }
}

/**
 * A DataView over exactly the bytes of this Uint8Array. A Uint8Array is often a window into a
 * larger ArrayBuffer (a Buffer from Node's shared pool, a subarray), so `bytes.buffer` alone
 * would start at the wrong byte and run past the end of the input.
 */
function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function need(view: DataView, length: number): void {
  if (view.byteLength < length) {
    throw headerError('ERR_TRUNCATED', `need ${length} bytes, got ${view.byteLength}`);
  }
}

function ascii(view: DataView, offset: number, length: number): string {
  let text = '';
  for (let i = offset; i < offset + length; i++) text += String.fromCharCode(view.getUint8(i));
  return text;
}

function headerError(code: 'ERR_TRUNCATED' | 'ERR_BAD_SIGNATURE', message: string): Error {
  // A `code` lets callers tell "read more bytes" from "wrong kind of file" without parsing text.
  return Object.assign(new Error(message), { code });
}
