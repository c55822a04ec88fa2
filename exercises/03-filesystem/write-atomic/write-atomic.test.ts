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

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** The prototype every FileHandle shares, so a test can watch or break its methods. */
async function fileHandlePrototype(): Promise<Record<string, Method>> {
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as Record<string, Method>;
  await probe.close();
  await rm(join(dir, 'probe'));
  return proto;
}

/** Runs `work` with the named FileHandle methods replaced, and puts the originals back. */
async function withMethods<T>(
  proto: Record<string, Method>,
  replacements: Record<string, (original: Method) => Method>,
  work: () => Promise<T>,
): Promise<T> {
  const originals: Record<string, Method> = {};
  for (const [name, replace] of Object.entries(replacements)) {
    originals[name] = proto[name]!;
    proto[name] = replace(proto[name]!);
  }
  try {
    return await work();
  } finally {
    Object.assign(proto, originals);
  }
}

/**
 * Runs `work` while noting every FileHandle one of whose methods is called (a handle that holds
 * the temp file is written to, at least), and says afterwards whether they were all closed: a
 * closed FileHandle's fd is -1. Whatever was left open is closed here, so it cannot leak.
 */
async function closedAfter(work: () => Promise<unknown>): Promise<string> {
  const proto = await fileHandlePrototype();
  const seen = new Set<{ fd: number; close(): Promise<void> }>();
  const watch: Record<string, (original: Method) => Method> = {};
  for (const name of Object.getOwnPropertyNames(proto)) {
    const { value } = Object.getOwnPropertyDescriptor(proto, name) ?? {};
    if (name === 'constructor' || typeof value !== 'function') continue;
    watch[name] = (original) =>
      function (this: unknown, ...args: unknown[]) {
        seen.add(this as { fd: number; close(): Promise<void> });
        return original.apply(this, args);
      };
  }
  const outcome = await withMethods(proto, watch, () => howItEnded(work()));
  const leftOpen = [...seen].filter((handle) => handle.fd !== -1);
  await Promise.all(leftOpen.map((handle) => handle.close().catch(() => {})));
  const handles =
    leftOpen.length === 0 ? 'every FileHandle closed' : `${leftOpen.length} FileHandle left open`;
  return `${outcome}, ${handles}`;
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

  it('closes its FileHandle when writing, fsync or rename fails', async () => {
    await writeFile(target, OLD);
    const eio = () => Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
    const proto = await fileHandlePrototype();
    const sourceThrows = await closedAfter(() =>
      writeFileAtomic(target, source(['a', 'b', 'c'], { failAfter: 1 })),
    );
    const fail = () => () => Promise.reject(eio());
    const fsyncFails = await withMethods(proto, { sync: fail, datasync: fail }, () =>
      closedAfter(() => writeFileAtomic(target, 'new content')),
    );
    // A directory in the target's place makes rename() fail after all the data was written.
    await rm(target);
    await mkdir(target);
    await writeFile(join(target, 'inside.txt'), 'x');
    const renameFails = (await closedAfter(() => writeFileAtomic(target, 'new content'))).replace(
      /^rejected with (EISDIR|ENOTEMPTY|EEXIST),/,
      "rejected with rename()'s error,",
    );
    expect(
      {
        'the data source throws': sourceThrows,
        'fsync fails': fsyncFails,
        'rename fails': renameFails,
      },
      'a FileHandle stayed open after a failed write: its file descriptor leaks until garbage ' +
        'collection (and in a long-running process, EMFILE). Close the handle in the catch (or ' +
        'a finally) on every failure path, not only after a successful write',
    ).toEqual({
      'the data source throws': 'rejected with source failed, every FileHandle closed',
      'fsync fails': 'rejected with EIO, every FileHandle closed',
      'rename fails': "rejected with rename()'s error, every FileHandle closed",
    });
  });

  it('rejects with the error of open() when the temp file cannot be created', async () => {
    let failure: unknown;
    const outcome = await howItEnded(
      writeFileAtomic(join(dir, 'no-such-dir', 'settings.json'), 'new content').catch(
        (error: unknown) => {
          failure = error;
          throw error;
        },
      ),
    );
    expect(
      outcome,
      "the target's directory does not exist, so creating the temp file fails with ENOENT, and " +
        'that error must reject the call. The cleanup in the catch must not assume the file was ' +
        'opened: a handle that is still undefined has no close()',
    ).toBe('rejected with ENOENT');
    expect(
      (failure as NodeJS.ErrnoException).syscall,
      "the call must reject with open()'s own error, not one from the cleanup: removing a temp " +
        'file that was never created fails too (rm() without { force: true }, or unlink(), ' +
        'throws ENOENT), and that error replaces the one that says what went wrong',
    ).toBe('open');
  });

  it('flushes the data to the disk (FileHandle.sync) before renaming', async () => {
    const proto = await fileHandlePrototype();
    await writeFile(target, OLD);
    const syncs: string[] = [];
    const record = (original: Method): Method =>
      function (this: unknown, ...args: unknown[]) {
        // Synchronous on purpose: it records what a reader sees at the moment of the fsync.
        syncs.push(readFileSync(target, 'utf8') === OLD ? 'before rename' : 'after rename');
        return original.apply(this, args);
      };
    await withMethods(proto, { sync: record, datasync: record }, () =>
      writeFileAtomic(target, 'new content'),
    );
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
