export interface HexDumpOptions {
  /** Bytes per row. A positive integer; default 16. */
  width?: number;
}

/**
 * Formats bytes the way `xxd -g 1 -c <width>` prints them: one row per `width` bytes, each row an
 * 8-digit hex offset, a colon, the bytes as two-digit hex pairs, and the same bytes as ASCII, with
 * every byte outside 0x20-0x7e shown as ".". Every row ends with "\n"; no bytes, no rows.
 *
 *   00000000: 48 65 6c 6c 6f 0a                                Hello.
 */
export function hexDump(bytes: Uint8Array, options: HexDumpOptions = {}): string {
  const width = options.width ?? 16;
  // A width of 0 would never advance through the input, and a fraction makes no sense for bytes.
  if (!Number.isInteger(width) || width < 1) {
    throw new RangeError(`width must be a positive integer, got ${width}`);
  }

  // A full row has `width` pairs separated by single spaces. Shorter rows are padded to this, so
  // the ASCII column starts at the same place on every row.
  const hexColumnWidth = width * 3 - 1;
  let out = '';
  // Index the view itself: a Uint8Array may be a window into a larger ArrayBuffer (a pooled
  // Buffer, a subarray), and its `buffer` holds bytes that are not ours to print.
  for (let offset = 0; offset < bytes.length; offset += width) {
    const row = bytes.subarray(offset, offset + width);
    const hex = Array.from(row, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
    // Only printable ASCII goes through as is: control bytes would break the terminal's layout
    // and bytes from 0x80 up are not characters on their own (they are pieces of UTF-8).
    const ascii = Array.from(row, (byte) =>
      byte >= 0x20 && byte <= 0x7e ? String.fromCharCode(byte) : '.',
    ).join('');
    out += `${offset.toString(16).padStart(8, '0')}: ${hex.padEnd(hexColumnWidth)}  ${ascii}\n`;
  }
  return out;
}

/**
 * The number of bytes `str` takes in UTF-8, computed from its UTF-16 code units, without encoding
 * it. Agrees with `new TextEncoder().encode(str).length` for every string.
 */
export function utf8ByteLength(str: string): number {
  let bytes = 0;
  for (let i = 0; i < str.length; i++) {
    const unit = str.charCodeAt(i);
    if (unit < 0x80) {
      bytes += 1;
    } else if (unit < 0x800) {
      bytes += 2;
    } else if (isHighSurrogate(unit) && isLowSurrogate(str.charCodeAt(i + 1))) {
      // Two UTF-16 code units, one code point above U+FFFF: UTF-8 spends 4 bytes on it, not 3 per
      // half. Skip the low surrogate, it has been counted.
      bytes += 4;
      i++;
    } else {
      // The rest of the Basic Multilingual Plane takes 3 bytes. So does a lone surrogate: it is
      // not valid in UTF-8, and encoders replace it with U+FFFD, which is 3 bytes (EF BF BD).
      bytes += 3;
    }
  }
  return bytes;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  // charCodeAt() past the end returns NaN, which fails both comparisons.
  return unit >= 0xdc00 && unit <= 0xdfff;
}
