import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ChunkedDecoder, MAX_LINE_BYTES } from './chunked-decoder.ts';

interface Decoded {
  /** The payload as text ('latin1' keeps one character per byte), or how the run failed. */
  body: string;
  trailers: Record<string, string>;
}

/**
 * Feeds exactly these chunks, in this order, through a new decoder and collects its output. A
 * failure becomes a one-line note in `body`, so an assertion shows it instead of a stack trace.
 */
async function decode(chunks: Array<string | Uint8Array>): Promise<Decoded> {
  const decoder = new ChunkedDecoder();
  const out: Buffer[] = [];
  const buffers = chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'latin1') : c));
  try {
    await pipeline(Readable.from(buffers), decoder, async (payload: AsyncIterable<Buffer>) => {
      for await (const piece of payload) out.push(Buffer.from(piece));
    });
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return { body: `<failed: ${String(code ?? error)}>`, trailers: decoder.trailers };
  }
  return { body: Buffer.concat(out).toString('latin1'), trailers: decoder.trailers };
}

async function text(chunks: Array<string | Uint8Array>): Promise<string> {
  return (await decode(chunks)).body;
}

/** How a run ended, as one short string: the error's `code`, or what it decoded. */
async function howItEnded(chunks: Array<string | Uint8Array>): Promise<string> {
  const { body } = await decode(chunks);
  const failed = /^<failed: (.*)>$/.exec(body);
  return failed ? (failed[1] ?? '') : `no error (decoded ${JSON.stringify(body)})`;
}

let server: Server | undefined;

afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('ChunkedDecoder', () => {
  it('decodes a body that arrives in a single chunk', async () => {
    expect(
      await text(['5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n']),
      'the payload is the data of every chunk joined, without size lines or CRLFs',
    ).toBe('hello, world');
  });

  it('decodes a frame split across three chunks', async () => {
    expect(
      await text(['c\r\nhello ', 'world!\r', '\n0\r\n\r\n']),
      'a frame spread over three chunks (its data split, then its CR and LF split) must decode ' +
        'whole: splitting each incoming chunk on "\\r\\n" breaks as soon as a frame crosses ' +
        'a chunk boundary',
    ).toBe('hello world!');
    expect(
      await text(['1', '0\r\n0123456789', 'abcdef\r\n0\r', '\n\r\n']),
      'a size line split across chunks ("1" + "0\\r\\n") is one size, 0x10, not 1 and then 0',
    ).toBe('0123456789abcdef');
  });

  it('decodes five frames that arrive in one chunk', async () => {
    const frames = ['one', 'two', 'three', 'four', 'five'];
    const wire = frames.map((f) => `${f.length.toString(16)}\r\n${f}\r\n`).join('') + '0\r\n\r\n';
    expect(await text([wire]), 'every frame in a chunk must be decoded, in order').toBe(
      'onetwothreefourfive',
    );
  });

  it('reads chunk sizes as hexadecimal, in upper or lower case', async () => {
    const data = 'abcdefghijklmnopqrstuvwxyz';
    expect(
      await text([`1a\r\n${data}\r\n0\r\n\r\n`]),
      'chunk sizes are hexadecimal: "1a" is 26 bytes (parseInt(size) reads it as decimal 1)',
    ).toBe(data);
    expect(
      await text([`1A\r\n${data}\r\n0\r\n\r\n`]),
      'hex digits may be upper case: "1A" is 26 bytes too',
    ).toBe(data);
    expect(
      await text([`10\r\n${data.slice(0, 16)}\r\n0\r\n\r\n`]),
      'chunk sizes are hexadecimal: "10" is 16 bytes, not 10',
    ).toBe(data.slice(0, 16));
  });

  it('ignores chunk extensions', async () => {
    expect(
      await text(['5;name=value\r\nhello\r\n6 ;a;b="c;d"\r\n world\r\n0;last\r\n\r\n']),
      'everything from ";" to the end of a size line is a chunk extension and must be ignored',
    ).toBe('hello world');
  });

  it('parses trailer fields after the last chunk', async () => {
    const decoded = await decode([
      '4\r\nbody\r\n0\r\nX-Checksum: sha256-abc=\r\nServer-Timing:  db;dur=53 \r\n',
      'x-checksum: again\r\n\r\n',
    ]);
    expect(decoded.body, 'trailer lines are not part of the payload').toBe('body');
    expect(
      decoded.trailers,
      'trailers: lower-case names, values without surrounding spaces, a repeated name joined ' +
        'with ", ", and available once the stream has ended',
    ).toEqual({ 'x-checksum': 'sha256-abc=, again', 'server-timing': 'db;dur=53' });
    expect(
      (await decode(['3\r\nabc\r\n0\r\n\r\n'])).trailers,
      'a body without trailers has an empty trailers object',
    ).toEqual({});
  });

  it('passes binary data through untouched, including CRLF inside the data', async () => {
    const payload = Buffer.from([
      ...Buffer.from('0\r\n\r\n'),
      0x00,
      0xff,
      0x0d,
      0x0a,
      ...Array.from({ length: 256 }, (_, i) => i),
    ]);
    const wire = Buffer.concat([
      Buffer.from(`${payload.length.toString(16)}\r\n`),
      payload,
      Buffer.from('\r\n0\r\n\r\n'),
    ]);
    expect(
      await text([wire.subarray(0, 9), wire.subarray(9)]),
      'chunk data is exactly `size` bytes of anything: a "\\r\\n" (or even "0\\r\\n\\r\\n") ' +
        'inside the data is payload, not framing, so never search the data for CRLF; and keep ' +
        'the bytes as Buffers (no text decoding)',
    ).toBe(payload.toString('latin1'));
  });

  it('streams data as it arrives, even from a frame that is only half received', async () => {
    const decoder = new ChunkedDecoder();
    decoder.write('a\r\nhello');
    const [first] = (await Promise.race([
      once(decoder, 'data'),
      new Promise((resolve) => setTimeout(resolve, 200, ['nothing within 200 ms'])),
    ])) as [unknown];
    expect(
      Buffer.isBuffer(first) ? first.toString() : first,
      'the first bytes of a 10-byte chunk must be pushed as soon as they arrive: a response ' +
        'body may be huge or never-ending, so do not wait for the whole chunk or the whole body',
    ).toBe('hello');
    decoder.destroy();
  });

  it('rejects a size that is not hexadecimal with ERR_CHUNKED_INVALID_SIZE', async () => {
    for (const size of ['zz', '0x1a', '', '-1', '1g', 'fffffffffffffffff']) {
      expect(
        await howItEnded([`${size}\r\nabc\r\n0\r\n\r\n`]),
        `the size line ${JSON.stringify(size)} is not a hex number (or is absurdly large): ` +
          'fail with code ERR_CHUNKED_INVALID_SIZE',
      ).toBe('ERR_CHUNKED_INVALID_SIZE');
    }
  });

  it('allows spaces and tabs before an extension, but not around the digits of a size', async () => {
    expect(
      await text(['5 \t ;ext=1\r\nhello\r\n0\r\n\r\n']),
      'RFC 9112 lets any run of spaces and tabs precede the ";" of a chunk extension: strip all ' +
        'of it, not just one character',
    ).toBe('hello');
    for (const size of [' 5', '\t5;ext=1', '1 a']) {
      expect(
        await howItEnded([`${size}\r\nhello\r\n0\r\n\r\n`]),
        `the size line ${JSON.stringify(size)} has whitespace before or inside the size, which ` +
          'the grammar does not allow (trimming it, or reading "1 a" as 1a, makes this decoder ' +
          'disagree with stricter ones about where the body ends): ERR_CHUNKED_INVALID_SIZE',
      ).toBe('ERR_CHUNKED_INVALID_SIZE');
    }
  });

  it('rejects chunk data not followed by CRLF with ERR_CHUNKED_MISSING_CRLF', async () => {
    expect(
      await howItEnded(['3\r\nabcd\r\n0\r\n\r\n']),
      'after exactly `size` bytes of data a CRLF must follow; "3\\r\\nabcd" has an extra byte ' +
        'there: fail with code ERR_CHUNKED_MISSING_CRLF',
    ).toBe('ERR_CHUNKED_MISSING_CRLF');
    expect(
      await howItEnded(['3\r\nabc\r', 'X0\r\n\r\n']),
      'a CR after the data that is not followed by LF is not a CRLF: ERR_CHUNKED_MISSING_CRLF',
    ).toBe('ERR_CHUNKED_MISSING_CRLF');
  });

  it('rejects a size or trailer line ended by a bare LF with ERR_CHUNKED_MISSING_CRLF', async () => {
    for (const wire of [
      '5\nhello\r\n0\r\n\r\n',
      '5\r\nhello\r\n0\n\r\n',
      '5\r\nhello\r\n0\r\nx-sum: 1\n\r\n',
      '5\r\nhello\r\n0\r\n\n',
    ]) {
      expect(
        await howItEnded([wire]),
        `${JSON.stringify(wire)} ends a line with LF alone: every line of chunked framing ends ` +
          'with CRLF, and a parser that also accepts a bare LF disagrees with strict ones about ' +
          'where the body ends (the stuff of request smuggling): ERR_CHUNKED_MISSING_CRLF',
      ).toBe('ERR_CHUNKED_MISSING_CRLF');
    }
  });

  it('rejects a trailer line that is not "name: value" with ERR_CHUNKED_INVALID_TRAILER', async () => {
    for (const [line, mistake] of [
      ['X-Checksum', 'has no colon'],
      ['X-Checksum : abc', 'has a space between the name and the colon, which RFC 9112 forbids'],
      [': abc', 'has an empty name'],
      ['@sum: abc', 'has a name that is not a token ("@" is a delimiter)'],
    ] as const) {
      expect(
        await howItEnded([`3\r\nabc\r\n0\r\n${line}\r\n\r\n`]),
        `the trailer line ${JSON.stringify(line)} ${mistake}: a field name is a token (letters, ` +
          "digits and !#$%&'*+-.^_`|~) directly followed by a colon; fail with code " +
          'ERR_CHUNKED_INVALID_TRAILER',
      ).toBe('ERR_CHUNKED_INVALID_TRAILER');
    }
  });

  it('rejects bytes after the last chunk with ERR_CHUNKED_DATA_AFTER_END', async () => {
    expect(
      await howItEnded(['3\r\nabc\r\n0\r\n\r\n5\r\nextra\r\n']),
      'the empty line after the zero-size chunk ends the body; anything after it must fail ' +
        'with code ERR_CHUNKED_DATA_AFTER_END',
    ).toBe('ERR_CHUNKED_DATA_AFTER_END');
    expect(
      await howItEnded(['3\r\nabc\r\n0\r\n\r\n', 'X']),
      'a byte after the end of the body in a later chunk: ERR_CHUNKED_DATA_AFTER_END',
    ).toBe('ERR_CHUNKED_DATA_AFTER_END');
  });

  it('rejects input that ends before the last chunk with ERR_CHUNKED_TRUNCATED', async () => {
    for (const wire of ['5\r\nhel', '5\r\nhello\r\n', '5\r\nhello\r\n0\r\n', '5\r\nhello\r\n0']) {
      expect(
        await howItEnded([wire]),
        `the input ${JSON.stringify(wire)} ends before the zero-size chunk and its final CRLF: ` +
          'a dropped connection must not look like a complete body; fail in flush() with ' +
          'code ERR_CHUNKED_TRUNCATED',
      ).toBe('ERR_CHUNKED_TRUNCATED');
    }
  });

  it('fails with ERR_CHUNKED_LINE_TOO_LONG when a line never ends', async () => {
    let pulled = 0;
    function* endlessExtension(): Generator<Buffer> {
      yield Buffer.from('5;ext=');
      for (let i = 0; i < 10_000; i++) {
        pulled++;
        yield Buffer.alloc(100, 'x');
      }
    }
    let outcome = 'no error';
    try {
      await pipeline(Readable.from(endlessExtension()), new ChunkedDecoder(), async (s) => {
        for await (const piece of s) void piece;
      });
    } catch (error) {
      outcome = String((error as { code?: unknown }).code);
    }
    expect(
      outcome,
      'a size line (or a trailer line) longer than 4096 bytes must fail with code ' +
        'ERR_CHUNKED_LINE_TOO_LONG',
    ).toBe('ERR_CHUNKED_LINE_TOO_LONG');
    expect(
      pulled,
      'the limit must apply while the line is still arriving: otherwise a peer that never ' +
        'sends CRLF fills the memory with one endless chunk extension',
    ).toBeLessThan(100);
  });

  it('accepts a line of exactly MAX_LINE_BYTES, CRLF included, and not one byte more', async () => {
    // A size line padded with an extension, and a trailer line, each `bytes` long with its CRLF.
    const sizeLine = (bytes: number): string => `5;${'x'.repeat(bytes - 4)}\r\n`;
    const trailerLine = (bytes: number): string => `x-pad: ${'y'.repeat(bytes - 9)}\r\n`;
    expect(
      await howItEnded([`${sizeLine(MAX_LINE_BYTES)}hello\r\n0\r\n\r\n`]),
      `a size line of exactly MAX_LINE_BYTES (${MAX_LINE_BYTES}) bytes, CRLF included, is ` +
        'within the limit',
    ).toBe('no error (decoded "hello")');
    expect(
      await howItEnded([`${sizeLine(MAX_LINE_BYTES + 1)}hello\r\n0\r\n\r\n`]),
      'a size line one byte over MAX_LINE_BYTES (its CRLF counts): ERR_CHUNKED_LINE_TOO_LONG',
    ).toBe('ERR_CHUNKED_LINE_TOO_LONG');
    expect(
      await howItEnded([`5\r\nhello\r\n0\r\n${trailerLine(MAX_LINE_BYTES)}\r\n`]),
      'a trailer line of exactly MAX_LINE_BYTES bytes, CRLF included, is within the limit',
    ).toBe('no error (decoded "hello")');
    expect(
      await howItEnded([`5\r\nhello\r\n0\r\n${trailerLine(MAX_LINE_BYTES + 1)}\r\n`]),
      'a trailer line one byte over MAX_LINE_BYTES: ERR_CHUNKED_LINE_TOO_LONG',
    ).toBe('ERR_CHUNKED_LINE_TOO_LONG');
  });

  it('measures a line from its own first byte, wherever it starts in the chunk', async () => {
    const data = 'd'.repeat(2 * MAX_LINE_BYTES);
    const body = await text([`${data.length.toString(16)}\r\n${data}\r\n0\r\n\r\n`]);
    expect(
      body === data ? 'decoded' : body.slice(0, 80),
      `a ${data.length}-byte chunk and the short lines after it, all in one incoming chunk, are ` +
        "valid: a line's length is its own bytes, not its offset in the incoming chunk",
    ).toBe('decoded');
  });

  it('gives the same result when fed one byte at a time', async () => {
    const wire = Buffer.from(
      '4\r\nWiki\r\n5;x=y\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n',
    );
    const decoded = await decode(Array.from(wire, (byte) => Uint8Array.of(byte)));
    expect(
      decoded.body,
      'every state (size line, data, CRLF, trailers) must survive being cut after any byte',
    ).toBe('Wikipedia in\r\n\r\nchunks.');
    expect(decoded.trailers, 'trailers fed one byte at a time').toEqual({ expires: 'never' });
  });

  it('decodes a real node:http chunked response read from a raw socket', async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', trailer: 'X-Row-Count' });
      res.write('id,name\n');
      res.write('1,Ada\r\n');
      res.write(Buffer.alloc(300, '2,Grace\n'));
      res.addTrailers({ 'X-Row-Count': '40' });
      res.end();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    socket.end('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    const raw: Buffer[] = [];
    for await (const piece of socket) raw.push(piece as Buffer);
    const response = Buffer.concat(raw);
    const headEnd = response.indexOf('\r\n\r\n') + 4;
    expect(
      response.toString('latin1', 0, headEnd).toLowerCase(),
      'test setup: node:http should send this response chunked',
    ).toContain('transfer-encoding: chunked');
    // Cut the real body into awkward pieces on top of how the socket delivered it.
    const body = response.subarray(headEnd);
    const decoded = await decode([body.subarray(0, 3), body.subarray(3, 20), body.subarray(20)]);
    expect(
      decoded.body,
      'the payload of a real chunked response: every res.write() joined, no framing',
    ).toBe('id,name\n1,Ada\r\n' + Buffer.alloc(300, '2,Grace\n').toString());
    expect(decoded.trailers, 'the trailer set with res.addTrailers()').toEqual({
      'x-row-count': '40',
    });
  });
});
