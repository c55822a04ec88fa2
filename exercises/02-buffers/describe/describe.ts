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
  const bytes = Buffer.from(str, 'utf8');
  return {
    // TODO: fine for "hello", wrong as soon as the string holds "é" or an emoji.
    byteLength: str.length,
    hex: bytes.toString('hex'),
    base64: bytes.toString('base64'),
    // TODO: this is plain base64, which is not safe in a URL or a file name.
    base64url: bytes.toString('base64'),
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
  // TODO: Buffer.from never rejects its input. Check what it cannot be trusted to check.
  return Buffer.from(input, encoding);
}
