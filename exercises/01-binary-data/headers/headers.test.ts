import { describe, it, expect } from 'vitest';
import { readPngHeader, readWavHeader } from './headers.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function writeAscii(view: DataView, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
}

interface PngFields {
  width: number;
  height: number;
  bitDepth?: number;
  colorType?: number;
  firstChunk?: string;
}

/** The first 33 bytes of a PNG file: signature and IHDR chunk (its CRC left at zero). */
function png({ width, height, bitDepth = 8, colorType = 6, firstChunk = 'IHDR' }: PngFields) {
  const bytes = new Uint8Array(33);
  const view = new DataView(bytes.buffer);
  bytes.set(PNG_SIGNATURE, 0);
  view.setUint32(8, 13); // DataView writes big-endian unless told otherwise, as PNG wants
  writeAscii(view, 12, firstChunk);
  view.setUint32(16, width);
  view.setUint32(20, height);
  view.setUint8(24, bitDepth);
  view.setUint8(25, colorType);
  return bytes;
}

/** A RIFF chunk: 4-byte id, little-endian 4-byte size, the data, a pad byte if the size is odd. */
function chunk(id: string, data: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(8 + data.length + (data.length % 2));
  const view = new DataView(bytes.buffer);
  writeAscii(view, 0, id);
  view.setUint32(4, data.length, true);
  bytes.set(data, 8);
  return bytes;
}

function fmt(channels: number, sampleRate: number, bitsPerSample: number): Uint8Array {
  const data = new Uint8Array(16);
  const view = new DataView(data.buffer);
  const blockAlign = (channels * bitsPerSample) / 8;
  view.setUint16(0, 1, true); // PCM
  view.setUint16(2, channels, true);
  view.setUint32(4, sampleRate, true);
  view.setUint32(8, sampleRate * blockAlign, true);
  view.setUint16(12, blockAlign, true);
  view.setUint16(14, bitsPerSample, true);
  return chunk('fmt ', data);
}

/** The start of a WAV file: the RIFF header followed by these chunks. */
function wav(chunks: Uint8Array[], { riff = 'RIFF', form = 'WAVE' } = {}): Uint8Array {
  const length = chunks.reduce((sum, c) => sum + c.length, 12);
  const bytes = new Uint8Array(length);
  const view = new DataView(bytes.buffer);
  writeAscii(view, 0, riff);
  view.setUint32(4, length - 8, true);
  writeAscii(view, 8, form);
  let offset = 12;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return bytes;
}

/**
 * Copies `bytes` into a bigger ArrayBuffer at `offset`, with filler before and after, and returns
 * a Uint8Array view of just those bytes: what a Buffer from Node's pool or a subarray looks like.
 */
function atOffset(bytes: Uint8Array, offset: number): Uint8Array {
  const backing = new Uint8Array(offset + bytes.length + 64).fill(0xab);
  backing.set(bytes, offset);
  return backing.subarray(offset, offset + bytes.length);
}

/** How a call ended, as one short string: the thrown error's `code`, or what it returned. */
function outcome(read: () => unknown): string {
  try {
    return `no error (returned ${JSON.stringify(read())})`;
  } catch (error) {
    if (!(error instanceof Error)) return `a thrown non-Error: ${String(error)}`;
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' ? code : `an error without a code: ${String(error)}`;
  }
}

describe('readPngHeader()', () => {
  it('reads width, height, bit depth and colour type as big-endian numbers', () => {
    expect(
      readPngHeader(png({ width: 1920, height: 1080, bitDepth: 8, colorType: 6 })),
      'PNG stores its numbers big-endian: width is the 4 bytes at offset 16, height at 20, ' +
        'then one byte each for bit depth and colour type',
    ).toEqual({ width: 1920, height: 1080, bitDepth: 8, colorType: 6 });
    expect(
      readPngHeader(png({ width: 100_000, height: 70_000, bitDepth: 16, colorType: 2 })),
      'width and height are 32-bit unsigned integers (getUint32), not 16-bit ones',
    ).toEqual({ width: 100_000, height: 70_000, bitDepth: 16, colorType: 2 });
  });

  it('throws ERR_BAD_SIGNATURE for input that does not start with the 8-byte signature', () => {
    const jpeg = new Uint8Array(40);
    jpeg.set([0xff, 0xd8, 0xff, 0xe0]);
    expect(
      outcome(() => readPngHeader(jpeg)),
      'a JPEG is not a PNG',
    ).toBe('ERR_BAD_SIGNATURE');

    // A text-mode transfer turned the signature's "\r\n" into "\n": the classic damaged PNG.
    const mangled = png({ width: 1, height: 1 });
    mangled.copyWithin(4, 5);
    expect(
      outcome(() => readPngHeader(mangled)),
      'all 8 signature bytes must match, not just "PNG": a "\\r\\n" turned into "\\n" means ' +
        'the file was damaged in transfer',
    ).toBe('ERR_BAD_SIGNATURE');

    // A 7-bit channel cleared the high bit of the first byte, 0x89, which is there to catch
    // exactly that. Everything after it, the IHDR chunk included, is where it belongs.
    const sevenBit = png({ width: 1, height: 1 });
    sevenBit[0] = 0x09;
    expect(
      outcome(() => readPngHeader(sevenBit)),
      'compare every byte of the signature, the first one (0x89) too: this file has a perfect ' +
        'IHDR chunk, only its first byte is wrong',
    ).toBe('ERR_BAD_SIGNATURE');
  });

  it('throws ERR_BAD_SIGNATURE when the first chunk is not IHDR', () => {
    expect(
      outcome(() => readPngHeader(png({ width: 1, height: 1, firstChunk: 'IDAT' }))),
      'a valid PNG starts with the IHDR chunk; check its type (bytes 12 to 15) before reading',
    ).toBe('ERR_BAD_SIGNATURE');
  });

  it('throws ERR_TRUNCATED when the input is too short to hold the header', () => {
    const full = png({ width: 640, height: 480 });
    expect(
      outcome(() => readPngHeader(new Uint8Array(0))),
      'empty input',
    ).toBe('ERR_TRUNCATED');
    expect(
      outcome(() => readPngHeader(full.subarray(0, 8))),
      'a signature alone has no IHDR chunk: check the length before reading, instead of ' +
        'letting DataView throw a RangeError that has no code',
    ).toBe('ERR_TRUNCATED');
    expect(
      outcome(() => readPngHeader(full.subarray(0, 25))),
      'input that stops before the colour type byte (offset 25) is truncated',
    ).toBe('ERR_TRUNCATED');
  });

  it('reads a header that starts at a non-zero byteOffset of a larger ArrayBuffer', () => {
    const bytes = atOffset(png({ width: 800, height: 600 }), 13);
    expect(
      outcome(() => readPngHeader(bytes)),
      'this Uint8Array starts at byte 13 of its ArrayBuffer: new DataView(bytes.buffer) reads ' +
        'from byte 0 of the buffer; pass bytes.byteOffset and bytes.byteLength too',
    ).toBe(
      `no error (returned ${JSON.stringify({ width: 800, height: 600, bitDepth: 8, colorType: 6 })})`,
    );
  });

  it('reads only the bytes of the view, never the rest of the buffer behind it', () => {
    // Two PNG headers in one ArrayBuffer, like two small Buffers carved from Node's pool.
    const backing = new Uint8Array(80);
    backing.set(png({ width: 11, height: 22 }), 0);
    backing.set(png({ width: 333, height: 444 }), 40);
    expect(
      outcome(() => readPngHeader(backing.subarray(40, 73))),
      'the view starts at byte 40: reading from byte 0 of bytes.buffer returns the other header',
    ).toBe(
      `no error (returned ${JSON.stringify({ width: 333, height: 444, bitDepth: 8, colorType: 6 })})`,
    );
    expect(
      outcome(() => readPngHeader(backing.subarray(0, 20))),
      'the view holds only 20 bytes even though its buffer goes on: a DataView without ' +
        'bytes.byteLength reads past the end of the input instead of reporting ERR_TRUNCATED',
    ).toBe('ERR_TRUNCATED');
  });
});

describe('readWavHeader()', () => {
  it('reads channels, sample rate and bits per sample as little-endian numbers', () => {
    expect(
      readWavHeader(wav([fmt(2, 44_100, 16)])),
      'RIFF/WAV stores its numbers little-endian: pass true as the littleEndian argument, ' +
        'e.g. view.getUint32(offset, true)',
    ).toEqual({ channels: 2, sampleRate: 44_100, bitsPerSample: 16 });
    expect(readWavHeader(wav([fmt(1, 96_000, 24)]))).toEqual({
      channels: 1,
      sampleRate: 96_000,
      bitsPerSample: 24,
    });
  });

  it('finds the "fmt " chunk when other chunks come before it', () => {
    const list = chunk(
      'LIST',
      new TextEncoder().encode('INFOISFT\u000e\u0000\u0000\u0000Lavf61.7.100\u0000\u0000'),
    );
    expect(
      readWavHeader(wav([list, fmt(2, 48_000, 16)])),
      '"fmt " is not always at byte 12: walk the chunks (id, little-endian size, data) until ' +
        'you find it',
    ).toEqual({ channels: 2, sampleRate: 48_000, bitsPerSample: 16 });
  });

  it('walks the chunks by their sizes instead of searching for the bytes "fmt "', () => {
    // Chunk data is arbitrary bytes. Here a JUNK chunk still holds the "fmt " chunk of an older
    // version of the file, left behind when a tool rewrote the header in place.
    const junk = chunk('JUNK', fmt(1, 8_000, 8));
    expect(
      outcome(() => readWavHeader(wav([junk, fmt(2, 44_100, 16)]))),
      'the bytes "fmt " inside the data of another chunk are not a chunk: searching for them ' +
        '(indexOf) finds the stale copy in the JUNK chunk; read each id and size and skip ' +
        '8 + size (+ pad) bytes to reach the next chunk',
    ).toBe(
      `no error (returned ${JSON.stringify({ channels: 2, sampleRate: 44_100, bitsPerSample: 16 })})`,
    );
  });

  it('skips the pad byte after a chunk whose size is odd', () => {
    const junk = chunk('JUNK', Uint8Array.of(1, 2, 3));
    expect(
      readWavHeader(wav([junk, fmt(1, 22_050, 8)])),
      'a chunk of odd size is followed by one pad byte that its size does not count',
    ).toEqual({ channels: 1, sampleRate: 22_050, bitsPerSample: 8 });
  });

  it('throws ERR_BAD_SIGNATURE unless the file starts with "RIFF" and has form type "WAVE"', () => {
    expect(
      outcome(() => readWavHeader(wav([fmt(2, 44_100, 16)], { riff: 'RIFX' }))),
      'bytes 0 to 3 must be "RIFF"',
    ).toBe('ERR_BAD_SIGNATURE');
    expect(
      outcome(() => readWavHeader(wav([fmt(2, 44_100, 16)], { form: 'AVI ' }))),
      'an AVI file is RIFF too: bytes 8 to 11 must be "WAVE"',
    ).toBe('ERR_BAD_SIGNATURE');
  });

  it('throws ERR_TRUNCATED when the input ends before the "fmt " chunk is complete', () => {
    const whole = wav([chunk('LIST', new Uint8Array(30)), fmt(2, 44_100, 16)]);
    expect(
      outcome(() => readWavHeader(whole.subarray(0, 8))),
      'too short for "WAVE"',
    ).toBe('ERR_TRUNCATED');
    expect(
      outcome(() => readWavHeader(whole.subarray(0, 50))),
      'the input ends before any "fmt " chunk: report ERR_TRUNCATED (the caller can read more)',
    ).toBe('ERR_TRUNCATED');
    expect(
      outcome(() => readWavHeader(whole.subarray(0, 70))),
      'the "fmt " chunk starts but is cut off before bitsPerSample',
    ).toBe('ERR_TRUNCATED');
    expect(
      outcome(() => readWavHeader(whole.subarray(0, 73))),
      'the input ends after the first byte of bitsPerSample: it is 2 bytes wide, so the "fmt " ' +
        'chunk needs 8 + 16 bytes from its id, not 8 + 15',
    ).toBe('ERR_TRUNCATED');
  });

  it('reads a header at a non-zero byteOffset and stops at the end of the view', () => {
    const bytes = atOffset(wav([fmt(2, 44_100, 16)]), 7);
    expect(
      outcome(() => readWavHeader(bytes)),
      'this Uint8Array starts at byte 7 of its ArrayBuffer: new DataView(bytes.buffer) ignores ' +
        'that; use new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)',
    ).toBe(
      `no error (returned ${JSON.stringify({ channels: 2, sampleRate: 44_100, bitsPerSample: 16 })})`,
    );

    const whole = atOffset(wav([chunk('LIST', new Uint8Array(30)), fmt(2, 44_100, 16)]), 5);
    expect(
      outcome(() => readWavHeader(whole.subarray(0, 50))),
      'the view ends before "fmt " although its buffer goes on: never read past bytes.byteLength',
    ).toBe('ERR_TRUNCATED');
  });
});
