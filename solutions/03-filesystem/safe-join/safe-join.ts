import { readlink, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Turns a path that came from a user (a URL, an upload's file name, an archive entry) into the
 * real absolute path it names inside `root`, or rejects if it would leave `root`.
 *
 * Rejects with an Error whose `code` is:
 * - 'ERR_INVALID_PATH' for a NUL byte or broken percent-encoding,
 * - 'ERR_PATH_ESCAPE' for an absolute path, even one into `root` (a user's path is relative to
 *   it), and for anything that leads outside `root`, as written or once symlinks are followed:
 *   `..`, an encoded or backslashed `..`, a symlink that points outside, or a `..` out to a
 *   symlink that leads back in,
 * - the filesystem's own code for a path that cannot be resolved: ELOOP for a circle of
 *   symlinks, ENOTDIR for a file used as a directory.
 * The path does not have to exist yet, so it can name a file that is about to be created.
 */
export async function safeJoin(root: string, userPath: string): Promise<string> {
  let decoded: string;
  try {
    // Decode exactly once, here: the checks below must see what the filesystem will see.
    // Decoding again later would turn "%252e" into "%2e" into "." after the checks ran.
    decoded = decodeURIComponent(userPath);
  } catch {
    throw pathError(
      'ERR_INVALID_PATH',
      `malformed percent-encoding in ${JSON.stringify(userPath)}`,
    );
  }
  // C system calls end a path at a NUL byte, so "a.txt\0.png" could pass an extension check
  // and still open "a.txt". Nothing legitimate contains one.
  if (decoded.includes('\0')) throw pathError('ERR_INVALID_PATH', 'path contains a NUL byte');

  // Windows clients (and Node on Windows) treat "\" as a separator: "..\..\etc" is traversal.
  const relativePath = decoded.replaceAll('\\', '/');
  if (isAbsolute(relativePath)) throw escapeError(userPath);

  // Compare real paths on both sides: the root itself may be reached through a symlink
  // (/tmp is one on macOS).
  const realRoot = await realpath(root);
  // resolve() collapses "." and ".." lexically; this catches plain traversal before any I/O,
  // and also "../root-link/x", which the realpath check alone would let back in through a link
  // outside the root: whatever the link leads to, the client has named something outside.
  if (!isInside(realRoot, resolve(realRoot, relativePath))) throw escapeError(userPath);

  // A symlink inside root may point anywhere. Only the filesystem knows where a path really
  // leads, so ask it, even for a path whose last parts do not exist yet.
  const real = await realpathOfMaybeMissing(resolve(realRoot, relativePath));
  if (!isInside(realRoot, real)) throw escapeError(userPath);
  return real;
}

/** realpath() that also works when the end of the path does not exist yet. */
async function realpathOfMaybeMissing(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    // Only ENOENT means "not there yet". ELOOP (a circle of links) never resolves: walking it by
    // hand with readlink() would go round forever. ENOTDIR (a file used as a directory) can
    // never be created.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Either the path is missing, or it is a symlink whose target is missing. Creating a file
  // through such a dangling link creates its target, so follow the link rather than trusting it.
  const link = await readlink(path).catch(() => undefined);
  if (link !== undefined) return realpathOfMaybeMissing(resolve(dirname(path), link));
  // The deepest existing ancestor decides where the missing part would be created. The walk up
  // stops at realRoot at the latest, which exists: realpath(root) succeeded.
  return resolve(await realpathOfMaybeMissing(dirname(path)), basename(path));
}

function isInside(root: string, path: string): boolean {
  // relative() instead of startsWith(root): "/srv/app-secrets" starts with "/srv/app" too.
  // The root itself gives "", which passes.
  const rel = relative(root, path);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function escapeError(userPath: string): Error {
  return pathError('ERR_PATH_ESCAPE', `${JSON.stringify(userPath)} leads outside the root`);
}

function pathError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
