/** One record: [type u8][keyLen u8][key: keyLen bytes][valueLen u16BE][value: valueLen bytes]. */
export interface ParsedRecord {
  type: number;
  key: Buffer;
  value: Buffer;
}

/**
 * Parses the record at the start of `buf` (bytes after it are ignored). The returned key and
 * value are independent copies: changing them never changes `buf`, and reusing `buf` for the
 * next message never changes them.
 *
 * @throws RangeError whose message starts with "truncated record" when `buf` ends before the
 * record does.
 */
export function parseRecord(buf: Buffer): ParsedRecord {
  need(buf, 2, 'the type and the key length');
  const type = buf.readUInt8(0);
  const keyLength = buf.readUInt8(1);
  const keyStart = 2;

  const valueLengthAt = keyStart + keyLength;
  need(buf, valueLengthAt + 2, `a ${keyLength}-byte key and the value length`);
  const valueLength = buf.readUInt16BE(valueLengthAt);
  const valueStart = valueLengthAt + 2;
  // Without this check, subarray() would quietly clamp a short value instead of failing.
  need(buf, valueStart + valueLength, `a ${valueLength}-byte value`);

  return {
    type,
    // subarray() and Buffer#slice() return views of buf's memory. Callers keep keys and values
    // around (in a Map, in a queue) while buf is reused for the next read, so copy them.
    key: Buffer.copyBytesFrom(buf, keyStart, keyLength),
    value: Buffer.copyBytesFrom(buf, valueStart, valueLength),
  };
}

function need(buf: Buffer, length: number, what: string): void {
  if (buf.length < length) {
    throw new RangeError(
      `truncated record: ${what} need ${length} bytes, but the buffer has ${buf.length}`,
    );
  }
}
