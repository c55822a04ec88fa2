import { describe, it, expect } from 'vitest';
import { encodedLength, parseDataURL, toDataURL } from './data-url.ts';

const utf8 = new TextEncoder();

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Runs `fn` and returns its result, or a one-line description of what it threw. */
function attempt<T>(fn: () => T): T | string {
  try {
    return fn();
  } catch (error) {
    return `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
}

/** The base64 part of toDataURL(bytes, 'text/plain'), or what it threw. */
function encoded(bytes: Uint8Array): string {
  const url = attempt(() => toDataURL(bytes, 'text/plain'));
  return url.startsWith('data:text/plain;base64,') ? url.slice(23) : url;
}

/** parseDataURL() as one line: the MIME type and the bytes in hex, or what it threw. */
function parsed(url: string): string {
  const result = attempt(() => parseDataURL(url));
  return typeof result === 'string' ? result : `${result.mime} ${hex(result.bytes)}`;
}

/** parseDataURL() as one line, with the bytes decoded as UTF-8 text. */
function parsedText(url: string): string {
  const result = attempt(() => parseDataURL(url));
  if (typeof result === 'string') return result;
  return `${result.mime} ${JSON.stringify(new TextDecoder().decode(result.bytes))}`;
}

/** What parseDataURL() threw, as 'TypeError: message', or a note that it did not throw. */
function rejection(url: string): string {
  const result = attempt(() => parseDataURL(url));
  return typeof result === 'string'
    ? result.replace(/^threw /, '')
    : `no error (returned ${parsed(url)})`;
}

/** Deterministic pseudo-random bytes (xorshift32), so a failure can be reproduced. */
function seededBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = state & 0xff;
  }
  return out;
}

describe('toDataURL(), parseDataURL() and encodedLength()', () => {
  it('encodedLength() pads to whole groups of 4: lengths 0 to 5 give 0, 4, 4, 4, 8, 8', () => {
    expect(
      [0, 1, 2, 3, 4, 5].map(encodedLength),
      'base64 turns every started group of 3 bytes into 4 characters, padding with "=": ' +
        'Math.ceil(n * 4 / 3) forgets the padding',
    ).toEqual([0, 4, 4, 4, 8, 8]);
    expect(encodedLength(999_999), '999,999 bytes are 333,333 whole groups').toBe(1_333_332);
    expect(encodedLength(1_000_000), 'one more byte starts one more group').toBe(1_333_336);
  });

  it('encodedLength() matches the length of the base64 that toDataURL() writes', () => {
    const prefix = 'data:text/plain;base64,';
    for (let n = 0; n <= 48; n++) {
      const url = String(attempt(() => toDataURL(new Uint8Array(n).fill(0x41), 'text/plain')));
      expect(
        encodedLength(n),
        `for ${n} byte(s), encodedLength() must equal the length of the payload, padding included`,
      ).toBe(url.length - prefix.length);
    }
  });

  it('toDataURL() writes data:<mime>;base64,<payload>, padded with = for lengths 0 to 5', () => {
    const source = utf8.encode('Node.j');
    const expected = ['', 'Tg==', 'Tm8=', 'Tm9k', 'Tm9kZQ==', 'Tm9kZS4='];
    for (let n = 0; n <= 5; n++) {
      expect(
        attempt(() => toDataURL(source.subarray(0, n), 'text/plain')),
        `${n} bytes: a last group of 1 byte ends in "==", of 2 bytes in "="`,
      ).toBe(`data:text/plain;base64,${expected[n]}`);
    }
    expect(
      attempt(() => toDataURL(utf8.encode('hi'), 'text/plain;charset=utf-8')),
      'the MIME type is written as given, parameters included, before ";base64"',
    ).toBe('data:text/plain;charset=utf-8;base64,aGk=');
  });

  it('toDataURL() encodes only the bytes of a view, not its whole buffer', () => {
    const whole = utf8.encode('xxxhixxx');
    expect(
      encoded(whole.subarray(3, 5)),
      'a Uint8Array can be a window into a larger ArrayBuffer: Buffer.from(bytes.buffer) ' +
        'without byteOffset and byteLength encodes the whole buffer',
    ).toBe('aGk=');
  });

  it('toDataURL() encodes text outside Latin-1 (accents, emoji, CJK) where btoa() fails', () => {
    expect(
      encoded(utf8.encode('café')),
      '"é" is the two UTF-8 bytes C3 A9: btoa() on the decoded text encodes it as the single ' +
        'Latin-1 byte E9 instead, which silently corrupts the data',
    ).toBe('Y2Fmw6k=');
    const text = 'Zoë 👋 東京';
    expect(
      encoded(utf8.encode(text)),
      'emoji and CJK characters are not Latin-1, so btoa() on the text throws ' +
        'InvalidCharacterError: encode the UTF-8 bytes, not the string',
    ).toBe('Wm/DqyDwn5GLIOadseS6rA==');
    expect(
      parsedText(`data:text/plain;charset=utf-8;base64,Wm/DqyDwn5GLIOadseS6rA==`),
      'decoding must give back the same UTF-8 bytes: atob() returns one character per byte, ' +
        'and encoding those characters as UTF-8 again doubles every byte above 0x7F',
    ).toBe(`text/plain;charset=utf-8 ${JSON.stringify(text)}`);
  });

  it('parseDataURL() decodes a ;base64 payload and keeps the MIME parameters', () => {
    expect(
      parsedText('data:text/plain;charset=utf-8;base64,aGk='),
      'the MIME type keeps its parameters and loses only ";base64"',
    ).toBe('text/plain;charset=utf-8 "hi"');
    expect(
      parsed('data:image/png;base64,iVBORw0KGgo='),
      'bytes above 7F must come back as themselves: atob() returns one character per byte, ' +
        'and TextEncoder then turns the character U+0089 into the two bytes C2 89',
    ).toBe('image/png 89504e470d0a1a0a');
    expect(
      parsedText('DATA:text/plain;BASE64,aGk='),
      'the scheme and the ";base64" marker are case-insensitive',
    ).toBe('text/plain "hi"');
    expect(
      parsedText('data:text/plain;base64,aGk%3D'),
      'a base64 payload may be percent-encoded too ("=" sent as %3D): decode %XX first',
    ).toBe('text/plain "hi"');
  });

  it('parseDataURL() accepts a base64 payload without its = padding', () => {
    expect(parsedText('data:text/plain;base64,aGk'), 'aGk is "hi" without its "="').toBe(
      'text/plain "hi"',
    );
    expect(parsedText('data:text/plain;base64,Zm9vYg'), 'Zm9vYg is "foob" without "=="').toBe(
      'text/plain "foob"',
    );
  });

  it('parseDataURL() skips ASCII whitespace inside a base64 payload, as fetch() does', () => {
    const message =
      'the Fetch standard decodes a ;base64 payload with "forgiving base64": spaces, tabs, ' +
      'CR, LF and form feeds are removed before decoding (base64 is often wrapped into lines), ' +
      'so they must not make the payload invalid';
    expect(parsedText('data:;base64,SGVs bG8='), message).toBe(
      'text/plain;charset=US-ASCII "Hello"',
    );
    expect(parsedText('data:text/plain;base64,aGVs\r\nbG8g\r\nd29y\r\nbGQ='), message).toBe(
      'text/plain "hello world"',
    );
    expect(
      parsedText('data:text/plain;base64,%20aGVs%09bG8g%0Cd29ybGQ%3D%0A'),
      'whitespace sent as %20, %09, %0C or %0A counts too, and a line break after the "=" ' +
        'is not part of the payload: remove the whitespace before you look at the padding',
    ).toBe('text/plain "hello world"');
  });

  it('parseDataURL() rejects a base64 payload that is invalid once its whitespace is gone', () => {
    expect(
      rejection('data:text/plain;base64,aGkx Y'),
      '"aGkx Y" is six characters, but without the space it is "aGkxY", five, which is not ' +
        'base64 of anything: remove the whitespace first, then check the length',
    ).toMatch(/^TypeError: .*base64/i);
    expect(
      rejection('data:text/plain;base64,a Gk*'),
      'only whitespace is skipped: a "*" is still an error',
    ).toMatch(/^TypeError: .*base64/i);
  });

  it('parseDataURL() takes ";base64" as the marker only at the end of the media type', () => {
    expect(
      parsedText('data:text/plain;base64x,aGk='),
      '";base64x" is another parameter, not the marker: the payload is not base64, and stays ' +
        'the four bytes "aGk="',
    ).toMatch(/ "aGk="$/);
    expect(
      parsedText('data:text/plain;base64;charset=utf-8,aGk='),
      'the marker is the last thing before the comma: here ";charset=utf-8" follows it, so ' +
        'the payload is not base64 (fetch() gives "aGk=" too)',
    ).toMatch(/ "aGk="$/);
  });

  it('parseDataURL() drops the spaces around the media type and before ";base64"', () => {
    expect(
      parsedText('data: text/plain ,hi'),
      'spaces around the media type are not part of it',
    ).toBe('text/plain "hi"');
    expect(
      parsedText('data:text/plain ;base64,aGk='),
      'the space before ";base64" is not part of the media type either: trim what is left ' +
        'once the marker is gone',
    ).toBe('text/plain "hi"');
  });

  it('parseDataURL() percent-decodes a payload without ;base64 into bytes', () => {
    expect(
      parsedText('data:text/plain;charset=utf-8,caf%C3%A9%20%F0%9F%91%8B'),
      'each %XX is one byte: %C3%A9 is "é" in UTF-8, %20 a space',
    ).toBe('text/plain;charset=utf-8 "café 👋"');
    expect(
      parsed('data:application/octet-stream,%FF%00%41'),
      'the payload is bytes, not UTF-8 text: %FF is the byte FF (decodeURIComponent throws ' +
        'URIError here)',
    ).toBe('application/octet-stream ff0041');
    expect(
      parsedText('data:text/plain,100%25 sure, 5% off'),
      'a "%" not followed by two hex digits stays a "%", and only the first comma ends the ' +
        'media type',
    ).toBe('text/plain "100% sure, 5% off"');
  });

  it('parseDataURL() cuts off the #fragment before it reads the type and the data', () => {
    expect(
      parsedText('data:,X#X'),
      'a "#" starts the fragment, which belongs to the URL and is not part of the data: ' +
        'fetch(\'data:,X#X\') gives "X", so cut everything from the first "#" off',
    ).toBe('text/plain;charset=US-ASCII "X"');
    expect(
      parsedText('data:text/plain;base64,aGk=#top'),
      'a fragment after a base64 payload is not part of the base64: drop it before decoding',
    ).toBe('text/plain "hi"');
    expect(
      parsedText('data:text/plain,50%23#x'),
      '%23 is a "#" that belongs to the data: cut the fragment off before percent-decoding, ' +
        'not after',
    ).toBe('text/plain "50#"');
    expect(
      rejection('data:text/plain#x,y'),
      'the fragment is cut off first, before looking for the comma: what is left, ' +
        '"data:text/plain", has no comma (fetch() rejects this URL too)',
    ).toMatch(/^TypeError: .*comma/i);
  });

  it('parseDataURL() defaults the MIME type to text/plain;charset=US-ASCII when omitted', () => {
    expect(parsedText('data:,hello'), 'no media type at all').toBe(
      'text/plain;charset=US-ASCII "hello"',
    );
    expect(parsedText('data:;base64,aGk='), 'only ";base64"').toBe(
      'text/plain;charset=US-ASCII "hi"',
    );
    expect(
      parsedText('data:;charset=utf-8,hi'),
      'parameters without a type: the type is text/plain and the parameters are kept',
    ).toBe('text/plain;charset=utf-8 "hi"');
  });

  it('parseDataURL() throws a TypeError that mentions data: for other schemes', () => {
    for (const url of ['https://example.com/a,b', 'javascript:alert(1),x', 'dat:,x', '']) {
      expect(
        rejection(url),
        `${JSON.stringify(url)} is not a data: URL: throw a TypeError whose message says so`,
      ).toMatch(/^TypeError: .*data:/);
    }
  });

  it('parseDataURL() throws a TypeError that mentions the comma when there is none', () => {
    for (const url of ['data:text/plain;base64', 'data:', 'data:hello']) {
      expect(
        rejection(url),
        `${JSON.stringify(url)} has no comma before its data: throw a TypeError saying so`,
      ).toMatch(/^TypeError: .*comma/i);
    }
  });

  it('parseDataURL() rejects base64url and other characters outside standard base64', () => {
    expect(
      rejection('data:application/octet-stream;base64,-_-_'),
      'this course follows the Fetch standard: a ;base64 payload uses the standard alphabet ' +
        '(+ and /), so base64url\'s "-" and "_" are malformed and must throw a TypeError ' +
        "mentioning base64 (Buffer.from(text, 'base64') silently accepts them)",
    ).toMatch(/^TypeError: .*base64/i);
    expect(
      rejection('data:text/plain;base64,aGk*'),
      '"*" is not a base64 character: throw instead of skipping it',
    ).toMatch(/^TypeError: .*base64/i);
    expect(
      rejection('data:text/plain;base64,aGkxY'),
      'five characters cannot be base64 of anything: the last one holds only 6 bits',
    ).toMatch(/^TypeError: .*base64/i);
    expect(
      rejection('data:text/plain;base64,aG=k'),
      '"=" is padding, which only ends the payload: one in the middle is an error, not a ' +
        'character to drop',
    ).toMatch(/^TypeError: .*base64/i);
    expect(
      rejection('data:text/plain;base64,aG='),
      'padding completes a group of four characters: "aG=" is neither padded ("aG==") nor ' +
        'unpadded ("aG"), and fetch() rejects it',
    ).toMatch(/^TypeError: .*base64/i);
  });

  it('round-trips 256 KiB of seeded random bytes through toDataURL() and parseDataURL()', () => {
    const original = seededBytes(256 * 1024 + 1, 20240229);
    const url = attempt(() => toDataURL(original, 'application/octet-stream'));
    expect(
      url.startsWith('data:'),
      `toDataURL() must accept any bytes, 00 to FF, and any length, but: ${url.slice(0, 90)}`,
    ).toBe(true);
    const back = attempt(() => parseDataURL(url));
    if (typeof back === 'string') expect.fail(`parseDataURL() ${back}`);
    expect(back.mime, 'the MIME type must survive the round trip').toBe('application/octet-stream');
    const firstDifference = original.findIndex((byte, i) => back.bytes[i] !== byte);
    expect(
      { length: back.bytes.length, firstDifference },
      'every byte from 00 to FF must come back unchanged, and no more bytes than went in',
    ).toEqual({ length: original.length, firstDifference: -1 });
  });
});
