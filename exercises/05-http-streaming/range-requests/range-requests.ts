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
  // TODO: parse "bytes=first-last, first-, -suffix, ..." into ByteRanges. Until then every
  // request is answered with the whole file.
  void size;
  void header;
  return 'none';
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
    const { size } = await stat(filePath);
    // TODO: nothing tells the client that ranges are supported (Accept-Ranges).
    // TODO: use parseRange(size, req.headers.range): 206 with Content-Range for one range,
    // multipart/byteranges for several, 416 with Content-Range: bytes */size for none.
    // TODO: a HEAD request is answered like a GET, file and all.
    void req;
    res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': size });
    await pipeline(createReadStream(filePath), res);
  };
}
