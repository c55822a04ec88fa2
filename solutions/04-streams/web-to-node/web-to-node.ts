import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

/**
 * Runs the bytes of a web ReadableStream through a Node Transform and hands the result back as
 * a web ReadableStream. Output flows while input is still arriving, a slow consumer slows down
 * the source, an error on either side reaches the consumer, and cancelling the result destroys
 * the transform and cancels the source.
 */
export function transformWeb(
  stream: ReadableStream<Uint8Array>,
  transform: Transform,
): ReadableStream<Uint8Array> {
  // fromWeb() pulls from the web reader only while its own buffer is below its highWaterMark,
  // so the transform's backpressure reaches all the way back to the web source.
  // (The cast only reconciles two TypeScript declarations of the same class.)
  const source = Readable.fromWeb(stream as NodeReadableStream<Uint8Array>);
  // pipeline(), not pipe(): a failing source destroys the transform with the same error, and a
  // destroyed transform (a failure, or the consumer cancelling) destroys the source, which
  // cancels the web stream underneath.
  pipeline(source, transform).catch(() => {
    // Nothing to do here: the error has already destroyed `transform`, and toWeb() below passes
    // it on to whoever reads the result. Catching only keeps it from being unhandled.
  });
  // toWeb() reads the transform on demand and errors the web stream when it is destroyed with
  // an error; cancelling the web stream destroys the transform.
  return Readable.toWeb(transform) as ReadableStream<Uint8Array>;
}
