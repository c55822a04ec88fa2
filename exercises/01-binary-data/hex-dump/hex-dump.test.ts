import { describe, it, expect } from 'vitest';
import { hexDump, utf8ByteLength } from './hex-dump.ts';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** Where the ASCII column starts in a 16-byte-wide dump: offset, ": ", 47 hex chars, 2 spaces. */
const ASCII_COLUMN = 8 + 2 + (16 * 3 - 1) + 2;

/** The rows of a dump, without the "\n" that ends each of them. */
function rows(dump: string): string[] {
  return dump.split('\n').slice(0, -1);
}

/** A small seeded generator (mulberry32), so a failing string can be reproduced. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** `str` with every non-ASCII code unit written as \uXXXX, so a failure message is readable. */
function escape(str: string): string {
  return Array.from({ length: str.length }, (_, i) => {
    const unit = str.charCodeAt(i);
    return unit >= 0x20 && unit < 0x7f ? str[i] : `\\u${unit.toString(16).padStart(4, '0')}`;
  }).join('');
}

/**
 * Runs `fn` while recording which of the built-in encoders it touches. The real ones stay in
 * place, so a solution that uses them still returns the right number; only the use is reported.
 */
function recordEncoderUse<T>(fn: () => T): { result: T; used: string[] } {
  const names = ['TextEncoder', 'Buffer', 'Blob'];
  const used = new Set<string>();
  const saved = names.map((name) => ({
    name,
    descriptor: Object.getOwnPropertyDescriptor(globalThis, name),
    value: (globalThis as Record<string, unknown>)[name],
  }));
  for (const { name, value } of saved) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        used.add(name);
        return value;
      },
    });
  }
  try {
    return { result: fn(), used: [...used] };
  } finally {
    for (const { name, descriptor } of saved) {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor);
    }
  }
}

describe('hexDump()', () => {
  it('returns an empty string for empty input', () => {
    expect(hexDump(new Uint8Array(0)), 'no bytes means no rows: return ""').toBe('');
  });

  it('prints a full row as offset, hex pairs and ASCII, ending with "\\n"', () => {
    const bytes = new Uint8Array([...ascii('Hello, world!\n'), 0x00, 0xff]);
    expect(
      hexDump(bytes),
      'a row is the offset in 8 hex digits, ": ", each byte as two lowercase hex digits ' +
        'separated by spaces, two spaces, the ASCII column, and "\\n"',
    ).toBe('00000000: 48 65 6c 6c 6f 2c 20 77 6f 72 6c 64 21 0a 00 ff  Hello, world!...\n');
  });

  it('pads the hex column of a short last row so the ASCII column lines up', () => {
    const bytes = new Uint8Array([...ascii('Hello, world!\n'), 0x00, 0xff, ...ascii('abcdefgh')]);
    expect(
      hexDump(bytes),
      'the last row has only 8 bytes: pad its hex column with spaces to the width of a full ' +
        'row, so its ASCII column starts under the one above (the output of xxd -g1)',
    ).toBe(
      '00000000: 48 65 6c 6c 6f 2c 20 77 6f 72 6c 64 21 0a 00 ff  Hello, world!...\n' +
        '00000010: 61 62 63 64 65 66 67 68                          abcdefgh\n',
    );
  });

  it('starts the ASCII column at the same place on every row, whatever the length', () => {
    const text = 'abcdefghijklmnopqrstuvwxyz0123456789';
    for (let n = 1; n <= text.length; n++) {
      const dumped = rows(hexDump(ascii(text.slice(0, n))));
      const misplaced = dumped.findIndex(
        (row, i) =>
          row.slice(ASCII_COLUMN - 2, ASCII_COLUMN) !== '  ' ||
          row.slice(ASCII_COLUMN) !== text.slice(i * 16, Math.min(n, (i + 1) * 16)),
      );
      expect(
        misplaced === -1 ? 'aligned' : `row ${misplaced} of a ${n}-byte dump: ${dumped[misplaced]}`,
        `the ASCII column must start at column ${ASCII_COLUMN} on every row, also on a last ` +
          'row with fewer than 16 bytes: pad its hex column, not its ASCII column',
      ).toBe('aligned');
    }
  });

  it('shows only the printable bytes 0x20 to 0x7e as characters, every other byte as "."', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const shown = rows(hexDump(all))
      .map((row) => row.slice(ASCII_COLUMN))
      .join('');
    const expected = Array.from(all, (b) =>
      b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.',
    ).join('');
    const wrong = Array.from(all).find((b) => shown[b] !== expected[b]);
    expect(
      wrong === undefined
        ? 'all 256 bytes shown correctly'
        : `byte 0x${wrong.toString(16).padStart(2, '0')} is shown as ` +
            `${JSON.stringify(shown[wrong])} instead of ${JSON.stringify(expected[wrong])}`,
      'control bytes (below 0x20), DEL (0x7f) and every byte from 0x80 up must be shown as "."',
    ).toBe('all 256 bytes shown correctly');
  });

  it('numbers each row with the offset of its first byte, in 8 lowercase hex digits', () => {
    const offsets = (dump: string) => rows(dump).map((row) => row.slice(0, 9));
    expect(
      offsets(hexDump(new Uint8Array(40))),
      'the offset counts bytes, in hex: the second row of a 16-wide dump starts at 0x10',
    ).toEqual(['00000000:', '00000010:', '00000020:']);
    expect(
      offsets(hexDump(new Uint8Array(25), { width: 10 })),
      'offsets are lowercase hex, padded with zeros to 8 digits',
    ).toEqual(['00000000:', '0000000a:', '00000014:']);
  });

  it('honours the width option', () => {
    expect(
      hexDump(ascii('Hello\n'), { width: 4 }),
      'width is the number of bytes per row (xxd -g1 -c 4), and the hex column of the last ' +
        'row is padded to 4 pairs',
    ).toBe('00000000: 48 65 6c 6c  Hell\n00000004: 6f 0a        o.\n');
    expect(
      hexDump(ascii('abcdefghijklmnopqrstuvwxyz'), { width: 20 }),
      'with width 20, a row holds 20 bytes and the hex column is 20 pairs wide',
    ).toBe(
      '00000000: 61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70 71 72 73 74  abcdefghijklmnopqrst\n' +
        '00000014: 75 76 77 78 79 7a                                            uvwxyz\n',
    );
    expect(
      hexDump(ascii('ab'), { width: 1 }),
      'width 1 is the smallest positive integer, and valid: one byte per row',
    ).toBe('00000000: 61  a\n00000001: 62  b\n');
  });

  it('dumps only the bytes of the view it is given, not the whole underlying buffer', () => {
    const backing = new Uint8Array([0xde, 0xad, 0x41, 0x42, 0x43, 0xbe, 0xef]);
    expect(
      hexDump(backing.subarray(2, 5), { width: 4 }),
      'a Uint8Array can be a window into a bigger ArrayBuffer (a subarray, a pooled Buffer): ' +
        'index the view itself, not view.buffer',
    ).toBe('00000000: 41 42 43     ABC\n');
  });

  it('rejects a width that is not a positive integer with a RangeError', () => {
    for (const width of [0, -4, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(
        () => hexDump(ascii('abc'), { width }),
        `width ${width} must throw a RangeError (a width of 0 would never advance)`,
      ).toThrow(RangeError);
    }
  });
});

describe('utf8ByteLength()', () => {
  it('counts each ASCII character as 1 byte', () => {
    expect(utf8ByteLength(''), 'the empty string is 0 bytes').toBe(0);
    expect(utf8ByteLength('hello, world\n'), 'ASCII (U+0000 to U+007F) is 1 byte each').toBe(13);
    expect(utf8ByteLength('\u0000\u007f'), 'U+0000 and U+007F are still 1 byte').toBe(2);
  });

  it('counts U+0080 to U+07FF as 2 bytes', () => {
    const message =
      'characters from U+0080 to U+07FF (é, ß, Ω, Cyrillic, Hebrew, Arabic) take 2 bytes in ' +
      'UTF-8, even though str.length counts them as 1';
    expect(utf8ByteLength('é'), message).toBe(2);
    expect(utf8ByteLength('café'), message).toBe(5);
    expect(utf8ByteLength('\u0080\u07ff'), message).toBe(4);
    expect(utf8ByteLength('Ωмир'), message).toBe(8);
  });

  it('counts the rest of the Basic Multilingual Plane, U+0800 to U+FFFF, as 3 bytes', () => {
    const message =
      'characters from U+0800 to U+FFFF (€, most CJK, ✓) take 3 bytes in UTF-8, even though ' +
      'str.length counts them as 1';
    expect(utf8ByteLength('€'), message).toBe(3);
    expect(utf8ByteLength('中文'), message).toBe(6);
    expect(utf8ByteLength('\u0800\uffff'), message).toBe(6);
    expect(utf8ByteLength('5 €'), message).toBe(5);
  });

  it('counts a surrogate pair (a code point above U+FFFF, like an emoji) as 4 bytes, not 6', () => {
    const message =
      'an emoji is 2 UTF-16 code units (a surrogate pair) but 1 code point, which UTF-8 ' +
      'encodes in 4 bytes: counting each half of the pair as 3 bytes gives 6';
    expect(utf8ByteLength('🚀'), message).toBe(4);
    expect(utf8ByteLength('\u{10000}'), message).toBe(4);
    expect(utf8ByteLength('\u{10ffff}'), message).toBe(4);
    expect(utf8ByteLength('a🚀b'), message).toBe(6);
    expect(utf8ByteLength('👍🏽'), 'two emoji code points (thumb + skin tone): 8 bytes').toBe(8);
  });

  it('counts a lone surrogate as 3 bytes, the size of the U+FFFD that replaces it', () => {
    const message =
      'a surrogate without its partner cannot be encoded; TextEncoder writes U+FFFD (EF BF BD) ' +
      'instead, which is 3 bytes';
    expect(utf8ByteLength('\ud83d'), `${message} (a high surrogate at the end)`).toBe(3);
    expect(utf8ByteLength('\ude80x'), `${message} (a low surrogate with no high one)`).toBe(4);
    expect(
      utf8ByteLength('\ude80\ud83d'),
      `${message} (a low surrogate before a high one is not a pair: 3 + 3)`,
    ).toBe(6);
    expect(
      utf8ByteLength('\ud83d\ud83d\ude80'),
      `${message} (a high surrogate followed by a complete pair: 3 + 4)`,
    ).toBe(7);
  });

  it('agrees with TextEncoder on 2,000 generated strings', () => {
    const next = random(0x5eed);
    // Code unit ranges: ASCII, 2-byte, 3-byte, high surrogates, low surrogates.
    const ranges = [
      [0x00, 0x7f],
      [0x80, 0x7ff],
      [0x800, 0xd7ff],
      [0xe000, 0xffff],
      [0xd800, 0xdbff],
      [0xdc00, 0xdfff],
    ] as const;
    const encoder = new TextEncoder();
    for (let n = 0; n < 2000; n++) {
      let str = '';
      // Short strings first, so the first mismatch reported is a small one.
      const length = 1 + Math.floor(next() * (1 + n / 250));
      for (let i = 0; i < length; i++) {
        if (next() < 0.2) {
          str += String.fromCodePoint(0x10000 + Math.floor(next() * 0x100000));
          continue;
        }
        const [low, high] = ranges[Math.floor(next() * ranges.length)] ?? [0, 0];
        str += String.fromCharCode(low + Math.floor(next() * (high - low + 1)));
      }
      const expected = encoder.encode(str).length;
      const actual = utf8ByteLength(str);
      if (actual !== expected) {
        expect(
          `${actual} bytes for "${escape(str)}"`,
          'utf8ByteLength must return what new TextEncoder().encode(str).length returns',
        ).toBe(`${expected} bytes for "${escape(str)}"`);
      }
    }
  });

  it('counts the bytes itself, without TextEncoder, Buffer or Blob', () => {
    const { result, used } = recordEncoderUse(() => utf8ByteLength('naïve 🚀 €'));
    expect(
      used,
      'utf8ByteLength must compute the length from the code units: it may not call ' +
        'TextEncoder, Buffer.byteLength or new Blob([str]).size, which do the work for you',
    ).toEqual([]);
    expect(result, '"naïve 🚀 €" is 4 + 2 + 1 + 4 + 1 + 3 bytes').toBe(15);
  });
});
