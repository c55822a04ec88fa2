import { inspect } from 'node:util';
import { describe, it, expect } from 'vitest';
// Renamed so it does not shadow vitest's describe().
import { describe as describeText, decodeAny } from './describe.ts';
import type { TextEncoding } from './describe.ts';

/**
 * What decodeAny() did with the input, as one short string: "TypeError ERR_INVALID_ENCODING" if
 * it threw the error it should, otherwise what it returned or threw instead.
 */
function outcome(input: string, encoding: TextEncoding): string {
  try {
    return `returned ${inspect(decodeAny(input, encoding))}`;
  } catch (error) {
    const { name, code } = error as { name?: unknown; code?: unknown };
    return `${String(name)} ${String(code)}`;
  }
}

const REJECTED = 'TypeError ERR_INVALID_ENCODING';

describe('describe() and decodeAny()', () => {
  it('describe() counts UTF-8 bytes, not characters, for an emoji', () => {
    const rocket = describeText('🚀');
    expect(
      rocket.byteLength,
      'byteLength of "🚀" must be 4: String#length counts UTF-16 code units (2 here), not ' +
        'bytes; use Buffer.byteLength() or the length of the encoded Buffer',
    ).toBe(4);
    expect(rocket.hex, 'hex must be the UTF-8 bytes, two lowercase digits each').toBe('f09f9a80');
    expect(rocket.base64, 'base64 must be standard base64 with "=" padding').toBe('8J+agA==');
    expect(
      describeText('naïve ☕').byteLength,
      'ï takes 2 bytes in UTF-8 and ☕ takes 3, so "naïve ☕" (7 characters) is 10 bytes',
    ).toBe(10);
  });

  it('describe() gives base64url with "-" and "_" and without padding', () => {
    expect(
      describeText('🚀???').base64url,
      'base64url replaces "+" with "-" and "/" with "_" and drops the "=" padding: ' +
        "use toString('base64url')",
    ).toBe('8J-agD8_Pw');
    expect(describeText('🚀???').base64, 'base64 keeps "+", "/" and "="').toBe('8J+agD8/Pw==');
  });

  it('describe() describes the empty string as zero bytes', () => {
    expect(describeText(''), 'the empty string has no bytes and empty encodings').toEqual({
      byteLength: 0,
      hex: '',
      base64: '',
      base64url: '',
    });
  });

  it('decodeAny() round-trips what describe() produces', () => {
    for (const text of ['hello', 'naïve ☕ 🚀', '🚀???', 'a', 'ab', 'abc', '']) {
      const d = describeText(text);
      const name = JSON.stringify(text);
      expect(decodeAny(d.hex, 'hex').toString(), `hex of ${name} must decode back`).toBe(text);
      expect(
        decodeAny(d.hex.toUpperCase(), 'hex').toString(),
        `upper-case hex of ${name} is valid hex and must decode back`,
      ).toBe(text);
      expect(decodeAny(d.base64, 'base64').toString(), `base64 of ${name} must decode back`).toBe(
        text,
      );
      expect(
        decodeAny(d.base64url, 'base64url').toString(),
        `base64url of ${name} must decode back`,
      ).toBe(text);
      expect(decodeAny(text, 'utf8').toString(), `utf8 ${name} must decode back`).toBe(text);
    }
  });

  it('decodeAny() returns an empty Buffer for the empty string in every encoding', () => {
    for (const encoding of ['hex', 'base64', 'base64url', 'utf8'] as const) {
      expect(
        outcome('', encoding),
        `"" is valid ${encoding} and decodes to zero bytes; do not reject it`,
      ).toBe('returned <Buffer >');
    }
  });

  it('decodeAny() rejects hex with an odd number of digits', () => {
    for (const input of ['abc', '0', '12345']) {
      expect(
        outcome(input, 'hex'),
        `${JSON.stringify(input)} as hex: Buffer.from() silently drops the last odd digit; ` +
          "decodeAny must throw a TypeError with code 'ERR_INVALID_ENCODING' instead",
      ).toBe(REJECTED);
    }
  });

  it('decodeAny() rejects hex that contains a character other than 0-9, a-f, A-F', () => {
    for (const input of ['zz', '0g', 'ab cd', '0x1f', 'abcé']) {
      expect(
        outcome(input, 'hex'),
        `${JSON.stringify(input)} as hex: Buffer.from() stops at the first non-hex character ` +
          "and returns what it decoded so far; decodeAny must throw 'ERR_INVALID_ENCODING'",
      ).toBe(REJECTED);
    }
  });

  it('decodeAny() rejects base64 with characters outside the base64 alphabet', () => {
    for (const input of ['aGk$', 'aG k', 'aGk\n', '8J-agA==', 'Pz8_']) {
      expect(
        outcome(input, 'base64'),
        `${JSON.stringify(input)} as base64: Buffer.from() skips characters outside the ` +
          'alphabet (and accepts the base64url "-" and "_"); decodeAny must throw ' +
          "'ERR_INVALID_ENCODING'",
      ).toBe(REJECTED);
    }
  });

  it('decodeAny() rejects base64 with missing, extra or misplaced padding', () => {
    for (const input of ['aGk', 'aGk==', 'aG=', 'a=Gk', 'aGk=aGk=', '=', 'aGkx====', 'a===']) {
      expect(
        outcome(input, 'base64'),
        `${JSON.stringify(input)} as base64: it must be padded with at most two "=" at the ` +
          "very end, to a multiple of 4 characters; decodeAny must throw 'ERR_INVALID_ENCODING'",
      ).toBe(REJECTED);
    }
    expect(outcome('aGk=', 'base64'), '"aGk=" is valid base64 for "hi"').toBe(
      'returned <Buffer 68 69>',
    );
    expect(outcome('aA==', 'base64'), '"aA==" is valid base64 for "h"').toBe(
      'returned <Buffer 68>',
    );
  });

  it('decodeAny() rejects base64url that contains "+" or "/"', () => {
    for (const input of ['8J+agA', 'Pz8/', '+/+/']) {
      expect(
        outcome(input, 'base64url'),
        `${JSON.stringify(input)} as base64url: "+" and "/" belong to standard base64, and ` +
          "Buffer.from() accepts them anyway; decodeAny must throw 'ERR_INVALID_ENCODING'",
      ).toBe(REJECTED);
    }
  });

  it('decodeAny() accepts base64url with or without correct padding, and nothing else', () => {
    expect(outcome('8J-agA', 'base64url'), 'unpadded base64url is the usual form').toBe(
      'returned <Buffer f0 9f 9a 80>',
    );
    expect(outcome('8J-agA==', 'base64url'), 'correctly padded base64url is valid too').toBe(
      'returned <Buffer f0 9f 9a 80>',
    );
    for (const input of ['8J-agA=', 'a', '8J-a$A', 'a=b']) {
      expect(
        outcome(input, 'base64url'),
        `${JSON.stringify(input)} as base64url: wrong padding, an impossible length or a ` +
          "character outside the alphabet; decodeAny must throw 'ERR_INVALID_ENCODING'",
      ).toBe(REJECTED);
    }
  });

  it('decodeAny() reports every kind of bad input with a message that says what is wrong', () => {
    const cases: [string, TextEncoding, string][] = [
      ['abc', 'hex', 'an odd number of hex digits'],
      ['zz', 'hex', 'a character that is not a hex digit'],
      ['aGk$', 'base64', 'a character outside the base64 alphabet'],
      ['a=Gk', 'base64', 'an "=" before the end'],
      ['aGkxa', 'base64', 'a length no number of bytes can have'],
      ['aGk', 'base64', 'missing padding'],
      ['8J+agA', 'base64url', 'a "+" in base64url'],
      ['8J-agA=', 'base64url', 'wrong padding in base64url'],
    ];
    for (const [input, encoding, problem] of cases) {
      let message = '';
      try {
        decodeAny(input, encoding);
      } catch (error) {
        message = error instanceof Error ? error.message : String(error);
      }
      expect(
        message.length,
        `decodeAny(${JSON.stringify(input)}, '${encoding}') must throw a TypeError whose ` +
          `message tells the caller what is wrong with the input (${problem}), not an empty one`,
      ).toBeGreaterThan(10);
    }
  });
});
