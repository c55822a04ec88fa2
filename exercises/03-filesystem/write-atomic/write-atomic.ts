import { writeFile } from 'node:fs/promises';

/**
 * Replaces the file at `path` with `data` so that every reader sees either the old content or
 * the new content in full, never a mix, even if writing fails halfway or the machine crashes.
 *
 * - `data` is a string (written as UTF-8), bytes, or an async iterable of byte chunks, which may
 *   throw partway through.
 * - If anything fails, the promise rejects with that error, the file at `path` is untouched
 *   (or still absent), no temporary file is left behind and no file is left open: a descriptor
 *   leaked on every failed write runs a long-lived process out of them (EMFILE).
 * - Several calls for the same path may run at the same time: the file ends up holding exactly
 *   one of their contents, that of the write that finished last.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | AsyncIterable<Uint8Array>,
): Promise<void> {
  // TODO: writeFile truncates the target first and then writes into it. Until it is done,
  // readers see an empty or half-written file, and if `data` throws midway the old content is
  // already gone. Nothing flushes the data to the disk either.
  await writeFile(path, data);
}
