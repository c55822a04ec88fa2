import { describe, it, expect } from 'vitest';
import { safeEqual, splitOn } from './split-on.ts';

/** Bytes from a list of numbers, strings (UTF-8) and Buffers, in order. */
function bytes(...pieces: Array<number | string | Buffer>): Buffer {
  return Buffer.concat(pieces.map((p) => (typeof p === 'number' ? Buffer.of(p) : Buffer.from(p))));
}

/** Splits and shows each part as hex, so a failure shows exactly which bytes came out. */
function splitHex(buf: Buffer, delimiter: Buffer): string[] {
  return splitOn(buf, delimiter).map((part) => part.toString('hex'));
}

/** The value `run` returns, or a one-line description of what it threw. */
function outcome(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    return error instanceof Error ? `threw ${error.name}: ${error.message}` : 'threw';
  }
}

/** Deterministic pseudo-random bytes (every value 0-255 appears), so failures are repeatable. */
function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

describe('splitOn()', () => {
  it('splits on a one-byte delimiter', () => {
    expect(
      splitOn(Buffer.from('red,green,blue'), Buffer.from(',')).map(String),
      'each part is the bytes between two delimiters, without the delimiter itself',
    ).toEqual(['red', 'green', 'blue']);
  });

  it('splits on a multi-byte delimiter', () => {
    expect(
      splitOn(Buffer.from('a\r\nb\nc\r\nd'), Buffer.from('\r\n')).map(String),
      'only the whole delimiter "\\r\\n" splits; a lone "\\n" is ordinary data',
    ).toEqual(['a', 'b\nc', 'd']);
    expect(
      splitOn(Buffer.from('head--XyZ--body--XyZ--tail'), Buffer.from('--XyZ--')).map(String),
      'a 7-byte boundary must be matched as a whole',
    ).toEqual(['head', 'body', 'tail']);
  });

  it('keeps bytes that are not valid UTF-8 exactly as they were', () => {
    const input = bytes(0xff, 0x00, '\r\n', 0xfe, 0xff, 0x80, '\r\n', 0xc3);
    expect(
      splitHex(input, Buffer.from('\r\n')),
      'binary data must come out byte for byte: decoding it as UTF-8 (toString) turns 0xFF, ' +
        '0xFE, 0x80 and a lone 0xC3 into U+FFFD, which is encoded back as ef bf bd',
    ).toEqual(['ff00', 'feff80', 'c3']);
  });

  it('finds a delimiter made of bytes that are not valid UTF-8', () => {
    const delimiter = Buffer.of(0xff, 0xfe);
    const input = bytes('one', delimiter, 0xff, 'two', delimiter, 0xfe, 'three');
    expect(
      splitHex(input, delimiter),
      'the delimiter ff fe must be searched as bytes: as a string it becomes two U+FFFD, which ' +
        'also match any other invalid byte in the input',
    ).toEqual(['6f6e65', 'ff74776f', 'fe7468726565']); // 'one', ff 'two', fe 'three'
  });

  it('produces empty parts for leading, trailing and adjacent delimiters', () => {
    expect(
      splitOn(Buffer.from('::a::::b::'), Buffer.from('::')).map(String),
      'a delimiter at the start or the end, or two in a row, produce empty parts (like ' +
        'String#split): dropping them loses the information that a field was empty',
    ).toEqual(['', 'a', '', 'b', '']);
    expect(
      splitOn(Buffer.from('::'), Buffer.from('::')).map(String),
      'an input that is only the delimiter splits into two empty parts',
    ).toEqual(['', '']);
  });

  it('returns the whole input as one part when the delimiter does not occur', () => {
    expect(
      splitOn(Buffer.from('no delimiter here'), Buffer.from('\r\n')).map(String),
      'no match means one part: the whole input',
    ).toEqual(['no delimiter here']);
    expect(
      splitOn(Buffer.alloc(0), Buffer.from(',')).map(String),
      'an empty input is one empty part, as with "".split(",")',
    ).toEqual(['']);
    expect(
      splitOn(Buffer.from('ab'), Buffer.from('abc')).map(String),
      'a delimiter longer than the input cannot match',
    ).toEqual(['ab']);
  });

  it('matches overlapping patterns left to right without reusing bytes', () => {
    expect(
      splitOn(Buffer.from('aaa'), Buffer.from('aa')).map(String),
      'in "aaa" the delimiter "aa" matches once at offset 0; the search resumes after the ' +
        'whole match, so the last "a" is data',
    ).toEqual(['', 'a']);
    expect(
      splitOn(Buffer.from('aaaa'), Buffer.from('aa')).map(String),
      '"aaaa" holds two non-overlapping "aa"',
    ).toEqual(['', '', '']);
    expect(
      splitOn(Buffer.from('xabababy'), Buffer.from('aba')).map(String),
      'after matching "aba" at offset 1 the search resumes at offset 4: the "a" at offset 3 ' +
        'belongs to that match and cannot start another',
    ).toEqual(['x', 'baby']);
  });

  it('throws a RangeError for an empty delimiter', () => {
    expect(
      () => splitOn(Buffer.from('abc'), Buffer.alloc(0)),
      'an empty delimiter matches everywhere; throw a RangeError instead of looping or ' +
        'splitting into single bytes',
    ).toThrow(RangeError);
  });

  it('returns views into the input instead of copies', () => {
    const input = Buffer.from('first|second|third');
    const parts = splitOn(input, Buffer.from('|'));
    const shared = parts.map(
      (part) =>
        part.buffer === input.buffer &&
        part.byteOffset >= input.byteOffset &&
        part.byteOffset + part.length <= input.byteOffset + input.length,
    );
    expect(
      shared,
      'each part must be a view into the input (buf.subarray(start, end)), not a copy: ' +
        'splitting a large body must not duplicate it in memory',
    ).toEqual([true, true, true]);
  });

  it('splits large binary data so that joining the parts gives back the input', () => {
    const delimiter = Buffer.of(0x00, 0xff, 0x0d);
    // The delimiter has no prefix that is also a suffix, so a record next to it cannot form a
    // match with it: the only matches are the ones put there on purpose.
    const records = Array.from({ length: 200 }, (_, i) => noise(i * 7, i + 1)).map((r) =>
      r.includes(delimiter) ? Buffer.from('x') : r,
    );
    const input = Buffer.concat(records.flatMap((r, i) => (i === 0 ? [r] : [delimiter, r])));

    const parts = splitOn(input, delimiter);
    expect(
      parts.length,
      'one part per record: the delimiter 00 ff 0d must be matched as bytes, not in decoded text',
    ).toBe(records.length);
    const firstWrong = parts.findIndex((part, i) => !part.equals(records[i]!));
    expect(firstWrong, 'every part must hold exactly the bytes of its record').toBe(-1);
    const joined = Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [delimiter, p])));
    expect(
      joined.equals(input),
      'joining the parts with the delimiter (Buffer.concat) must give back the exact input',
    ).toBe(true);
  });
});

describe('safeEqual()', () => {
  it('returns true for equal tokens and false for different ones of the same length', () => {
    expect(safeEqual('tok_3f9a1c', 'tok_3f9a1c'), 'equal strings are equal').toBe(true);
    expect(
      safeEqual('tok_3f9a1c', 'tok_3f9a1d'),
      'tokens that differ only in their last character are different',
    ).toBe(false);
    expect(
      safeEqual('Xok_3f9a1c', 'tok_3f9a1c'),
      'tokens that differ in their first character are different',
    ).toBe(false);
  });

  it('compares the bytes of two separate Buffers, not their identity', () => {
    expect(
      safeEqual(Buffer.from('s3cret'), Buffer.from('s3cret')),
      'two different Buffer objects holding the same bytes are equal: === on Buffers only ' +
        'checks whether they are the same object',
    ).toBe(true);
    expect(
      safeEqual(Buffer.of(0xff, 0x00, 0x80), Buffer.of(0xff, 0x00, 0x80)),
      'raw bytes that are not valid UTF-8 must compare equal too',
    ).toBe(true);
    expect(
      safeEqual(Buffer.of(0xff, 0x00), Buffer.of(0xfe, 0x00)),
      'different bytes are different',
    ).toBe(false);
  });

  it('treats a string and a Buffer with the same UTF-8 bytes as equal', () => {
    expect(
      safeEqual('tøken', Buffer.from('tøken')),
      'a string is compared as its UTF-8 bytes, so it equals a Buffer of those bytes ' +
        '(a string is never === to a Buffer)',
    ).toBe(true);
    expect(safeEqual(Buffer.from('tøken'), 'tøken'), 'in either order').toBe(true);
    expect(
      outcome(() => safeEqual('tøken', Buffer.from('token'))),
      '"ø" is not "o" (and takes 2 bytes, so the lengths differ too)',
    ).toBe(false);
  });

  it('returns false instead of throwing when the lengths differ', () => {
    expect(
      outcome(() => safeEqual('tok_3f9a1c', 'tok_3f9a1c_and_more')),
      'crypto.timingSafeEqual throws a RangeError when the lengths differ; safeEqual must ' +
        'return false instead (without a fast early exit: hash both sides first)',
    ).toBe(false);
    expect(
      outcome(() => safeEqual('', 'x')),
      'an empty token equals nothing but ""',
    ).toBe(false);
    expect(
      outcome(() => safeEqual('', '')),
      'two empty tokens are equal',
    ).toBe(true);
  });

  it('compares bytes, not characters', () => {
    expect(
      outcome(() => safeEqual('é', 'e')),
      '"é" and "e" have the same .length (1) but not the same number of bytes (2 and 1): ' +
        'a length check on the strings does not protect timingSafeEqual from throwing',
    ).toBe(false);
    expect(
      outcome(() => safeEqual(Buffer.from('é'), 'ab')),
      '2 bytes against 2 characters that are 2 different bytes',
    ).toBe(false);
  });
});
