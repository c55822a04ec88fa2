import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Splits `buf` at every occurrence of `delimiter`, like String#split but on bytes. Works on any
 * binary data, whether or not it is valid UTF-8. The parts are views into `buf` (no copies).
 * Leading, trailing and adjacent delimiters produce empty parts; matches are found left to right
 * and do not overlap. An empty delimiter is a RangeError.
 */
export function splitOn(buf: Buffer, delimiter: Buffer): Buffer[] {
  // An empty delimiter matches at every offset, including where the search left off, so the
  // loop below would never advance.
  if (delimiter.length === 0) throw new RangeError('splitOn: the delimiter must not be empty');

  const parts: Buffer[] = [];
  let start = 0;
  // indexOf compares bytes and never decodes, so 0xFF and friends survive untouched.
  let at = buf.indexOf(delimiter, start);
  while (at !== -1) {
    // subarray shares memory with buf: splitting a 50 MB body does not copy 50 MB.
    parts.push(buf.subarray(start, at));
    // Resume after the whole delimiter, so "aa" in "aaa" matches once, not twice.
    start = at + delimiter.length;
    at = buf.indexOf(delimiter, start);
  }
  parts.push(buf.subarray(start));
  return parts;
}

/**
 * Compares two secrets (API tokens, session ids) in time that does not depend on where they
 * first differ, nor on their lengths. Strings are compared as their UTF-8 bytes.
 */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  // timingSafeEqual throws when the lengths differ, and returning early on a length check would
  // tell an attacker the token's length. Hashing first gives two 32-byte digests whatever the
  // inputs, and the digests are equal exactly when the inputs are.
  return timingSafeEqual(sha256(a), sha256(b));
}

function sha256(data: string | Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}
