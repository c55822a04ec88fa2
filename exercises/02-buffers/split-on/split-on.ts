/**
 * Splits `buf` at every occurrence of `delimiter`, like String#split but on bytes. Works on any
 * binary data, whether or not it is valid UTF-8. The parts are views into `buf` (no copies).
 * Leading, trailing and adjacent delimiters produce empty parts; matches are found left to right
 * and do not overlap. An empty delimiter is a RangeError.
 */
export function splitOn(buf: Buffer, delimiter: Buffer): Buffer[] {
  // TODO: toString() decodes the bytes as UTF-8. Bytes that are not valid UTF-8 (0xFF, a lone
  // 0x80) turn into U+FFFD and come back as three different bytes, and every part is a fresh
  // copy instead of a view into buf. An empty delimiter is not rejected either.
  return buf
    .toString()
    .split(delimiter.toString())
    .map((part) => Buffer.from(part));
}

/**
 * Compares two secrets (API tokens, session ids) in time that does not depend on where they
 * first differ, nor on their lengths. Strings are compared as their UTF-8 bytes.
 */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  // TODO: === stops at the first character that differs, so how long it takes tells an attacker
  // how much of their guess was right. For two Buffers it compares identity, not bytes, and a
  // string is never === to a Buffer.
  return a === b;
}
