import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRange, rangeHandler } from './range-requests.ts';

describe('parseRange()', () => {
  it('reads a single range with an inclusive end', () => {
    expect(
      parseRange(1000, 'bytes=0-0'),
      'the end of a byte range is inclusive: bytes=0-0 is the first byte, { start: 0, end: 0 }',
    ).toEqual([{ start: 0, end: 0 }]);
    expect(
      parseRange(1000, 'bytes=100-199'),
      'bytes=100-199 is 100 bytes, from offset 100 to offset 199 inclusive',
    ).toEqual([{ start: 100, end: 199 }]);
  });

  it('reads a suffix range as the last N bytes', () => {
    expect(
      parseRange(1000, 'bytes=-100'),
      'bytes=-100 is a suffix range: the LAST 100 bytes (900-999), not the first ones',
    ).toEqual([{ start: 900, end: 999 }]);
    expect(
      parseRange(100, 'bytes=-500'),
      'a suffix longer than the content selects the whole content: bytes=-500 of 100 is 0-99',
    ).toEqual([{ start: 0, end: 99 }]);
    expect(
      parseRange(100, 'bytes=-0'),
      'bytes=-0 asks for zero bytes, which no response can satisfy',
    ).toBe('unsatisfiable');
  });

  it('reads an open range as running to the end', () => {
    expect(
      parseRange(1000, 'bytes=500-'),
      'bytes=500- runs from offset 500 to the last byte, 999',
    ).toEqual([{ start: 500, end: 999 }]);
    expect(
      parseRange(1000, 'bytes=999-'),
      'bytes=999- of 1000 bytes is the very last byte',
    ).toEqual([{ start: 999, end: 999 }]);
  });

  it('clamps an end past the content to size - 1', () => {
    expect(
      parseRange(1000, 'bytes=0-99999'),
      'an end beyond the content is not an error: clamp it to size - 1',
    ).toEqual([{ start: 0, end: 999 }]);
  });

  it("returns 'unsatisfiable' when no range starts inside the content", () => {
    for (const header of ['bytes=1000-1999', 'bytes=1000-', 'bytes=5000-6000,1000-']) {
      expect(
        parseRange(1000, header),
        `${header} starts at or after the end of 1000 bytes: 'unsatisfiable' (a 416)`,
      ).toBe('unsatisfiable');
    }
  });

  it("returns 'none' for a malformed header", () => {
    for (const header of [
      'bytes=5-2',
      'bytes=x-y',
      'bytes=',
      'bytes=-',
      'bytes=1-2-3',
      'bytes=0x10-20',
      'bytes=1.5-3',
      'bytes=+1-2',
      '0-10',
      'bytes=0-1,x-y',
    ]) {
      expect(
        parseRange(1000, header),
        `${JSON.stringify(header)} is not a valid byte range set: return 'none' so the server ` +
          'ignores it and sends the whole file (bytes=5-2 is invalid because its end is before ' +
          'its start)',
      ).toBe('none');
    }
  });

  it("returns 'none' without a header or for a unit other than bytes", () => {
    expect(parseRange(1000, undefined), 'no Range header at all').toBe('none');
    expect(parseRange(1000, 'items=0-5'), 'a range unit other than bytes must be ignored').toBe(
      'none',
    );
    expect(
      parseRange(1000, 'x-bytes=0-5'),
      'the unit is everything before "=": x-bytes is another unit, not bytes, so ignore it',
    ).toBe('none');
    expect(
      parseRange(1000, 'Bytes=0-5'),
      'range units are case-insensitive: "Bytes" is "bytes"',
    ).toEqual([{ start: 0, end: 5 }]);
  });

  it('handles a file of size 0', () => {
    expect(
      parseRange(0, 'bytes=0-0'),
      'an empty file has no byte 0: bytes=0-0 is unsatisfiable',
    ).toBe('unsatisfiable');
    expect(parseRange(0, 'bytes=0-'), 'bytes=0- of an empty file is unsatisfiable').toBe(
      'unsatisfiable',
    );
    expect(
      parseRange(0, 'bytes=-500'),
      'a suffix range of an empty file selects the whole, empty, file; no Content-Range can ' +
        "describe zero bytes, so return 'none' and serve it with 200",
    ).toBe('none');
  });

  it('reads several ranges, in order, dropping the unsatisfiable ones', () => {
    expect(
      parseRange(1000, 'bytes=0-9,500-509,-10'),
      'a comma-separated list gives one range per element, in the order asked',
    ).toEqual([
      { start: 0, end: 9 },
      { start: 500, end: 509 },
      { start: 990, end: 999 },
    ]);
    expect(
      parseRange(1000, 'bytes=0-9,2000-2999'),
      'the ranges that start past the end are left out; the others are still served',
    ).toEqual([{ start: 0, end: 9 }]);
  });

  it('accepts whitespace around the commas of a list, and empty elements', () => {
    expect(
      parseRange(1000, 'bytes=0-9 , 20-29,\t-5'),
      'spaces and tabs around the commas are allowed',
    ).toEqual([
      { start: 0, end: 9 },
      { start: 20, end: 29 },
      { start: 995, end: 999 },
    ]);
    for (const header of ['bytes=0-9,,20-29', 'bytes=, 0-9 ,20-29,']) {
      expect(
        parseRange(1000, header),
        `${header}: a recipient of an HTTP list must ignore its empty elements (RFC 9110 ` +
          'section 5.6.1), so this is 0-9 and 20-29, not a malformed header',
      ).toEqual([
        { start: 0, end: 9 },
        { start: 20, end: 29 },
      ]);
    }
  });
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const SIZE = 5000;
/** Pseudo-random bytes: any run of 5 or more occurs once, so a body shows where it came from. */
const CONTENT = Buffer.alloc(SIZE);
for (let i = 0, x = 1; i < SIZE; i++) {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  CONTENT[i] = x >>> 24;
}

let dir: string;
let server: Server;
let port: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'range-requests-'));
  const file = join(dir, 'clip.bin');
  await writeFile(file, CONTENT);
  const handlers = { '/clip': rangeHandler(file, 'video/mp4'), '/untyped': rangeHandler(file) };
  // Strict about HEAD: a body written to a HEAD response fails the response instead of being
  // silently dropped, so a handler that reads the file for nothing is caught.
  server = createServer({ rejectNonStandardBodyWrites: true }, (req, res) => {
    const handle = handlers[req.url as keyof typeof handlers];
    handle(req, res).catch((error: unknown) => res.destroy(error as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** A real request on its own connection, which closes after the response. */
function send(
  range: string | undefined,
  { method = 'GET', path = '/clip' }: { method?: string; path?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { connection: 'close' };
    if (range !== undefined) headers.range = range;
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
        });
      });
      res.on('error', reject);
      // A response shorter than its Content-Length ends with the connection, not with 'end'.
      res.on('close', () => {
        if (!res.complete) reject(new Error('the response ended before its Content-Length'));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function get(range?: string): Promise<Answer> {
  return send(range);
}

/** Where `body` sits in the file, in one line: 'bytes 100-199' or 'not a slice of the file'. */
function whichBytes(body: Buffer): string {
  for (let start = 0; start + body.length <= SIZE; start++) {
    if (CONTENT.subarray(start, start + body.length).equals(body)) {
      return body.length === 0 ? 'no bytes' : `bytes ${start}-${start + body.length - 1}`;
    }
  }
  return `${body.length} bytes that are not a slice of the file`;
}

describe('rangeHandler()', () => {
  it('serves the whole file with 200 and Accept-Ranges when there is no Range header', async () => {
    const res = await get();
    expect(res.status, 'no Range header: 200 with the whole file').toBe(200);
    expect(
      res.headers['accept-ranges'],
      'Accept-Ranges: bytes tells players and download managers that they may ask for ranges',
    ).toBe('bytes');
    expect(res.headers['content-length'], 'Content-Length is the file size').toBe(String(SIZE));
    expect(res.headers['content-type'], 'the content type given to rangeHandler()').toBe(
      'video/mp4',
    );
    expect(res.body.equals(CONTENT), 'the body is the whole file, byte for byte').toBe(true);
  });

  it('serves application/octet-stream when rangeHandler() is given no content type', async () => {
    const res = await send(undefined, { path: '/untyped' });
    expect(
      res.headers['content-type'],
      "rangeHandler(file) without a type: Content-Type is the default, 'application/octet-stream'",
    ).toBe('application/octet-stream');
    const part = await send('bytes=0-9', { path: '/untyped' });
    expect(part.headers['content-type'], 'the default type on a 206 too').toBe(
      'application/octet-stream',
    );
  });

  it('answers HEAD with the headers of the full 200 and no body, whatever its Range', async () => {
    for (const range of [undefined, 'bytes=0-9']) {
      const label = range === undefined ? 'HEAD without Range' : `HEAD with Range: ${range}`;
      const res = await send(range, { method: 'HEAD' }).catch((error: Error) => error);
      if (res instanceof Error) {
        expect.fail(
          `${label} failed (${res.message}): a HEAD response has no body, so do not ` +
            'stream the file into it (this test server refuses such writes)',
        );
      }
      expect(
        `${res.status}, Content-Length ${String(res.headers['content-length'])}, Content-Range ` +
          `${String(res.headers['content-range'])}`,
        `${label}: Range is only defined for GET, so a server must ignore it on HEAD ` +
          '(RFC 9110 section 14.2) and send the headers of the full 200',
      ).toBe(`200, Content-Length ${SIZE}, Content-Range undefined`);
      expect(res.headers['accept-ranges'], 'Accept-Ranges on a HEAD response too').toBe('bytes');
      expect(res.body.length, 'a HEAD response has no body').toBe(0);
    }
  });

  it('serves one range with 206, Content-Range, Content-Length and exactly those bytes', async () => {
    const res = await get('bytes=100-199');
    expect(res.status, 'a satisfiable single range is answered with 206 Partial Content').toBe(206);
    expect(
      res.headers['content-range'],
      'Content-Range names the inclusive first and last byte, then the full size',
    ).toBe(`bytes 100-199/${SIZE}`);
    expect(
      whichBytes(res.body),
      'the end of a byte range is inclusive: bytes=100-199 is 100 bytes, 100 to 199, and ' +
        "createReadStream's { start, end } is inclusive too (no - 1, no + 1)",
    ).toBe('bytes 100-199');
    expect(res.headers['content-length'], 'Content-Length of the range: 199 - 100 + 1').toBe('100');
    expect(res.headers['accept-ranges'], 'Accept-Ranges on a 206 too').toBe('bytes');

    const first = await get('bytes=0-0');
    expect(whichBytes(first.body), 'bytes=0-0 is exactly one byte (the end is inclusive)').toBe(
      'bytes 0-0',
    );
    expect(first.headers['content-range'], 'Content-Range of bytes=0-0').toBe(`bytes 0-0/${SIZE}`);
  });

  it('serves suffix and open ranges from the end of the file', async () => {
    const suffix = await get('bytes=-300');
    expect(suffix.status, 'a suffix range is a 206').toBe(206);
    expect(
      whichBytes(suffix.body),
      `bytes=-300 is the LAST 300 bytes, ${SIZE - 300} to ${SIZE - 1} inclusive (not the first 300)`,
    ).toBe(`bytes ${SIZE - 300}-${SIZE - 1}`);
    expect(suffix.headers['content-range'], 'Content-Range of bytes=-300').toBe(
      `bytes ${SIZE - 300}-${SIZE - 1}/${SIZE}`,
    );
    const open = await get('bytes=4000-');
    expect(whichBytes(open.body), 'bytes=4000- runs to the last byte').toBe(
      `bytes 4000-${SIZE - 1}`,
    );
    expect(open.headers['content-length'], 'Content-Length of bytes=4000-').toBe(
      String(SIZE - 4000),
    );
  });

  it('clamps the end of a range to the last byte of the file', async () => {
    const res = await get('bytes=4990-999999');
    expect(res.status, 'an end past the file is clamped, not refused: 206').toBe(206);
    expect(res.headers['content-range'], 'Content-Range after clamping').toBe(
      `bytes 4990-${SIZE - 1}/${SIZE}`,
    );
    expect(whichBytes(res.body), 'the last 10 bytes').toBe(`bytes 4990-${SIZE - 1}`);
  });

  it('answers 416 with Content-Range: bytes */size when no range is satisfiable', async () => {
    const res = await get(`bytes=${SIZE}-`);
    expect(res.status, `bytes=${SIZE}- starts after the last byte: 416 Range Not Satisfiable`).toBe(
      416,
    );
    expect(
      res.headers['content-range'],
      'a 416 carries Content-Range: bytes */<size> so the client learns the real size',
    ).toBe(`bytes */${SIZE}`);
    expect(res.body.length, 'a 416 sends none of the file').toBe(0);
  });

  it('ignores a malformed Range header and serves the whole file', async () => {
    for (const range of ['bytes=x-y', 'bytes=5-2', 'items=0-10']) {
      const res = await get(range);
      expect(
        `${res.status} with ${res.body.length} bytes`,
        `Range: ${range} cannot be used: ignore it and send 200 with the whole file`,
      ).toBe(`200 with ${SIZE} bytes`);
    }
  });

  it('serves several ranges as multipart/byteranges', async () => {
    const res = await get('bytes=0-9, 100-199, -5');
    expect(res.status, 'several satisfiable ranges: 206').toBe(206);
    const type = res.headers['content-type'] ?? '';
    const boundary = /^multipart\/byteranges;\s*boundary=("?)([^";]+)\1$/i.exec(type)?.[2];
    expect(
      boundary,
      `Content-Type must be multipart/byteranges; boundary=..., got ${JSON.stringify(type)}`,
    ).toBeDefined();
    expect(
      res.headers['content-range'],
      'a multipart response has no top-level Content-Range: each part has its own',
    ).toBeUndefined();
    if (res.headers['content-length'] !== undefined) {
      expect(res.headers['content-length'], 'Content-Length, if sent, must be exact').toBe(
        String(res.body.length),
      );
    }

    // Split the body on the delimiter: "--boundary", the last one followed by "--".
    const delimiter = Buffer.from(`--${boundary}`);
    const pieces: Buffer[] = [];
    let at = res.body.indexOf(delimiter);
    expect(at, 'the body starts with (optional preamble and) the first --boundary').not.toBe(-1);
    const preamble = res.body.subarray(0, at).toString('latin1');
    expect(
      preamble === '' || preamble.endsWith('\r\n'),
      `a delimiter must begin a line (RFC 2046): the first --boundary starts the body or follows ` +
        `CRLF, but it follows ${JSON.stringify(preamble)}`,
    ).toBe(true);
    for (;;) {
      const next = res.body.indexOf(delimiter, at + delimiter.length);
      if (next === -1) break;
      pieces.push(res.body.subarray(at + delimiter.length, next));
      at = next;
    }
    expect(
      res.body.subarray(at + delimiter.length, at + delimiter.length + 2).toString(),
      'the last delimiter is --boundary-- (two dashes after the boundary)',
    ).toBe('--');

    const parts = pieces.map((piece) => {
      // Each piece: CRLF, header lines, an empty line, the bytes, then the CRLF that belongs to
      // the next delimiter.
      const text = piece.toString('latin1');
      const headEnd = text.indexOf('\r\n\r\n');
      const headers = Object.fromEntries(
        text
          .slice(2, headEnd)
          .split('\r\n')
          .map((line) => line.split(/:\s*/, 2).map((s, i) => (i === 0 ? s.toLowerCase() : s))),
      ) as Record<string, string>;
      const bytes = piece.subarray(headEnd + 4, piece.length - 2);
      return {
        contentType: headers['content-type'],
        contentRange: headers['content-range'],
        bytes: whichBytes(bytes),
      };
    });
    expect(
      parts,
      'one part per range, in order: its own Content-Type and Content-Range headers, a blank ' +
        'line, exactly the range bytes (inclusive end), then CRLF before the next --boundary',
    ).toEqual([
      { contentType: 'video/mp4', contentRange: `bytes 0-9/${SIZE}`, bytes: 'bytes 0-9' },
      { contentType: 'video/mp4', contentRange: `bytes 100-199/${SIZE}`, bytes: 'bytes 100-199' },
      {
        contentType: 'video/mp4',
        contentRange: `bytes ${SIZE - 5}-${SIZE - 1}/${SIZE}`,
        bytes: `bytes ${SIZE - 5}-${SIZE - 1}`,
      },
    ]);
  });
});
