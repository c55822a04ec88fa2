import { access, readFile, rm, writeFile } from 'node:fs/promises';

export interface HttpError {
  status: number;
  message: string;
}

/**
 * Maps a filesystem error to an HTTP status and a message that is safe to send to a client:
 *
 *   ENOENT, ENOTDIR  404      EEXIST  409      EMFILE, ENFILE  503
 *   EACCES, EPERM    403      EISDIR  400      ENOSPC          507
 *
 * Anything else, including values that are not errors at all, is a 500.
 */
export function toHttp(error: unknown): HttpError {
  const err = error as { code?: unknown; message?: unknown } | null | undefined;
  // TODO: only ENOENT is mapped. And err.message is Node's own message, which names the
  // absolute path on the server ("ENOENT: no such file or directory, open '/srv/...'").
  return { status: err?.code === 'ENOENT' ? 404 : 500, message: String(err?.message ?? error) };
}

/** Reads `path` as UTF-8, or returns `fallback` when the file does not exist. */
export async function readOrDefault(path: string, fallback: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    // TODO: "does not exist" is only one of the reasons a read can fail.
    return fallback;
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
  // TODO: checking that the file is missing and then creating it are two separate steps, and
  // another call can take the lock between them.
  const held = await access(lockPath).then(
    () => true,
    () => false,
  );
  if (held) throw Object.assign(new Error(`lock ${lockPath} is held`), { code: 'ELOCKED' });
  await writeFile(lockPath, `${process.pid}\n`);
  // TODO: if fn() throws, the next line never runs.
  const result = await fn();
  await rm(lockPath, { force: true });
  return result;
}
