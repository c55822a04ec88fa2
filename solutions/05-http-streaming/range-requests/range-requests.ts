import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';

/** A byte range with an inclusive end, as HTTP writes it: bytes=0-0 is one byte. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * What a Range header asks of a representation of `size` bytes:
 * - ByteRange[]: the satisfiable ranges, in the order asked, ends clamped to size - 1;
 * - 'unsatisfiable': a valid bytes range set, none of which overlaps the content;
 * - 'none': no usable header (absent, another unit, malformed): serve the whole thing.
 */
export type RangeResult = ByteRange[] | 'unsatisfiable' | 'none';

export function parseRange(size: number, header: string | undefined): RangeResult {
  // Units are case-insensitive; a unit we do not know must be ignored, not rejected.
  if (!header?.toLowerCase().startsWith('bytes=')) return 'none';
  // A list: empty elements and whitespace around commas are allowed.
  const specs = header
    .slice('bytes='.length)
    .split(',')
    .map((spec) => spec.trim())
    .filter((spec) => spec !== '');
  if (specs.length === 0) return 'none';

  const ranges: ByteRange[] = [];
  let emptySuffix = false;
  for (const spec of specs) {
    // Digits only: Number() alone would accept "0x10", "1e3" and " 5".
    if (!/^\d*-\d*$/.test(spec)) return 'none';
    const dash = spec.indexOf('-');
    const first = spec.slice(0, dash);
    const last = spec.slice(dash + 1);
    if (first === '' && last === '') return 'none';
    if (first === '') {
      // bytes=-N is a suffix: the LAST N bytes, or the whole content if it is shorter.
      const length = Number(last);
      if (length === 0) continue;
      if (size === 0) emptySuffix = true;
      else ranges.push({ start: Math.max(0, size - length), end: size - 1 });
      continue;
    }
    const start = Number(first);
    if (last !== '' && Number(last) < start) return 'none'; // bytes=5-2: invalid, so ignored
    if (start >= size) continue; // valid, but not satisfiable
    // bytes=500- runs to the end; an end past the content is clamped, not refused.
    const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
    ranges.push({ start, end });
  }
  if (ranges.length > 0) return ranges;
  // A suffix range on empty content selects all of it, nothing, which no 206 can describe.
  return emptySuffix ? 'none' : 'unsatisfiable';
}

/**
 * A request handler serving one file with range support: 200 for the whole file, 206 for one
 * range or a multipart/byteranges body for several, 416 when no range can be satisfied. Range
 * applies to GET only: a HEAD request gets the headers of the full 200 and no body. If the file
 * cannot be read, the returned promise rejects, and the server that called the handler ends the
 * response.
 */
export function rangeHandler(
  filePath: string,
  contentType = 'application/octet-stream',
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    // Stat on every request: the size the ranges are checked against must be the current one.
    const { size } = await stat(filePath);
    res.setHeader('Accept-Ranges', 'bytes');
    // Range is only defined for GET; HEAD describes the full response.
    const ranges = req.method === 'GET' ? parseRange(size, req.headers.range) : 'none';

    if (ranges === 'unsatisfiable') {
      res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': 0 });
      return void res.end();
    }
    if (ranges === 'none') {
      res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': size });
      // HEAD has no body: reading the file only to have it thrown away wastes the disk.
      if (req.method === 'HEAD') return void res.end();
      return await pipeline(createReadStream(filePath), res);
    }
    const [only] = ranges;
    if (only && ranges.length === 1) {
      res.writeHead(206, {
        'Content-Type': contentType,
        'Content-Range': `bytes ${only.start}-${only.end}/${size}`,
        'Content-Length': only.end - only.start + 1, // both ends are inclusive
      });
      // createReadStream's end is inclusive too, so the range is passed through unchanged.
      return await pipeline(createReadStream(filePath, only), res);
    }
    await sendMultipart(res, filePath, size, ranges, contentType);
  };
}

async function sendMultipart(
  res: ServerResponse,
  filePath: string,
  size: number,
  ranges: ByteRange[],
  contentType: string,
): Promise<void> {
  // Random, so it cannot occur inside the file's bytes by accident.
  const boundary = randomBytes(12).toString('hex');
  // The CRLF before each "--boundary" belongs to the delimiter; before the first one it leaves
  // an empty preamble, which multipart allows, so every part can start the same way.
  const parts = ranges.map((range) => ({
    range,
    head:
      `\r\n--${boundary}\r\nContent-Type: ${contentType}\r\n` +
      `Content-Range: bytes ${range.start}-${range.end}/${size}\r\n\r\n`,
  }));
  const close = `\r\n--${boundary}--\r\n`;
  // Every piece is known in advance, so the exact length can be announced.
  const length = parts.reduce(
    (sum, { range, head }) => sum + Buffer.byteLength(head) + range.end - range.start + 1,
    Buffer.byteLength(close),
  );
  res.writeHead(206, {
    'Content-Type': `multipart/byteranges; boundary=${boundary}`,
    'Content-Length': length,
  });
  for (const { range, head } of parts) {
    res.write(head);
    // end: false keeps the response open for the next part.
    await pipeline(createReadStream(filePath, range), res, { end: false });
  }
  res.end(close);
}
