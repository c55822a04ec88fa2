import { join } from 'node:path';

/**
 * Turns a path that came from a user (a URL, an upload's file name, an archive entry) into the
 * real absolute path it names inside `root`, or rejects if it would leave `root`.
 *
 * - `userPath` is percent-decoded exactly once ("%2e%2e%2f" means "../"), and a backslash
 *   counts as a separator, like a slash.
 * - The result is a real path: symlinks resolved, the root's included. The path does not have to
 *   exist yet, so it can name a file that is about to be created.
 *
 * Rejects with an Error whose `code` is:
 * - 'ERR_INVALID_PATH' for a NUL byte or broken percent-encoding,
 * - 'ERR_PATH_ESCAPE' for an absolute path, even one into `root` (a user's path is relative to
 *   it), and for anything that leads outside `root`, as written or once symlinks are followed:
 *   `..`, an encoded or backslashed `..`, a symlink that points outside, or a `..` out to a
 *   symlink that leads back in,
 * - the filesystem's own code for a path that cannot be resolved: ELOOP for a circle of
 *   symlinks, ENOTDIR for a file used as a directory.
 */
export async function safeJoin(root: string, userPath: string): Promise<string> {
  // TODO: the user's path is used as it arrived: still percent-encoded, with backslashes, NUL
  // bytes and absolute paths let through.
  const full = join(root, userPath);

  // TODO: "/srv/app-secrets/key" starts with "/srv/app" too, so this check accepts a sibling
  // directory whose name merely begins with the root's name.
  if (!full.startsWith(root)) {
    throw Object.assign(new Error(`${userPath} leads outside the root`), {
      code: 'ERR_PATH_ESCAPE',
    });
  }

  // TODO: this only looks at the text of the path. A symlink inside root can point anywhere on
  // the disk, and only the filesystem knows where it leads.
  return full;
}
