import { createReadStream, createWriteStream } from 'node:fs';
import { PassThrough, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export interface GzipFileOptions {
  /**
   * Aborting it stops the work, rejects with an AbortError and removes the partial output, at any
   * moment until the promise settles: the source may be read to the end while the compressor and
   * dest are still busy, and dest is not complete until they are done.
   */
  signal?: AbortSignal;
  /** An extra stage the raw bytes pass through before compression: a progress meter, a hash. */
  through?: Transform;
}

/**
 * Compresses the file `src` into the gzip file `dest`. On success `dest` holds the complete
 * output; on any failure the promise rejects with that error and no `dest` is left behind.
 */
export async function gzipFile(
  src: string,
  dest: string,
  options: GzipFileOptions = {},
): Promise<void> {
  // TODO: options.signal is ignored, so nothing can stop a long compression.
  const { through } = options;

  // TODO: when any stage fails, this rejects but leaves whatever was written so far in dest: an
  // empty or truncated .gz that the next tool will choke on.
  await pipeline(
    createReadStream(src),
    through ?? new PassThrough(),
    createGzip(),
    createWriteStream(dest),
  );
}
