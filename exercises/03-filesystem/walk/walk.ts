import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Yields the path of every file under `dir` (`dir` joined with the names on the way down),
 * depth first, with each directory's entries sorted by name in code-unit order (what
 * `Array#sort` does with strings). Symlinks are followed: a link to a file is yielded as a file,
 * a link to a directory is walked through the link's path, and a link that leads nowhere is
 * skipped (dangling, through a file like `a.txt/x`, or round a circle of links). Each real
 * directory is entered at most once, so a link back up the tree cannot make it loop.
 *
 * This version works on a tree of plain files and directories.
 */
export async function* walk(dir: string): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    // TODO: a Dirent describes the entry itself, so for a symlink isFile() and isDirectory() are
    // both false and every link is silently skipped. Following links brings two new problems: a
    // link can point back up the tree, and two links can lead into the same directory.
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/** Total size in bytes of the regular files under `dir`, each file counted once. */
export async function du(dir: string): Promise<number> {
  let total = 0;
  for await (const path of walk(dir)) {
    // TODO: two paths can name the same file (a hard link, or a symlink to a file). This adds
    // its size once per path.
    total += (await stat(path)).size;
  }
  return total;
}

/** The files under `dir` whose extension is `ext` ("md" or ".md", any case), in walk order. */
export async function findByExt(dir: string, ext: string): Promise<string[]> {
  const found: string[] = [];
  for await (const path of walk(dir)) {
    // TODO: case-sensitive, needs the dot-less form, and "notes.mytxt" ends with "txt" too.
    if (path.endsWith(ext)) found.push(path);
  }
  return found;
}
