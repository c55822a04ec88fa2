import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Runs the bytes of a web ReadableStream through a Node Transform and hands the result back as
 * a web ReadableStream. Output must flow while input is still arriving, a slow consumer must slow
 * down the source, an error on either side must reach the consumer, and cancelling the result
 * must destroy the transform and cancel the source.
 */
export function transformWeb(
  stream: ReadableStream<Uint8Array>,
  transform: Transform,
): ReadableStream<Uint8Array> {
  // TODO: this waits for the whole web stream and holds all of it in memory before the first
  // byte reaches the transform. A 2 GB download needs 2 GB of RAM, and a stream that stays open
  // (a live feed, a slow upload) never produces any output at all.
  const source = Readable.from(
    (async function* () {
      yield new Uint8Array(await new Response(stream).arrayBuffer());
    })(),
  );
  pipeline(source, transform).catch(() => {});
  return Readable.toWeb(transform) as ReadableStream<Uint8Array>;
}
