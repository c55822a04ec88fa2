import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces the file at `path` with `data` so that every reader sees either the old content or
 * the new content in full, never a mix, even if writing fails halfway or the machine crashes.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | AsyncIterable<Uint8Array>,
): Promise<void> {
  // Same directory, so the same filesystem: rename() is only atomic within one filesystem.
  // A unique name per call, so concurrent writers never share (and clobber) a temp file.
  const temp = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  let handle: FileHandle | undefined;
  try {
    // 'wx' fails instead of opening a file that somebody else already created under this name.
    handle = await open(temp, 'wx');
    // FileHandle.writeFile takes strings, bytes and async iterables alike, and writes every
    // byte (a single write() call may write fewer bytes than it was given).
    await handle.writeFile(data);
    // Without fsync, a crash soon after the rename can leave the new name pointing at a file
    // whose data never reached the disk: an empty file, which is exactly the torn write we avoid.
    await handle.sync();
    await handle.close();
    handle = undefined;
    // The atomic step: the name now points at the complete new file, or still at the old one.
    await rename(temp, path);
  } catch (error) {
    // Whatever failed (the data source, the disk, the rename), leave no temp file behind.
    await handle?.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
}
