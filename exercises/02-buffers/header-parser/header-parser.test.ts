import { describe, it, expect } from 'vitest';
import { parseRecord } from './header-parser.ts';

/** Builds the bytes of one record: [type u8][keyLen u8][key][valueLen u16BE][value]. */
function record(type: number, key: string | Buffer, value: string | Buffer): Buffer {
  const k = Buffer.from(key);
  const v = Buffer.from(value);
  const header = Buffer.alloc(2);
  header.writeUInt8(type, 0);
  header.writeUInt8(k.length, 1);
  const valueLength = Buffer.alloc(2);
  valueLength.writeUInt16BE(v.length, 0);
  return Buffer.concat([header, k, valueLength, v]);
}

/** What parseRecord() did, in one line: "RangeError: <message>" or what it returned. */
function outcome(bytes: Buffer): string {
  try {
    const { type, key, value } = parseRecord(bytes);
    return `returned type ${type}, key <${key.toString('hex')}>, value <${value.toString('hex')}>`;
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
}

const TRUNCATED = /^RangeError: truncated record/;

describe('parseRecord()', () => {
  it('reads the type, the key and the value', () => {
    const parsed = parseRecord(record(200, 'user:42', 'Zoë'));
    expect(parsed.type, 'the type is an unsigned byte: 200, not -56 (readUInt8)').toBe(200);
    expect(parsed.key.toString(), 'the key is the keyLen bytes after the header').toBe('user:42');
    expect(parsed.value.toString(), 'the value is the valueLen bytes after the u16').toBe('Zoë');
    expect(
      Buffer.isBuffer(parsed.key) && Buffer.isBuffer(parsed.value),
      'key and value must be Buffers',
    ).toBe(true);
  });

  it('reads a value length above 255 as a big-endian u16', () => {
    const value = Buffer.alloc(300, 'v');
    const parsed = parseRecord(record(1, 'k', value));
    expect(
      parsed.value.length,
      'valueLen is 2 bytes, big-endian (0x01 0x2c = 300): use readUInt16BE',
    ).toBe(300);
  });

  it('returns a key and value that do not change when the caller reuses its buffer', () => {
    const buf = record(3, 'session', 'abc123');
    const { key, value } = parseRecord(buf);
    buf.fill(0); // the caller reads the next message into the same buffer
    expect(
      key.toString(),
      'the key changed when the input buffer was overwritten: subarray() and Buffer#slice() ' +
        'return views of the same memory, so the key must be a copy',
    ).toBe('session');
    expect(
      value.toString(),
      'the value changed when the input buffer was overwritten: it must be a copy, not a view',
    ).toBe('abc123');
  });

  it('leaves the input buffer unchanged when the returned key or value is modified', () => {
    const buf = record(3, 'session', 'abc123');
    const before = Buffer.from(buf).toString('hex');
    const { key, value } = parseRecord(buf);
    key.fill(0x21);
    value.fill(0x21);
    expect(
      buf.toString('hex'),
      'writing to the returned key or value changed the input buffer: they are views of it ' +
        '(subarray, Buffer#slice, or Buffer.from(buf.buffer, ...)), not copies',
    ).toBe(before);
  });

  it('parses a record that starts in the middle of a larger buffer', () => {
    const parent = Buffer.concat([Buffer.from('JUNK'), record(9, 'id', 'xyz'), Buffer.from('!!')]);
    const buf = parent.subarray(4);
    const { type, key, value } = parseRecord(buf);
    expect(
      [type, key.toString(), value.toString()],
      'buf may be a view that starts at a byteOffset inside a bigger ArrayBuffer; offsets are ' +
        'relative to buf, and bytes after the record are ignored',
    ).toEqual([9, 'id', 'xyz']);
    parent.fill(0);
    expect(
      [key.toString(), value.toString()],
      'overwriting the buffer that buf is a view of must not change the returned copies',
    ).toEqual(['id', 'xyz']);
  });

  it('accepts a zero-length key and a zero-length value', () => {
    const parsed = parseRecord(Buffer.from([5, 0, 0, 0]));
    expect(
      [parsed.type, parsed.key.length, parsed.value.length],
      '[5, 0, 0, 0] is a complete record of type 5 with an empty key and an empty value',
    ).toEqual([5, 0, 0]);
    expect(
      Buffer.isBuffer(parsed.key) && Buffer.isBuffer(parsed.value),
      'an empty key or value is still a (zero-length) Buffer',
    ).toBe(true);
    expect(outcome(record(6, '', 'v')), 'an empty key followed by a value').toBe(
      'returned type 6, key <>, value <76>',
    );
  });

  it('throws a RangeError that says "truncated record" when the header or key is cut short', () => {
    const cases: Array<[string, Buffer]> = [
      ['an empty buffer', Buffer.alloc(0)],
      ['only the type byte', Buffer.from([1])],
      ['a key shorter than keyLen', Buffer.from([1, 5, 0x61, 0x62])],
      ['half of the u16 value length', Buffer.from([1, 1, 0x6b, 0])],
    ];
    for (const [what, bytes] of cases) {
      expect(
        outcome(bytes),
        `${what}: check the length before each read and throw a RangeError whose message ` +
          'starts with "truncated record", instead of letting readUInt*() fail with its ' +
          'generic ERR_OUT_OF_RANGE message',
      ).toMatch(TRUNCATED);
    }
  });

  it('throws a RangeError that says "truncated record" when the value is cut short', () => {
    const full = record(1, 'k', 'hello');
    for (const cut of [full.length - 1, full.length - 4, 5]) {
      expect(
        outcome(full.subarray(0, cut)),
        `a record whose value stops after ${cut - 5} of its 5 bytes must be rejected: ` +
          'subarray() clamps the end to the buffer and would quietly return a shorter value',
      ).toMatch(TRUNCATED);
    }
  });
});
