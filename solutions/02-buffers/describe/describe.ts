export interface Description {
  /** How many bytes the string takes once encoded as UTF-8. */
  byteLength: number;
  /** The UTF-8 bytes as lowercase hex, two digits per byte. */
  hex: string;
  /** The UTF-8 bytes as standard base64, padded with "=". */
  base64: string;
  /** The UTF-8 bytes as base64url: "-" and "_" instead of "+" and "/", no padding. */
  base64url: string;
}

export type TextEncoding = 'hex' | 'base64' | 'base64url' | 'utf8';

/** Describes the UTF-8 bytes of `str` in the ways they usually travel: as a size and as text. */
export function describe(str: string): Description {
  // Encode once and derive every representation from the same bytes.
  const bytes = Buffer.from(str, 'utf8');
  return {
    // bytes.length, not str.length: a string's length counts UTF-16 code units, and 🚀 is two of
    // those but four bytes.
    byteLength: bytes.length,
    hex: bytes.toString('hex'),
    base64: bytes.toString('base64'),
    base64url: bytes.toString('base64url'),
  };
}

/**
 * Decodes `input` into bytes, like Buffer.from(input, encoding), except that input which is not
 * valid in that encoding throws a TypeError with code 'ERR_INVALID_ENCODING', and a message that
 * says what is wrong with it, instead of being silently truncated or skipped.
 *
 * Valid means:
 * - hex: an even number of the digits 0-9, a-f, A-F;
 * - base64: only A-Z a-z 0-9 + / and "=" padding at the end, padded to a multiple of 4 characters;
 * - base64url: only A-Z a-z 0-9 - _ ; padding is optional, but if there is any it must be right;
 * - utf8: any string.
 * The empty string is valid in every encoding.
 */
export function decodeAny(input: string, encoding: TextEncoding): Buffer {
  switch (encoding) {
    case 'utf8':
      // Any JavaScript string can be encoded as UTF-8, so there is nothing to reject.
      return Buffer.from(input, 'utf8');
    case 'hex':
      // Buffer.from stops at the first odd digit or non-hex character and returns what it has.
      if (input.length % 2 !== 0) {
        throw invalid(`hex needs two digits per byte, got ${input.length} digits`);
      }
      if (!/^[0-9a-fA-F]*$/.test(input)) {
        throw invalid('hex may only contain the digits 0-9, a-f and A-F');
      }
      return Buffer.from(input, 'hex');
    case 'base64':
    case 'base64url':
      checkBase64(input, encoding);
      return Buffer.from(input, encoding);
  }
}

function checkBase64(input: string, encoding: 'base64' | 'base64url'): void {
  // Buffer.from accepts both alphabets in both modes and skips anything else, so a URL-safe
  // string passed as 'base64' (or line noise) decodes to something instead of failing.
  const outside = encoding === 'base64' ? /[^A-Za-z0-9+/=]/ : /[^A-Za-z0-9_=-]/;
  const bad = outside.exec(input);
  if (bad) {
    const hint = encoding === 'base64url' && /[+/]/.test(bad[0]) ? ' (that is plain base64)' : '';
    throw invalid(`${JSON.stringify(bad[0])} is not in the ${encoding} alphabet${hint}`);
  }

  const body = input.replace(/=+$/, '');
  const padding = input.length - body.length;
  if (body.includes('=')) throw invalid(`"=" may only appear at the end of ${encoding}`);
  // Every 4 characters carry 3 bytes; a group of 1 character cannot carry even one byte.
  if (body.length % 4 === 1) throw invalid(`${encoding} of ${body.length} characters is cut short`);
  // Standard base64 is always padded; base64url usually is not, but padding, if any, must be right.
  if (padding > 0 || encoding === 'base64') {
    if (padding > 2 || input.length % 4 !== 0) {
      throw invalid(`${encoding} must be padded with "=" to a multiple of 4 characters`);
    }
  }
}

function invalid(message: string): TypeError {
  // The code lets callers recognise bad input without matching on the message.
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ENCODING' });
}
