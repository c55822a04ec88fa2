import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { writeFileAtomic } from './write-atomic.ts';

let dir: string;
let target: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'write-atomic-'));
  target = join(dir, 'settings.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const OLD = '{"version": 1, "comment": "the old content, which must survive a failed write"}\n';

/**
 * Yields each part as one chunk, letting the event loop turn in between (as a real source
 * does), and throws `failure` after `failAfter` chunks if it is given. `onPause` runs after
 * the first chunk, while the write is still in progress.
 */
async function* source(
  parts: string[],
  options: { failAfter?: number; failure?: Error; onPause?: () => Promise<void> } = {},
): AsyncGenerator<Uint8Array> {
  for (const [i, part] of parts.entries()) {
    if (i === options.failAfter) throw options.failure ?? new Error('source failed');
    yield Buffer.from(part);
    await nextTurn();
    if (i === 0 && options.onPause) await options.onPause();
  }
}

/** How a call ended, as one short string. */
async function howItEnded(result: Promise<unknown>): Promise<string> {
  try {
    await result;
    return 'resolved';
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return `rejected with ${typeof code === 'string' ? code : (error as Error).message}`;
  }
}

/** What is in the temp dir besides the target, described in one line. */
async function leftovers(): Promise<string> {
  const names = (await readdir(dir)).filter((name) => join(dir, name) !== target);
  return names.length === 0 ? 'nothing' : names.join(', ');
}

describe('writeFileAtomic()', () => {
  it('writes a string as UTF-8', async () => {
    await writeFileAtomic(target, 'héllo ✓\n');
    expect(await readFile(target, 'utf8'), 'the file must hold exactly the string').toBe(
      'héllo ✓\n',
    );
  });

  it('writes bytes exactly as given', async () => {
    const bytes = Uint8Array.from({ length: 256 * 1024 }, (_, i) => (i * 7) % 256);
    await writeFileAtomic(target, bytes);
    const written = await readFile(target);
    expect(written.length, 'the file must be as long as the Uint8Array').toBe(bytes.length);
    expect(written.equals(bytes), 'every byte must be written unchanged').toBe(true);
  });

  it('writes the chunks of an async iterable in order', async () => {
    const parts = Array.from({ length: 50 }, (_, i) => `chunk ${i}\n`);
    await writeFileAtomic(target, source(parts));
    expect(
      await readFile(target, 'utf8'),
      'the file must hold every chunk of the iterable, in order',
    ).toBe(parts.join(''));
  });

  it('replaces an existing longer file completely and leaves nothing else behind', async () => {
    await writeFile(target, OLD);
    await writeFileAtomic(target, 'short');
    expect(await readFile(target, 'utf8'), 'no tail of the old content may remain').toBe('short');
    expect(await leftovers(), 'a successful write must not leave a temp file behind').toBe(
      'nothing',
    );
  });

  it('keeps the old content visible until the new content is complete', async () => {
    await writeFile(target, OLD);
    let seenWhileWriting = '';
    await writeFileAtomic(
      target,
      source(['{"version": 2, ', '"comment": "new"}\n'], {
        onPause: async () => {
          seenWhileWriting = await readFile(target, 'utf8');
        },
      }),
    );
    expect(
      seenWhileWriting,
      'a reader opening the file during the write saw a truncated or half-written file: write ' +
        'to a temp file and rename it over the target only once it is complete',
    ).toBe(OLD);
  });

  it('creates its temp file in the same directory as the target', async () => {
    await writeFile(target, OLD);
    let inDirWhileWriting = '';
    await writeFileAtomic(
      target,
      source(['new ', 'content'], {
        onPause: async () => {
          inDirWhileWriting = await leftovers();
        },
      }),
    );
    expect(
      inDirWhileWriting,
      'while writing, a temp file must exist next to the target: rename() is atomic only ' +
        'within one filesystem, and os.tmpdir() is often another one (rename fails with EXDEV)',
    ).not.toBe('nothing');
  });

  it('keeps the old content when the data source throws midway', async () => {
    await writeFile(target, OLD);
    const failure = new Error('upstream connection reset');
    expect(
      await howItEnded(
        writeFileAtomic(target, source(['a', 'b', 'c', 'd'], { failAfter: 2, failure })),
      ),
      'the error thrown by the data source must reject the returned promise',
    ).toBe('rejected with upstream connection reset');
    expect(
      await readFile(target, 'utf8'),
      'a write that failed midway must leave the target exactly as it was, not torn',
    ).toBe(OLD);
  });

  it('removes its temp file when the data source throws', async () => {
    await writeFile(target, OLD);
    await howItEnded(writeFileAtomic(target, source(['a', 'b', 'c'], { failAfter: 1 })));
    expect(
      await leftovers(),
      'a failed write left its temp file behind: delete it in a catch (or finally) block',
    ).toBe('nothing');

    await rm(target);
    await howItEnded(writeFileAtomic(target, source(['a', 'b', 'c'], { failAfter: 2 })));
    expect(
      (await readdir(dir)).join(', ') || 'nothing',
      'a failed write to a new path must create neither the target nor a temp file',
    ).toBe('nothing');
  });

  it('removes its temp file when the final rename fails', async () => {
    // A directory in the target's place makes rename() fail after all the data was written.
    await mkdir(target);
    await writeFile(join(target, 'inside.txt'), 'x');
    expect(
      await howItEnded(writeFileAtomic(target, 'new content')),
      'renaming a file over a non-empty directory fails, and the error must reject the call',
    ).toMatch(/^rejected with (EISDIR|ENOTEMPTY|EEXIST)$/);
    expect(
      await leftovers(),
      'when rename() fails the temp file must be removed too: clean up on every failure, not ' +
        'only when writing the data fails',
    ).toBe('nothing');
  });

  it('flushes the data to the disk (FileHandle.sync) before renaming', async () => {
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as Record<'sync' | 'datasync', () => Promise<void>>;
    await probe.close();
    await rm(join(dir, 'probe'));
    await writeFile(target, OLD);

    const syncs: string[] = [];
    const original = { sync: proto.sync, datasync: proto.datasync };
    for (const name of ['sync', 'datasync'] as const) {
      proto[name] = function (this: unknown) {
        // Synchronous on purpose: it records what a reader sees at the moment of the fsync.
        syncs.push(readFileSync(target, 'utf8') === OLD ? 'before rename' : 'after rename');
        return original[name].call(this);
      };
    }
    try {
      await writeFileAtomic(target, 'new content');
    } finally {
      Object.assign(proto, original);
    }
    expect(
      syncs.join(', ') || 'never',
      'the temp file must be fsynced (await handle.sync()) before it is renamed: otherwise a ' +
        'crash can leave the new name pointing at a file whose data never reached the disk',
    ).toBe('before rename');
  });

  it('never produces a mixed file when writes to the same path overlap', async () => {
    await writeFile(target, OLD);
    const contents = ['A', 'B', 'C', 'D', 'E'].map((letter) => letter.repeat(8 * 1024));
    const results = await Promise.all(
      contents.map((content) =>
        howItEnded(writeFileAtomic(target, source(content.match(/.{1,1024}/g) ?? []))),
      ),
    );
    expect(
      results.join(', '),
      'every one of several overlapping writes to one path must succeed: a temp file name ' +
        'shared between calls (like path + ".tmp") is moved away by one writer under the others',
    ).toBe(contents.map(() => 'resolved').join(', '));
    const final = await readFile(target, 'utf8');
    expect(
      contents.includes(final) ? 'one complete content' : `a mix of ${new Set(final).size} writes`,
      'after overlapping writes the file must hold exactly one of the contents: each call needs ' +
        'its own temp file, or their chunks interleave',
    ).toBe('one complete content');
    expect(await leftovers(), 'overlapping writes must not leave temp files behind').toBe(
      'nothing',
    );
  });

  it('ends with the content of the write that finished last', async () => {
    await writeFile(target, OLD);
    let fastDone: Promise<void> = Promise.resolve();
    // The slow write starts first, but holds back its last chunk until the fast one is done.
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('slow, ');
      await nextTurn();
      await fastDone.catch(() => {});
      yield Buffer.from('started first and finished last');
    }
    const slowDone = writeFileAtomic(target, slow());
    await nextTurn();
    fastDone = writeFileAtomic(target, 'fast, started second and finished first');
    const results = [await howItEnded(slowDone), await howItEnded(fastDone)];
    expect(
      results.join(', '),
      'two overlapping writes to one path must both succeed: each needs a temp file of its own',
    ).toBe('resolved, resolved');
    expect(
      await readFile(target, 'utf8'),
      'the write that completed last must win, completely: the slow write renamed its own ' +
        'complete temp file after the fast one',
    ).toBe('slow, started first and finished last');
  });
});
