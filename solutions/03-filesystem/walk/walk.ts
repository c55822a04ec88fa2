import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/**
 * Yields the path of every file under `dir` (`dir` joined with the names on the way down),
 * depth first, with each directory's entries sorted by name in code-unit order (what
 * `Array#sort` does with strings). Symlinks are followed: a link to a file is yielded as a file,
 * a link to a directory is walked through the link's path, and a link that leads nowhere is
 * skipped (dangling, through a file like `a.txt/x`, or round a circle of links). Each real
 * directory is entered at most once, so a link back up the tree cannot make it loop.
 */
export async function* walk(dir: string): AsyncGenerator<string> {
  yield* visit(dir, new Set<string>());
}

async function* visit(dir: string, entered: Set<string>): AsyncGenerator<string> {
  // However many links lead to a directory, it has one realpath. Seeing it again means a loop
  // (or a second way into a directory already walked), and walking it again would repeat files.
  const real = await realpath(dir);
  if (entered.has(real)) return;
  entered.add(real);

  const entries = await readdir(dir, { withFileTypes: true });
  // readdir() promises no order. Node on Linux and macOS happens to sort names by their UTF-8
  // bytes, which is not code-unit order: by code unit "😀" (D83D DE00) comes before "Ａ" (FF21).
  // Names in one directory are unique, so the comparator's 0 is never actually used.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    // A Dirent describes the entry itself, like lstat(): for a symlink both isFile() and
    // isDirectory() are false, so only a link costs an extra stat() to see its target.
    const kind = entry.isSymbolicLink() ? await targetKind(path) : kindOf(entry);
    if (kind === 'directory') yield* visit(path, entered);
    else if (kind === 'file') yield path;
  }
}

type Kind = 'file' | 'directory' | 'other';

function kindOf(info: { isFile(): boolean; isDirectory(): boolean }): Kind {
  return info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other';
}

async function targetKind(link: string): Promise<Kind> {
  try {
    return kindOf(await stat(link));
  } catch (error) {
    // A broken link is not the walk's fault; anything else (EACCES, EIO) is worth hearing about.
    if (isBrokenLink(error)) return 'other';
    throw error;
  }
}

/** stat() of a link to nothing (ENOENT), through a file (ENOTDIR) or to itself (ELOOP). */
function isBrokenLink(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP';
}

/** Total size in bytes of the regular files under `dir`, each file counted once. */
export async function du(dir: string): Promise<number> {
  // A hard link is a second name for the same file, and a symlink to a file a path to it: only
  // the device and inode number identify the file itself. bigint keeps large inode numbers exact.
  const counted = new Set<string>();
  let total = 0;
  for await (const path of walk(dir)) {
    const info = await stat(path, { bigint: true });
    const id = `${info.dev}:${info.ino}`;
    if (counted.has(id)) continue;
    counted.add(id);
    total += Number(info.size);
  }
  return total;
}

/** The files under `dir` whose extension is `ext` ("md" or ".md", any case), in walk order. */
export async function findByExt(dir: string, ext: string): Promise<string[]> {
  const wanted = (ext.startsWith('.') ? ext : `.${ext}`).toLowerCase();
  const found: string[] = [];
  for await (const path of walk(dir)) {
    // extname() looks at the last dot of the name: "notes.mytxt" is ".mytxt", not a ".txt".
    if (extname(path).toLowerCase() === wanted) found.push(path);
  }
  return found;
}
