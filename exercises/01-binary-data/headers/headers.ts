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

/**
 * Reads the IHDR chunk of a PNG file: 8 signature bytes (89 50 4E 47 0D 0A 1A 0A), then a chunk
 * with a 4-byte length, the type "IHDR", width (4 bytes), height (4 bytes), bit depth (1 byte)
 * and colour type (1 byte). Every number is big-endian.
 *
 * Throws an Error with `code` 'ERR_TRUNCATED' when the input is too short, and
 * 'ERR_BAD_SIGNATURE' when the signature is wrong or the first chunk is not IHDR.
 */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  // TODO: this view starts at byte 0 of the whole ArrayBuffer and runs to its end, which is only
  // right when `bytes` covers its buffer exactly.
  const view = new DataView(bytes.buffer);

  // TODO: check the length, the signature and the chunk type before trusting these offsets.
  return {
    width: view.getUint32(16),
    height: view.getUint32(20),
    bitDepth: view.getUint8(24),
    colorType: view.getUint8(25),
  };
}

/**
 * Reads the "fmt " chunk of a WAV file: "RIFF", a 4-byte size, "WAVE", then chunks made of a
 * 4-byte id, a 4-byte size and the data (plus one pad byte when the size is odd). The data of a
 * chunk can be any bytes, "fmt " among them, so only the sizes say where the next chunk starts.
 * Inside "fmt ": audio format (2 bytes), channels (2), sample rate (4), byte rate (4), block
 * align (2), bits per sample (2). Every number is little-endian.
 *
 * Throws an Error with `code` 'ERR_TRUNCATED' when the input ends before the whole "fmt " chunk,
 * and 'ERR_BAD_SIGNATURE' when it does not start with "RIFF" and "WAVE".
 */
export function readWavHeader(bytes: Uint8Array): WavHeader {
  // TODO: same view problem as in readPngHeader().
  const view = new DataView(bytes.buffer);

  // TODO: no checks at all, and this assumes "fmt " is always the first chunk (at byte 12).
  const fmt = 12;
  return {
    channels: view.getUint16(fmt + 10, true),
    sampleRate: view.getUint32(fmt + 12, true),
    bitsPerSample: view.getUint16(fmt + 22, true),
  };
}
