import { link, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { du, findByExt, walk } from './walk.ts';

/** A walk of these small trees yields fewer paths than this; more means it is going in circles. */
const MAX_PATHS = 100;
/** The trees take milliseconds to walk. A call still running after this is stuck in a loop. */
const GUARD_MS = 1500;
const STILL_RUNNING = `still running after ${GUARD_MS} ms`;

let base: string;
let root: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'walk-'));
  root = join(base, 'root');
  await mkdir(root);
});

afterEach(async () => {
  // Removing the tree also stops a walker that is still going round a loop in the background:
  // its next readdir() or stat() fails.
  await rm(base, { recursive: true, force: true });
});

/** Writes `size` bytes to a file under root/, creating its parent directories. */
async function file(path: string, size: number): Promise<void> {
  await mkdir(join(root, path, '..'), { recursive: true });
  await writeFile(join(root, path), Buffer.alloc(size, 0x61));
}

/**
 * The tree most tests use. Each file size is a different digit of 654321, so a wrong total says
 * which file was missed or counted twice.
 *
 *   root/a.txt              1 byte
 *   root/b/c.TXT            20 bytes
 *   root/b/d.md             300 bytes
 *   root/b/notes.mytxt      4000 bytes
 *   root/broken          -> nowhere (a dangling symlink)
 *   root/e/f.txt            50000 bytes
 *   root/e/hard.txt         a hard link to root/a.txt
 *   root/link-to-e       -> e (a second way into a directory that is walked anyway)
 *   root/m-out           -> ../outside (a directory outside the tree, with o.txt: 600000 bytes)
 *   root/z-link.txt      -> e/f.txt (a symlink to a file)
 *
 * With `loops`, two links lead back up: root/b/loop -> .. and root/e/up -> .. (both are root).
 */
async function buildTree(options: { loops?: boolean } = {}): Promise<void> {
  await file('a.txt', 1);
  await file('b/c.TXT', 20);
  await file('b/d.md', 300);
  await file('b/notes.mytxt', 4000);
  await symlink('nowhere', join(root, 'broken'));
  await file('e/f.txt', 50000);
  await link(join(root, 'a.txt'), join(root, 'e', 'hard.txt'));
  await symlink('e', join(root, 'link-to-e'), 'dir');
  await mkdir(join(base, 'outside'));
  await writeFile(join(base, 'outside', 'o.txt'), Buffer.alloc(600000, 0x6f));
  await symlink(join('..', 'outside'), join(root, 'm-out'), 'dir');
  await symlink(join('e', 'f.txt'), join(root, 'z-link.txt'));
  if (options.loops) {
    await symlink('..', join(root, 'b', 'loop'), 'dir');
    await symlink('..', join(root, 'e', 'up'), 'dir');
  }
}

/** What walk(root) yields for buildTree(), relative to root. */
const TREE_FILES = [
  'a.txt',
  'b/c.TXT',
  'b/d.md',
  'b/notes.mytxt',
  'e/f.txt',
  'e/hard.txt',
  'm-out/o.txt',
  'z-link.txt',
];

/** A path under root, relative and with "/" separators, as the expected lists are written. */
function rel(path: string): string {
  return relative(root, path).split(sep).join('/');
}

/**
 * What `work` resolves with; or, as one line, the error it rejects with, or STILL_RUNNING if it
 * takes longer than `ms`. Either way the assertion that follows shows a short readable failure.
 */
async function within<T>(ms: number, work: Promise<T>): Promise<T | string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(STILL_RUNNING), ms);
  });
  try {
    return await Promise.race([work, guard]);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return `rejected with ${typeof code === 'string' ? code : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Every path walk(dir) yields, relative to root, or one line saying why the walk was stopped:
 * after MAX_PATHS paths, or after GUARD_MS without finishing. A walker that follows a symlink
 * loop fails here with a short message instead of hanging the whole run.
 */
async function walkAll(dir: string, absolute = false): Promise<string[] | string> {
  const deadline = Date.now() + GUARD_MS;
  const paths: string[] = [];
  const iterator = walk(dir);
  try {
    for (;;) {
      const step = await within(deadline - Date.now(), iterator.next());
      if (typeof step === 'string') return `${step} (${paths.length} paths so far)`;
      if (step.done) return paths;
      paths.push(absolute ? step.value : rel(step.value));
      if (paths.length > MAX_PATHS) {
        return `more than ${MAX_PATHS} paths from a tree of ${TREE_FILES.length} files`;
      }
    }
  } finally {
    // Stops a generator parked at a yield; one stuck in an await is left to the afterEach rm.
    iterator.return(undefined).catch(() => undefined);
  }
}

/** findByExt(root, ext) relative to root, or one line saying how it failed (see within()). */
async function find(ext: string): Promise<string[] | string> {
  const found = await within(GUARD_MS, findByExt(root, ext));
  return typeof found === 'string' ? found : found.map(rel);
}

describe('walk()', () => {
  it('yields every file depth-first, with each directory sorted by name', async () => {
    // Created out of order: readdir() makes no promise about the order it returns.
    await file('c.txt', 1);
    await file('a/z.txt', 1);
    await file('b.txt', 1);
    await file('a/m/q.txt', 1);
    await mkdir(join(root, 'empty'));
    expect(
      await walkAll(root, true),
      'walk() must yield the full path (the directory it was given joined with the names) of ' +
        'every file and no directories, sorting each directory by name and descending into a ' +
        'subdirectory where its name falls in that order',
    ).toEqual(['a/m/q.txt', 'a/z.txt', 'b.txt', 'c.txt'].map((p) => join(root, p)));
  });

  it('sorts names by UTF-16 code unit, not by locale', async () => {
    await file('a.txt', 1);
    await file('_x.txt', 1);
    await file('B.txt', 1);
    expect(
      await walkAll(root),
      'names are sorted in code-unit order, what sort() does with strings: "B" (66) < "_" (95) ' +
        '< "a" (97). localeCompare() ignores case and puts punctuation first, and its order ' +
        'changes with the locale and ICU version; compare with < and >',
    ).toEqual(['B.txt', '_x.txt', 'a.txt']);
  });

  it('sorts by code unit where that differs from the byte order readdir() returns', async () => {
    // U+1F600 is two UTF-16 code units, D83D DE00, so by code unit it comes before U+FF21. In
    // UTF-8 it starts with the byte F0, after EF BC A1, and that is the order readdir() hands
    // back on Linux: it sorts the names by their bytes, but makes no promise to.
    await file('\uFF21.txt', 1);
    await file('\u{1F600}.txt', 1);
    await file('a.txt', 1);
    expect(
      await walkAll(root),
      'by code unit, what sort() does with strings, "\u{1F600}.txt" (D83D DE00) sorts before ' +
        '"\uFF21.txt" (FF21). Node on Linux returns names sorted by their UTF-8 bytes, which puts ' +
        'them the other way round: sort the entries yourself, comparing names with < and >',
    ).toEqual(['a.txt', '\u{1F600}.txt', '\uFF21.txt']);
  });

  it("sorts each directory's entries by name, not the whole paths", async () => {
    await file('a.txt', 1);
    await file('a-b.txt', 1);
    await file('a/z.txt', 1);
    expect(
      await walkAll(root),
      'the directory "a" sorts before "a-b.txt" and "a.txt" because its name is a prefix of ' +
        'theirs, and its files come where it falls. Sorting the full paths instead puts ' +
        '"a/z.txt" last, because "/" sorts after "-" and ".": sort the names in each directory ' +
        'before descending',
    ).toEqual(['a/z.txt', 'a-b.txt', 'a.txt']);
  });

  it('follows a symlink to a directory outside the tree', async () => {
    await file('a.txt', 1);
    await mkdir(join(base, 'outside'));
    await writeFile(join(base, 'outside', 'o.txt'), 'o');
    await symlink(join('..', 'outside'), join(root, 'm-out'), 'dir');
    expect(
      await walkAll(root),
      'a symlink to a directory must be followed, and the files under it yielded through the ' +
        "link's path: a Dirent from readdir() describes the link itself, so isDirectory() is " +
        'false for it; stat() the link to see what it points at',
    ).toEqual(['a.txt', 'm-out/o.txt']);
  });

  it('yields a symlink to a file as a file and skips a dangling symlink', async () => {
    await file('a.txt', 1);
    await symlink('nowhere', join(root, 'broken'));
    await symlink('a.txt', join(root, 'z-link.txt'));
    expect(
      await walkAll(root),
      'a symlink to a file is a file path and must be yielded; a symlink that points at ' +
        'nothing (stat() fails with ENOENT) must be skipped, not make the walk throw',
    ).toEqual(['a.txt', 'z-link.txt']);
  });

  it('skips a link that leads through a file or round a circle of links', async () => {
    await file('a.txt', 1);
    await symlink(join('a.txt', 'inside'), join(root, 'b-through-file'));
    await symlink('c-self', join(root, 'c-self'));
    await symlink('d-pong', join(root, 'd-ping'));
    await symlink('d-ping', join(root, 'd-pong'));
    expect(
      await walkAll(root),
      'these links lead nowhere, like a dangling one, and must be skipped, not make the walk ' +
        'throw: stat() fails with ENOTDIR for b-through-file (a.txt/inside: a.txt is not a ' +
        'directory) and with ELOOP for c-self (a link to itself) and d-ping and d-pong (links ' +
        'to each other), not with ENOENT',
    ).toEqual(['a.txt']);
  });

  it('enters each real directory once, however many links lead to it', async () => {
    await buildTree();
    expect(
      await walkAll(root),
      'root/link-to-e points at root/e, which was already walked: the same directory reached ' +
        'by a second path must be skipped (compare realpath() of each directory you enter)',
    ).toEqual(TREE_FILES);
  });

  it('does not follow a symlink loop', async () => {
    await buildTree({ loops: true });
    expect(
      await walkAll(root),
      'root/b/loop and root/e/up point back at root: a walker that follows every directory ' +
        'link without remembering where it has been goes round forever. Keep a Set of the ' +
        'realpath() of every directory entered and skip one already in it',
    ).toEqual(TREE_FILES);
  });
});

describe('du()', () => {
  it('adds up the sizes of the regular files', async () => {
    await file('a.txt', 1);
    await file('b/c.txt', 20);
    await file('b/d/e.txt', 300);
    await mkdir(join(root, 'empty'));
    expect(
      await within(GUARD_MS, du(root)),
      'du() must return the total size in bytes of every file in the tree',
    ).toBe(321);
  });

  it('counts a file with two hard links once', async () => {
    await file('a.txt', 1000);
    await mkdir(join(root, 'b'));
    await link(join(root, 'a.txt'), join(root, 'b', 'same.txt'));
    expect(
      await within(GUARD_MS, du(root)),
      'root/a.txt and root/b/same.txt are two names for one file (a hard link), which takes ' +
        'its 1000 bytes once: count each file once by the dev and ino of its stat(), not by path',
    ).toBe(1000);
  });

  it('counts each file once when links lead to it twice', async () => {
    await buildTree();
    expect(
      await within(GUARD_MS, du(root)),
      'expected 654321 bytes: each digit is one file (1 = a.txt, 20 = c.TXT, ..., 600000 = ' +
        'm-out/o.txt). A file reached by a hard link or a symlink too (e/hard.txt, ' +
        'z-link.txt) is counted once, by dev+ino; files behind a directory symlink count',
    ).toBe(654321);
  });

  it('finishes on a tree with a symlink loop', async () => {
    await buildTree({ loops: true });
    expect(
      await within(GUARD_MS, du(root)),
      'du() on a tree whose links loop back to root must finish: follow each real directory ' +
        '(realpath) once, or it recurses through root/b/loop/b/loop/... until it times out',
    ).toBe(654321);
  });
});

describe('findByExt()', () => {
  it('finds files by extension, ignoring case', async () => {
    await buildTree();
    expect(
      await find('txt'),
      'findByExt(dir, "txt") must return, in walk order, every file whose extension is .txt ' +
        'in any case (c.TXT too), including files behind symlinks',
    ).toEqual(['a.txt', 'b/c.TXT', 'e/f.txt', 'e/hard.txt', 'm-out/o.txt', 'z-link.txt']);
  });

  it('accepts the extension with or without the dot', async () => {
    await buildTree();
    for (const ext of ['md', '.md', '.MD']) {
      expect(
        await find(ext),
        `findByExt(dir, ${JSON.stringify(ext)}) must find b/d.md: "md", ".md" and ".MD" all ` +
          'mean the same extension',
      ).toEqual(['b/d.md']);
    }
  });

  it('matches the extension, not the end of the name', async () => {
    await file('notes.mytxt', 1);
    await file('readme-txt', 1);
    await file('todo.txt', 1);
    expect(
      await find('txt'),
      '"notes.mytxt" and "readme-txt" end in "txt" but their extension is not .txt: compare ' +
        'path.extname(), not the last characters of the name',
    ).toEqual(['todo.txt']);
  });

  it('finishes on a tree with a symlink loop', async () => {
    await buildTree({ loops: true });
    expect(
      await find('.md'),
      'findByExt() on a tree whose links loop back to root must finish and find b/d.md once',
    ).toEqual(['b/d.md']);
  });
});
