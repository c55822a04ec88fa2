import type { Writable } from 'node:stream';

export type Row = string | Uint8Array;

/**
 * Writes every row to `writable`, in order, without ever letting its buffer grow much past its
 * highWaterMark. Resolves once every row has been flushed (the writable's callback for the last
 * one has run); rejects as soon as the writable fails, with its error. The writable is NOT ended,
 * so the caller can keep writing to it (a header, more batches, other writers) and decides when
 * to call end(); and every listener added here is removed before the call settles, so many calls
 * leave none behind.
 */
export async function writeAll(
  writable: Writable,
  rows: Iterable<Row> | AsyncIterable<Row>,
): Promise<void> {
  if (writable.destroyed) throw writable.errored ?? prematureClose();

  let failure: Error | null = null;
  let unflushed = 0; // rows written whose write callback has not run yet
  let wake = (): void => {};

  // A failure can happen at any moment, also while we are busy pulling the next row from an
  // async source, so it is recorded by listeners that live as long as the call. A stream that
  // fails never emits 'drain' again: whoever waits must be woken up by 'error' or 'close' too.
  // Each may be the only sign: a write that never comes back leaves 'close' alone, a stream
  // created with emitClose: false only 'error' or the write callbacks. And 'drain' is needed even
  // though our callbacks wake us: when another writer's row empties the buffer, none of ours does.
  const onDrain = (): void => wake();
  const onError = (error: Error): void => {
    failure ??= error;
    wake();
  };
  const onClose = (): void => {
    failure ??= writable.errored ?? prematureClose();
    wake();
  };
  const waitUntil = async (ready: () => boolean): Promise<void> => {
    while (!failure && !ready()) await new Promise<void>((resolve) => (wake = resolve));
    if (failure) throw failure;
  };

  writable.on('drain', onDrain).on('error', onError).on('close', onClose);
  try {
    for await (const row of rows) {
      if (failure) throw failure;
      unflushed++;
      const belowHighWaterMark = writable.write(row, (error) => {
        if (error) failure ??= error;
        unflushed--;
        wake();
      });
      // false means "the buffer is full": stop producing until the writable has emptied it.
      if (!belowHighWaterMark) await waitUntil(() => !writable.writableNeedDrain);
    }
    // Callbacks run in order, so when none is outstanding every row has reached the sink.
    await waitUntil(() => unflushed === 0);
  } finally {
    writable.off('drain', onDrain).off('error', onError).off('close', onClose);
  }
}

// The code finished() and pipeline() give the same situation, so callers can treat both alike.
function prematureClose(): Error {
  return Object.assign(new Error('the writable was destroyed before all rows were written'), {
    code: 'ERR_STREAM_PREMATURE_CLOSE',
  });
}
