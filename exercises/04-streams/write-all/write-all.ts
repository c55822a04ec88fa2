import type { Writable } from 'node:stream';

export type Row = string | Uint8Array;

/**
 * Writes every row to `writable`, in order. It must resolve once every row has been flushed,
 * reject if the writable fails, and leave the writable open (no end()). It rejects with the
 * writable's error, or with an Error of its own when the writable was destroyed without one; a
 * writable destroyed before the call fails it too. A failure may show in the write callbacks,
 * in 'error', in 'close', or in only some of them (a stream created with emitClose: false never
 * emits 'close'). The writable outlives the call and may be shared: another writer, even another
 * writeAll(), can write to it at the same time. So once the call settles, none of the listeners
 * it added may be left on the writable.
 *
 * This version looks fine with a fast writable and a few rows. Give it a slow disk or a slow
 * client and a million rows, and it piles all of them up in memory.
 */
export async function writeAll(
  writable: Writable,
  rows: Iterable<Row> | AsyncIterable<Row>,
): Promise<void> {
  for await (const row of rows) {
    // TODO: write() returns false once the writable's buffer holds highWaterMark bytes or more.
    // The chunk is still accepted, and so is every chunk after it: the buffer just keeps
    // growing while the sink falls behind.
    writable.write(row);
  }
  // TODO: this resolves as soon as the last row was handed over, not once it was written.
  // TODO: a writable that fails (an 'error' event, or destroyed) is never noticed here.
}
