import { inspect } from 'node:util';
import { describe, it, expect } from 'vitest';
import { encodeFrame, FrameDecoder } from './frame-codec.ts';

type Options = ConstructorParameters<typeof FrameDecoder>[0];

/** The bytes of one frame, built independently of encodeFrame(). */
function frame(type: number, payload: string | Uint8Array): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  const header = Buffer.alloc(5);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(body.length, 1);
  return Buffer.concat([header, body]);
}

/** Just a header announcing `length` payload bytes. */
function header(type: number, length: number): Buffer {
  const bytes = Buffer.alloc(5);
  bytes.writeUInt8(type, 0);
  bytes.writeUInt32BE(length, 1);
  return bytes;
}

/** Cuts `bytes` into chunks at the given offsets. */
function cut(bytes: Buffer, ...at: number[]): Buffer[] {
  const bounds = [0, ...at, bytes.length];
  return bounds.slice(1).map((end, i) => bytes.subarray(bounds[i], end));
}

/** One line per thrown error: "<name> <code>: <message>". */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.name} ${typeof code === 'string' ? code : '(no code)'}: ${error.message}`;
}

/**
 * Pushes the chunks into a new decoder, then calls end(). Returns one line per frame
 * ('1 "hello"'), followed by a line saying which call threw, if one did.
 */
function run(chunks: Uint8Array[], options?: Options): string[] {
  const decoder = new FrameDecoder(options);
  const out: string[] = [];
  try {
    for (const chunk of chunks) {
      for (const f of decoder.push(chunk)) {
        out.push(`${f.type} ${JSON.stringify(f.payload.toString('latin1'))}`);
      }
    }
  } catch (error) {
    return [...out, `push() threw ${describeError(error)}`];
  }
  try {
    decoder.end();
  } catch (error) {
    return [...out, `end() threw ${describeError(error)}`];
  }
  return out;
}

/** What a call did, in one line: "threw <name> <code>" or "returned ...". */
function outcome(call: () => unknown): string {
  try {
    const value = call();
    return `returned ${Array.isArray(value) ? `${value.length} frames` : inspect(value)}`;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return `threw ${error instanceof Error ? error.name : typeof error} ${String(code)}`;
  }
}

const FIVE = [frame(1, 'alpha'), frame(2, ''), frame(3, 'gamma ray'), frame(4, 'd'), frame(5, 'e')];
const FIVE_DECODED = ['1 "alpha"', '2 ""', '3 "gamma ray"', '4 "d"', '5 "e"'];

describe('encodeFrame() and FrameDecoder', () => {
  it('encodeFrame() writes the type, the payload length as a u32BE, then the payload', () => {
    expect(
      encodeFrame(7, Buffer.from('hi')).toString('hex'),
      'a frame is [type u8][length u32BE][payload]: 07, then 00 00 00 02, then "hi"',
    ).toBe('07000000026869');
    expect(
      encodeFrame(9, Buffer.alloc(300)).subarray(0, 5).toString('hex'),
      'the length is big-endian: 300 is 00 00 01 2c (writeUInt32BE), not 2c 01 00 00',
    ).toBe('090000012c');
    expect(
      encodeFrame(1, new Uint8Array(0)).toString('hex'),
      'an empty payload is a 5-byte frame with length 0',
    ).toBe('0100000000');
    expect(
      encodeFrame(255, Uint8Array.of(1, 2, 3)).toString('hex'),
      'a plain Uint8Array payload works like a Buffer, and 255 is a valid type',
    ).toBe('ff00000003010203');
  });

  it('encodeFrame() rejects a type that does not fit in one byte', () => {
    for (const type of [256, -1]) {
      expect(
        outcome(() => encodeFrame(type, Buffer.from('x'))),
        `type ${type} does not fit in a u8: frame[0] = ${type} silently wraps it; ` +
          'writeUInt8 throws a RangeError',
      ).toMatch(/^threw RangeError/);
    }
  });

  it('decodes five frames that arrive in one chunk', () => {
    expect(
      run([Buffer.concat(FIVE)]),
      'one chunk can hold several frames: keep decoding until the chunk is used up',
    ).toEqual(FIVE_DECODED);
  });

  it('decodes types 128 to 255 as unsigned bytes', () => {
    expect(
      run([Buffer.concat([frame(127, 'a'), frame(128, 'b'), frame(255, 'c')])]),
      'types 128 and 255 came back wrong: the type is an unsigned byte, read it with ' +
        'readUInt8 (readInt8 turns 255 into -1)',
    ).toEqual(['127 "a"', '128 "b"', '255 "c"']);
  });

  it('decodes a frame whose bytes are spread over three chunks', () => {
    expect(
      run(cut(frame(6, 'hello, world'), 5, 11)),
      'header, first half of the payload, second half: a chunk boundary is not a frame ' +
        'boundary, so keep the bytes of an unfinished frame until the rest arrives',
    ).toEqual(['6 "hello, world"']);
  });

  it('decodes a frame whose header is split in the middle of the length field', () => {
    for (const at of [2, 3, 4]) {
      expect(
        run(cut(Buffer.concat([frame(1, 'split'), frame(2, 'next')]), at)),
        `the first chunk ends after ${at} of the 5 header bytes: do not read the u32 length ` +
          'until all 5 header bytes (1 type + 4 length) have arrived',
      ).toEqual(['1 "split"', '2 "next"']);
    }
  });

  it('decodes frames that end and start anywhere inside chunks', () => {
    const bytes = Buffer.concat(FIVE);
    expect(
      run(cut(bytes, 3, 8, 9, 19, 27, 33)),
      'chunks that hold the end of one frame and the start of the next must decode the same ' +
        'as one big chunk',
    ).toEqual(FIVE_DECODED);
  });

  it('keeps the bytes of an unfinished frame when the caller reuses its read buffer', () => {
    const bytes = Buffer.concat(FIVE);
    const chunks = cut(bytes, 3, 8, 9, 19, 27, 33);
    // Like fs.read() or a socket reading into one preallocated buffer: every push() gets the same
    // memory, refilled with the next bytes of the stream.
    const readBuffer = Buffer.alloc(64);
    const decoder = new FrameDecoder();
    const out: string[] = [];
    try {
      for (const chunk of chunks) {
        const length = chunk.copy(readBuffer);
        for (const f of decoder.push(readBuffer.subarray(0, length))) {
          out.push(`${f.type} ${JSON.stringify(f.payload.toString('latin1'))}`);
        }
      }
      decoder.end();
    } catch (error) {
      out.push(`threw ${describeError(error)}`);
    }
    expect(
      out,
      'the caller refills the same read buffer before each push(): the bytes of an unfinished ' +
        'frame were kept as a view (subarray) of the chunk, so the next read overwrote them; ' +
        'copy whatever you keep between push() calls',
    ).toEqual(FIVE_DECODED);
  });

  it('decodes the same frames when fed one byte at a time', () => {
    const payloads = Array.from({ length: 60 }, (_, i) => 'x'.repeat((i * 7) % 23));
    const bytes = Buffer.concat(payloads.map((p, i) => frame(i % 256, p)));
    const expected = payloads.map((p, i) => `${i % 256} ${JSON.stringify(p)}`);
    const actual = run(Array.from(bytes, (byte) => Uint8Array.of(byte)));
    const firstWrong = actual.findIndex((line, i) => line !== expected[i]);
    expect(
      firstWrong === -1 && actual.length === expected.length
        ? 'all frames decoded'
        : `frame ${firstWrong === -1 ? actual.length : firstWrong} is ` +
            `${JSON.stringify(actual[firstWrong] ?? 'missing')}, expected ` +
            `${JSON.stringify(expected[firstWrong === -1 ? actual.length : firstWrong])}`,
      'fed one byte per push(), the decoder must wait for 5 header bytes, then for the whole ' +
        'payload, and produce exactly the same frames',
    ).toBe('all frames decoded');
  });

  it('returns a zero-length frame as soon as its header has arrived', () => {
    const decoder = new FrameDecoder();
    expect(
      decoder.push(frame(4, '')).map((f) => [f.type, f.payload.length]),
      'a frame with length 0 is complete once its 5 header bytes are in: return it from the ' +
        'same push(), without waiting for more bytes',
    ).toEqual([[4, 0]]);
    expect(
      run([Buffer.concat([frame(1, ''), frame(2, ''), frame(3, 'x'), frame(4, '')])]),
      'zero-length frames next to each other and at the end of a chunk',
    ).toEqual(['1 ""', '2 ""', '3 "x"', '4 ""']);
    const payload = new FrameDecoder().push(frame(8, ''))[0]?.payload;
    expect(Buffer.isBuffer(payload), 'an empty payload is still a (zero-length) Buffer').toBe(true);
  });

  it('returns payloads that are copies, not views of the pushed chunk', () => {
    const chunk = Buffer.concat([frame(1, 'first'), frame(2, 'second')]);
    const frames = new FrameDecoder().push(chunk);
    chunk.fill(0x3f); // the caller reuses its read buffer
    expect(
      frames.map((f) => f.payload.toString()),
      'payloads changed when the caller overwrote the chunk it had pushed: they are views ' +
        '(subarray) of it; copy each payload',
    ).toEqual(['first', 'second']);
  });

  it('returns payloads that do not keep a large chunk alive', () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 0x62);
    const frames = new FrameDecoder().push(Buffer.concat([frame(1, 'tiny'), frame(2, big)]));
    const tiny = frames[0]?.payload;
    expect(tiny?.toString(), 'the first frame').toBe('tiny');
    expect(
      tiny?.buffer.byteLength,
      'a 4-byte payload holds on to a 2 MiB ArrayBuffer: it is a view (subarray) of the ' +
        "chunk or of the decoder's buffer, which keeps all of that memory alive for as long as " +
        'the payload lives; copy it',
    ).toBeLessThan(1024 * 1024);
  });

  it('throws ERR_FRAME_TOO_LARGE as soon as a header announces more than maxPayload', () => {
    expect(
      outcome(() => new FrameDecoder({ maxPayload: 1024 }).push(header(1, 1025))),
      'a header announcing 1025 bytes with maxPayload 1024 must make push() throw a ' +
        "RangeError with code 'ERR_FRAME_TOO_LARGE' right away, before the payload arrives",
    ).toBe('threw RangeError ERR_FRAME_TOO_LARGE');
    expect(
      run([frame(1, 'abc')], { maxPayload: 3 }),
      'a payload of exactly maxPayload bytes is allowed',
    ).toEqual(['1 "abc"']);
  });

  it('limits payloads to 16 MiB by default', () => {
    for (const length of [0xffffffff, 0x80000000, 16 * 1024 * 1024 + 1]) {
      expect(
        outcome(() => new FrameDecoder().push(header(1, length))),
        `a header announcing ${length} bytes must be refused by default (maxPayload defaults ` +
          'to 16 MiB): a length read from the network is untrusted input',
      ).toBe('threw RangeError ERR_FRAME_TOO_LARGE');
    }
    expect(
      outcome(() => new FrameDecoder().push(header(1, 16 * 1024 * 1024))),
      'exactly 16 MiB is allowed by default',
    ).toBe('returned 0 frames');
  });

  it('end() throws ERR_INCOMPLETE_FRAME when the input stops inside a frame', () => {
    const whole = frame(3, 'complete');
    for (const [what, at] of [
      ['inside the header', 3],
      ['after the header', 5],
      ['inside the payload', 9],
    ] as const) {
      expect(
        run([frame(1, 'ok'), whole.subarray(0, at)]).at(-1),
        `input that stops ${what} left a partial frame: end() must throw an Error with code ` +
          "'ERR_INCOMPLETE_FRAME' instead of dropping it silently",
      ).toMatch(/^end\(\) threw \w*Error ERR_INCOMPLETE_FRAME/);
    }
  });

  it('end() does not throw when the input stops between frames', () => {
    expect(
      run(cut(Buffer.concat(FIVE), 4, 12)),
      'after whole frames nothing is pending, so end() must return normally',
    ).toEqual(FIVE_DECODED);
    expect(run([]), 'no input at all is not an error either').toEqual([]);
  });
});
