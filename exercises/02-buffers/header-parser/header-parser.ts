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
 *
 * This version reads well-formed records correctly, and a cache that stored its keys started
 * returning the wrong entries after the socket code began reusing its read buffer.
 */
export function parseRecord(buf: Buffer): ParsedRecord {
  // TODO: a buffer too short for the header fails here with Node's generic ERR_OUT_OF_RANGE
  // message, which does not say that the record is truncated.
  const type = buf.readUInt8(0);
  const keyLength = buf.readUInt8(1);

  // TODO: key and value share memory with buf.
  const key = buf.subarray(2, 2 + keyLength);
  const valueLength = buf.readUInt16BE(2 + keyLength);

  // TODO: if buf ends early, subarray() quietly returns fewer than valueLength bytes.
  const value = buf.subarray(4 + keyLength, 4 + keyLength + valueLength);

  return { type, key, value };
}
