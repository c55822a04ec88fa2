export interface HexDumpOptions {
  /** Bytes per row. A positive integer; default 16. */
  width?: number;
}

/**
 * Formats bytes the way `xxd -g 1 -c <width>` prints them: one row per `width` bytes, each row an
 * 8-digit hex offset, a colon, the bytes as two-digit hex pairs, and the same bytes as ASCII, with
 * every byte outside 0x20-0x7e shown as ".". Every row ends with "\n"; no bytes, no rows.
 *
 *   00000000: 48 65 6c 6c 6f 2c 20 77 6f 72 6c 64 21 0a 00 ff  Hello, world!...
 *   00000010: 61 62 63                                         abc
 */
export function hexDump(bytes: Uint8Array, options: HexDumpOptions = {}): string {
  // TODO: build one row per `width` bytes (default 16). The offset is the index of the row's
  // first byte, in lowercase hex, 8 digits wide. A last row with fewer bytes still has to start
  // its ASCII column where the full rows do. A width that is not a positive integer is a
  // RangeError.
  void bytes;
  void options;
  return '';
}

/**
 * The number of bytes `str` takes in UTF-8, computed from its UTF-16 code units, without encoding
 * it (no TextEncoder, no Buffer, no Blob). Must agree with `new TextEncoder().encode(str).length`.
 */
export function utf8ByteLength(str: string): number {
  // TODO: `length` counts UTF-16 code units, not bytes. It is right for ASCII only: "é" is one
  // code unit but two bytes, "€" one code unit but three, "🚀" two code units but four bytes.
  return str.length;
}
