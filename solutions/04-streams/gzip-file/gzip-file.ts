import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
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
 * output; on any failure (a missing source, an unwritable destination, a failing stage, an abort)
 * the promise rejects with that error and no `dest` is left behind.
 */
export async function gzipFile(
  src: string,
  dest: string,
  options: GzipFileOptions = {},
): Promise<void> {
  const { signal, through } = options;
  // Nothing to undo yet: do not even create the destination for an already-aborted call.
  signal?.throwIfAborted();
  try {
    // pipeline() forwards an error from any stage, destroys every stream (closing both file
    // descriptors) and only then settles. The signal destroys them all in the same way.
    await pipeline(
      createReadStream(src),
      through ?? new PassThrough(),
      createGzip(),
      createWriteStream(dest),
      { signal },
    );
  } catch (error) {
    // A half-written .gz looks like a valid file to the next tool in line, until it tries to
    // decompress it. Remove it; `force` keeps a missing file from hiding the real error.
    await rm(dest, { force: true });
    throw error;
  }
}
