import { open, readFile, rm } from 'node:fs/promises';

export interface HttpError {
  status: number;
  message: string;
}

// One generic message per status. Node's own messages ("ENOENT: no such file or directory,
// open '/srv/app/data/users/42.json'") name absolute paths, which tell a client how the server
// is laid out; they belong in the server's log, not in a response.
const NOT_FOUND = { status: 404, message: 'Not found' };
const FORBIDDEN = { status: 403, message: 'Permission denied' };
const BUSY = { status: 503, message: 'Server busy, try again later' };

const byCode: Record<string, HttpError> = {
  ENOENT: NOT_FOUND,
  // A path that runs through a file ("report.pdf/x") cannot exist either.
  ENOTDIR: NOT_FOUND,
  EACCES: FORBIDDEN,
  EPERM: FORBIDDEN,
  EEXIST: { status: 409, message: 'Already exists' },
  EISDIR: { status: 400, message: 'Is a directory' },
  // Out of file descriptors, for this process (EMFILE) or the whole system (ENFILE): it passes
  // once other requests close their files, so the client may retry.
  EMFILE: BUSY,
  ENFILE: BUSY,
  ENOSPC: { status: 507, message: 'Insufficient storage' },
};

/** Maps a filesystem error to an HTTP status and a message that is safe to send to a client. */
export function toHttp(error: unknown): HttpError {
  const code = (error as { code?: unknown } | null)?.code;
  // Object.hasOwn: a code such as 'toString' must not find something on the prototype.
  const known = typeof code === 'string' && Object.hasOwn(byCode, code) ? byCode[code] : undefined;
  return { ...(known ?? { status: 500, message: 'Internal server error' }) };
}

/** Reads `path` as UTF-8, or returns `fallback` when the file does not exist. */
export async function readOrDefault(path: string, fallback: string): Promise<string> {
  // Read and handle the error, rather than checking first: between an exists() check and the
  // read, the file can appear or disappear.
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    // Only "there is no such file" means "use the default". A directory, a permission problem
    // or a full disk is a real failure, and hiding it would serve defaults in silence.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw error;
  }
}

/**
 * Runs `fn` while holding a lock file at `lockPath`, which holds the process id (whoever finds a
 * lock left behind by a crash can tell which process it was). Fails at once with an Error whose
 * code is 'ELOCKED' if the lock is already held, and always removes the lock it created once
 * `fn` settles, whether it resolved or threw. The call settles as `fn` did, even if the lock
 * file has gone in the meantime (removed by hand, say). No file is left open.
 */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  // 'wx' is O_CREAT | O_EXCL: creating the file and checking that it did not exist are one
  // atomic step, so of two processes racing for the lock exactly one gets it.
  const handle = await open(lockPath, 'wx').catch((error: NodeJS.ErrnoException) => {
    // EEXIST is the only error that means "held". A missing directory or a read-only disk is a
    // different problem, and the caller should see it as it is.
    if (error.code !== 'EEXIST') throw error;
    throw Object.assign(new Error(`lock ${lockPath} is held`), { code: 'ELOCKED', cause: error });
  });
  // The lock is ours from here on, and only ours to remove: this try starts after the open, so
  // a caller that got ELOCKED never deletes a lock that somebody else holds.
  try {
    try {
      // Whoever finds a stale lock can see which process left it.
      await handle.writeFile(`${process.pid}\n`);
    } finally {
      await handle.close();
    }
    return await fn();
  } finally {
    // force: a lock that is already gone (removed by hand, say) is not worth an ENOENT that
    // would replace fn's result or fn's own error.
    await rm(lockPath, { force: true });
  }
}
