import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { gzipFile } from './gzip-file.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gzip-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `size` bytes of log-like text, the same every run: compressible, but not trivially. */
function logText(size: number): Buffer {
  let seed = 42;
  const lines: string[] = [];
  let length = 0;
  while (length < size) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const line = `${length} GET /item/${seed % 9973} ${200 + (seed % 3) * 100} ${seed}\n`;
    lines.push(line);
    length += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, size);
}

async function source(size: number): Promise<string> {
  const path = join(dir, 'access.log');
  await writeFile(path, logText(size));
  return path;
}

/**
 * A pass-through stage that counts what flows through it and runs `onChunk` for each chunk:
 * returning an Error from it fails the stage right there, mid-pipeline.
 */
function tap(onChunk: (index: number) => Error | void = () => {}) {
  let chunks = 0;
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      chunks++;
      bytes += chunk.length;
      callback(onChunk(chunks) ?? null, chunk);
    },
  });
  return { stream, chunks: () => chunks, bytes: () => bytes };
}

/**
 * How the call failed, in one line: 'AbortError', or the error's name and string code, or that
 * it did not fail. (An AbortError's code differs between a DOMException and Node's own.)
 */
async function failure(promise: Promise<void>): Promise<string> {
  try {
    await promise;
    return 'resolved without an error';
  } catch (error) {
    const { name, code } = error as { name?: string; code?: unknown };
    if (name === 'AbortError' || typeof code !== 'string') return String(name);
    return `${name} ${code}`;
  }
}

const leftOver =
  'a partial or empty destination file was left behind: when the pipeline fails, remove dest ' +
  '(rm with force: true) before rethrowing the error';

describe('gzipFile()', () => {
  it('writes a gzip file that decompresses to the original bytes', async () => {
    const original = logText(1024 * 1024);
    const src = await source(original.length);
    const dest = join(dir, 'access.log.gz');
    await gzipFile(src, dest);
    const compressed = await readFile(dest);
    expect(compressed.length, 'the output must be compressed').toBeLessThan(original.length / 2);
    expect(
      gunzipSync(compressed).equals(original),
      'gunzip(dest) must give back exactly the bytes of src',
    ).toBe(true);

    const empty = join(dir, 'empty.txt');
    await writeFile(empty, '');
    await gzipFile(empty, join(dir, 'empty.txt.gz'));
    expect(
      gunzipSync(await readFile(join(dir, 'empty.txt.gz'))).length,
      'an empty file compresses to a valid gzip file of nothing',
    ).toBe(0);
  });

  it('rejects with ENOENT for a missing source and leaves no destination', async () => {
    const dest = join(dir, 'missing.gz');
    expect(
      await failure(gzipFile(join(dir, 'missing.log'), dest)),
      'a missing source must reject with its ENOENT error',
    ).toBe('Error ENOENT');
    expect(existsSync(dest), leftOver).toBe(false);
  });

  it('rejects with an AbortError when aborted mid-way, and removes the partial file', async () => {
    const size = 4 * 1024 * 1024;
    const src = await source(size);
    const dest = join(dir, 'aborted.gz');
    const controller = new AbortController();
    // Abort as soon as the first chunk is on its way: the destination is open by then.
    const meter = tap((index) => {
      if (index === 1) controller.abort();
    });
    expect(
      await failure(gzipFile(src, dest, { signal: controller.signal, through: meter.stream })),
      'aborting the signal must reject with an AbortError: pass { signal } to pipeline()',
    ).toBe('AbortError');
    expect(meter.bytes(), 'the pipeline kept reading the source after the abort').toBeLessThan(
      size,
    );
    expect(existsSync(dest), leftOver).toBe(false);
  });

  it('still aborts after the whole source has been read, while the output is being written', async () => {
    const src = await source(1024 * 1024);
    const dest = join(dir, 'late-abort.gz');
    const controller = new AbortController();
    // flush() runs once the source has ended and every byte of it has passed through: from here
    // on only the compressor and the destination are still at work.
    const lastStage = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        callback(null, chunk);
      },
      flush(callback) {
        controller.abort();
        callback();
      },
    });
    expect(
      await failure(gzipFile(src, dest, { signal: controller.signal, through: lastStage })),
      'an abort that comes after the source has been read, but before dest is complete, must ' +
        'still reject with an AbortError: the signal has to stop every stage, not only the ' +
        'source (give it to pipeline(), not to createReadStream())',
    ).toBe('AbortError');
    expect(existsSync(dest), leftOver).toBe(false);
  });

  it('rejects at once for an already-aborted signal, without creating a file', async () => {
    const src = await source(64 * 1024);
    const dest = join(dir, 'never.gz');
    const meter = tap();
    expect(
      await failure(gzipFile(src, dest, { signal: AbortSignal.abort(), through: meter.stream })),
      'an already-aborted signal must reject with an AbortError',
    ).toBe('AbortError');
    expect(meter.chunks(), 'nothing should be read for a call that was aborted already').toBe(0);
    expect(existsSync(dest), leftOver).toBe(false);
  });

  it('rejects when the destination directory does not exist, and closes the other stages', async () => {
    const src = await source(256 * 1024);
    const dest = join(dir, 'no-such-dir', 'out.gz');
    const meter = tap();
    let caught: unknown;
    await gzipFile(src, dest, { through: meter.stream }).catch((error: unknown) => {
      caught = error;
    });
    // Only the code is checked, not the error's path: a solution that writes a temporary file
    // next to dest and renames it on success fails on the temporary file's path, which is fine.
    const { code, syscall } = (caught ?? {}) as { code?: unknown; syscall?: unknown };
    expect(
      code,
      "the destination's own error must come out, unchanged: ENOENT, because the directory " +
        'dest is in does not exist (not a new Error wrapping it)',
    ).toBe('ENOENT');
    expect(
      ['lstat', 'unlink', 'rm'],
      `the error came from removing dest (${String(syscall)}), not from writing it: dest was ` +
        'never created, so rm(dest) without { force: true } fails too and its error replaces ' +
        'the real one',
    ).not.toContain(syscall);
    expect(
      meter.stream.destroyed,
      'the stages before the failed destination were left open: .pipe() does not destroy the ' +
        'other streams when one fails, so the source file descriptor leaks. pipeline() does',
    ).toBe(true);
    expect(existsSync(src), 'the source file must be left alone').toBe(true);
  });

  it('removes the partial output when a stage fails mid-way', async () => {
    const src = await source(2 * 1024 * 1024);
    const dest = join(dir, 'partial.gz');
    const injected = Object.assign(new Error('checksum mismatch'), { code: 'EINJECTED' });
    const meter = tap((index) => (index === 4 ? injected : undefined));
    let caught: unknown;
    await gzipFile(src, dest, { through: meter.stream }).catch((error: unknown) => {
      caught = error;
    });
    expect(
      caught,
      'the error of the failing stage must reject the promise, unchanged: .pipe() does not ' +
        'forward it, pipeline() does',
    ).toBe(injected);
    expect(existsSync(dest), leftOver).toBe(false);
  });
});
