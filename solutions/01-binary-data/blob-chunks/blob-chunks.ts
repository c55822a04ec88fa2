/**
 * Cuts `blob` into consecutive pieces of `size` bytes (the last one may be shorter), for example
 * to upload a large file in parts. No bytes are copied or read: every piece is a slice.
 */
export function chunkBlob(blob: Blob, size: number): Blob[] {
  // A size of 0 would never advance, and a fractional byte count has no meaning.
  if (!Number.isInteger(size) || size <= 0) {
    throw new RangeError(`size must be a positive integer, got ${size}`);
  }
  const chunks: Blob[] = [];
  for (let start = 0; start < blob.size; start += size) {
    // slice() does not inherit the type: without the third argument every chunk would have
    // type "", and whoever receives it no longer knows what it is.
    chunks.push(blob.slice(start, start + size, blob.type));
  }
  return chunks;
}

/**
 * Reads `blob` from start to end through its stream, handing each chunk of bytes to `onChunk`
 * together with the offset of its first byte in the blob. Resolves with the number of bytes read.
 */
export async function readBlobInChunks(
  blob: Blob,
  onChunk: (chunk: Uint8Array, offset: number) => void | Promise<void>,
): Promise<number> {
  let offset = 0;
  // The stream hands over bytes as they are: no decoding, so binary data and UTF-8 characters cut
  // in half by a chunk boundary arrive intact. Only one chunk is in memory at a time.
  for await (const chunk of blob.stream()) {
    // Awaiting onChunk before asking for the next chunk is the backpressure: a slow consumer (an
    // upload, a hash, a disk write) slows the reading down instead of piling chunks up in memory.
    // If it throws, leaving the loop cancels the stream, which releases what it was reading from.
    await onChunk(chunk, offset);
    offset += chunk.byteLength;
  }
  return offset;
}
