import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { readOrDefault, toHttp, withLock } from './fs-errors.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fs-errors-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The error `action` fails with, made for real by the filesystem. */
async function realError(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  expect.fail('the test expected this filesystem call to fail, and it did not');
}

/** The errors the tests can make for real, each with the absolute path Node puts in it. */
async function realErrors(): Promise<Record<'ENOENT' | 'ENOTDIR' | 'EISDIR' | 'EEXIST', unknown>> {
  const file = join(dir, 'report.txt');
  await writeFile(file, 'data');
  return {
    ENOENT: await realError(() => readFile(join(dir, 'missing.txt'))),
    ENOTDIR: await realError(() => readFile(join(file, 'child.txt'))),
    EISDIR: await realError(() => readFile(dir)),
    EEXIST: await realError(() => writeFile(file, 'again', { flag: 'wx' })),
  };
}

/**
 * An error shaped like the ones node:fs throws, for the codes a test cannot cause on purpose
 * (a full disk, a process out of file descriptors, permissions when the tests run as root).
 */
function fakeError(code: string, path = '/srv/app/data/users/42.json'): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated failure, open '${path}'`), {
    code,
    errno: -1,
    syscall: 'open',
    path,
  });
}

/** How a call ended, as one short string, so a failure shows one line instead of a stack. */
async function howItEnded(result: Promise<unknown>, ms = 1000): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`still pending after ${ms} ms`), ms);
  });
  const outcome = result.then(
    (value) => `resolved with ${JSON.stringify(value)}`,
    (error: unknown) => {
      const code = (error as { code?: unknown } | null)?.code;
      return typeof code === 'string' ? `rejected with ${code}` : `rejected with ${String(error)}`;
    },
  );
  try {
    return await Promise.race([outcome, guard]);
  } finally {
    clearTimeout(timer);
  }
}

/** toHttp(error).status, or what toHttp() threw: it must never throw. */
function statusOf(error: unknown): number | string {
  try {
    return toHttp(error).status;
  } catch (thrown) {
    return `toHttp() threw ${String(thrown)}`;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Runs `work` while noting every FileHandle one of whose methods is called (writing the pid
 * through the lock's handle, say), and says afterwards how many of them are still open: a
 * closed FileHandle's fd is -1. Whatever was left open is closed here, so it cannot leak.
 */
async function handlesLeftOpen(work: () => Promise<unknown>): Promise<number> {
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as Record<string, Method>;
  await probe.close();
  await rm(join(dir, 'probe'));
  const seen = new Set<{ fd: number; close(): Promise<void> }>();
  const originals: Record<string, Method> = {};
  for (const name of Object.getOwnPropertyNames(proto)) {
    const { value } = Object.getOwnPropertyDescriptor(proto, name) ?? {};
    if (name === 'constructor' || typeof value !== 'function') continue;
    const original = value as Method;
    originals[name] = original;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      seen.add(this as { fd: number; close(): Promise<void> });
      return original.apply(this, args);
    };
  }
  try {
    await work();
  } finally {
    Object.assign(proto, originals);
  }
  const leftOpen = [...seen].filter((handle) => handle.fd !== -1);
  await Promise.all(leftOpen.map((handle) => handle.close().catch(() => {})));
  return leftOpen.length;
}

/** A promise fn() can wait on, and the function that lets it go. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

describe('toHttp()', () => {
  it('maps a missing file and a path through a file to 404', async () => {
    const errors = await realErrors();
    expect(statusOf(errors.ENOENT), 'ENOENT (no such file) is a 404').toBe(404);
    expect(
      statusOf(errors.ENOTDIR),
      'ENOTDIR (a path like report.txt/child.txt that goes through a file) cannot exist ' +
        'either: it is a 404 too',
    ).toBe(404);
  });

  it('maps reading a directory to 400 and an existing file to 409', async () => {
    const errors = await realErrors();
    expect(
      statusOf(errors.EISDIR),
      'EISDIR (the client asked to read a directory as a file) is a bad request: 400',
    ).toBe(400);
    expect(
      statusOf(errors.EEXIST),
      'EEXIST (creating something that already exists) is a conflict: 409',
    ).toBe(409);
  });

  it('maps EACCES and EPERM to 403', () => {
    for (const code of ['EACCES', 'EPERM']) {
      expect(statusOf(fakeError(code)), `${code} (not allowed) is a 403`).toBe(403);
    }
  });

  it('maps running out of file descriptors to 503 and a full disk to 507', () => {
    for (const code of ['EMFILE', 'ENFILE']) {
      expect(
        statusOf(fakeError(code)),
        `${code} (too many open files) is temporary and not the client's fault: 503`,
      ).toBe(503);
    }
    expect(statusOf(fakeError('ENOSPC')), 'ENOSPC (no space left) is a 507').toBe(507);
  });

  it('maps every other error, and things that are not errors, to 500', () => {
    const others: Array<[string, unknown]> = [
      ['an Error without a code', new Error('boom')],
      ['an unrelated code (ECONNRESET)', fakeError('ECONNRESET')],
      ['a code that is not a string', { code: 404 }],
      ['a code that is an array, even one that reads "ENOENT" as a string', { code: ['ENOENT'] }],
      ['a thrown string', 'ENOENT'],
      ['null', null],
      ['undefined', undefined],
    ];
    for (const [what, error] of others) {
      expect(
        statusOf(error),
        `${what} must give 500, and toHttp() must never throw: anything can be thrown`,
      ).toBe(500);
    }
  });

  it("does not find a code among an object's inherited properties", () => {
    for (const code of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(
        statusOf({ code }),
        `an error whose code is ${JSON.stringify(code)} must give 500: looking the code up in a ` +
          'plain object finds what every object inherits from Object.prototype. Check with ' +
          'Object.hasOwn() first, or keep the table in a Map',
      ).toBe(500);
    }
  });

  it('never puts a path in the message', async () => {
    const errors: unknown[] = [
      ...Object.values(await realErrors()),
      ...['EACCES', 'EMFILE', 'ENOSPC', 'EIO'].map((code) => fakeError(code)),
      new Error('cannot parse /srv/app/data/users/42.json'),
    ];
    for (const error of errors) {
      const code = (error as { code?: string }).code ?? 'no code';
      let message: unknown;
      try {
        message = toHttp(error).message;
      } catch (thrown) {
        message = `toHttp() threw ${String(thrown)}`;
      }
      expect(typeof message, `${code}: the message must be a string`).toBe('string');
      expect(
        String(message).includes(dir) || String(message).includes('/srv/app'),
        `${code}: the message goes to the client and must not contain the absolute path: ` +
          `Node's error.message does ("ENOENT: no such file or directory, open '/...'"), so ` +
          `write your own. Got ${JSON.stringify(message)}`,
      ).toBe(false);
      expect(String(message).trim(), `${code}: the message must not be empty`).not.toBe('');
    }
  });
});

describe('readOrDefault()', () => {
  it('returns the contents of a file that exists', async () => {
    const path = join(dir, 'greeting.txt');
    await writeFile(path, 'héllo\n');
    expect(await readOrDefault(path, 'fallback'), 'the file, decoded as UTF-8').toBe('héllo\n');
  });

  it('returns an empty file as an empty string, not the fallback', async () => {
    const path = join(dir, 'empty.txt');
    await writeFile(path, '');
    expect(
      await readOrDefault(path, 'fallback'),
      'an empty file exists: return "" (a `|| fallback` treats "" as missing)',
    ).toBe('');
  });

  it('returns the fallback when the file does not exist', async () => {
    expect(
      await howItEnded(readOrDefault(join(dir, 'missing.txt'), 'fallback')),
      'a missing file (ENOENT) is the one case that returns the fallback',
    ).toBe('resolved with "fallback"');
  });

  it('rethrows every other error', async () => {
    const file = join(dir, 'report.txt');
    await writeFile(file, 'data');
    expect(
      await howItEnded(readOrDefault(dir, 'fallback')),
      'reading a directory fails with EISDIR: that is a bug to report, not a missing file to ' +
        'replace with the fallback. Return the fallback only when error.code is ENOENT',
    ).toBe('rejected with EISDIR');
    expect(
      await howItEnded(readOrDefault(join(file, 'child.txt'), 'fallback')),
      'a path through a file fails with ENOTDIR: rethrow it, only ENOENT gives the fallback',
    ).toBe('rejected with ENOTDIR');
  });
});

describe('withLock()', () => {
  it("holds the lock file while fn runs, returns fn's result and removes the lock", async () => {
    const lock = join(dir, 'job.lock');
    let heldDuringFn = false;
    let lockContent = '';
    const result = await withLock(lock, async () => {
      heldDuringFn = await exists(lock);
      lockContent = heldDuringFn ? await readFile(lock, 'utf8') : '';
      return 42;
    });
    expect(heldDuringFn, 'the lock file must exist while fn runs').toBe(true);
    expect(
      lockContent.trim(),
      'the lock file must hold the process id (process.pid), so that whoever finds a lock left ' +
        'behind by a crash can tell which process it was',
    ).toBe(String(process.pid));
    expect(result, "withLock() must resolve with fn's result").toBe(42);
    expect(await exists(lock), 'the lock file must be removed once fn has finished').toBe(false);
  });

  it('fails at once with ELOCKED while another call holds the lock', async () => {
    const lock = join(dir, 'job.lock');
    const first = gate();
    const holder = withLock(lock, () => first.wait);
    await new Promise((resolve) => setTimeout(resolve, 20));
    let secondRan = false;
    expect(
      await howItEnded(
        withLock(lock, async () => {
          secondRan = true;
        }),
      ),
      'while the lock file exists, a second withLock() must reject straight away with an Error ' +
        "whose code is 'ELOCKED' (not wait for the lock, not run fn)",
    ).toBe('rejected with ELOCKED');
    expect(secondRan, 'fn must not run when the lock is held').toBe(false);
    expect(await exists(lock), "the failed call must not remove the holder's lock").toBe(true);
    first.open();
    await holder;
    expect(await exists(lock), 'the holder removes the lock when it is done').toBe(false);
  });

  it('lets exactly one of two calls that start together take the lock', async () => {
    const lock = join(dir, 'job.lock');
    const done = gate();
    const outcomes = await Promise.all([
      howItEnded(withLock(lock, () => done.wait.then(() => 'a'))),
      howItEnded(withLock(lock, () => done.wait.then(() => 'b'))),
      // Gives both calls time to try for the lock before either fn may finish.
      new Promise((resolve) => setTimeout(resolve, 50)).then(done.open),
    ]);
    expect(
      outcomes.slice(0, 2).filter((o) => o === 'rejected with ELOCKED').length,
      `exactly one call must get ELOCKED (got ${outcomes.slice(0, 2).join(' and ')}): checking ` +
        'that the file is missing and then creating it are two steps that another call can ' +
        "fall between; open it with the 'wx' flag, which does both in one atomic step",
    ).toBe(1);
  });

  it('removes the lock when fn throws, and rethrows the error', async () => {
    const lock = join(dir, 'job.lock');
    const failure = new Error('the job failed');
    let thrown: unknown;
    try {
      await withLock(lock, async () => {
        throw failure;
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown, "withLock() must reject with fn's own error").toBe(failure);
    expect(
      await exists(lock),
      'the lock must be removed even when fn throws (try/finally), or every later call fails ' +
        'with ELOCKED until someone deletes the file by hand',
    ).toBe(false);
    expect(
      await howItEnded(withLock(lock, async () => 'next')),
      'after a failed job, the next withLock() must get the lock',
    ).toBe('resolved with "next"');
  });

  it('closes the lock file it opened', async () => {
    const lock = join(dir, 'job.lock');
    expect(
      await handlesLeftOpen(() => withLock(lock, async () => 'ran')),
      'the FileHandle of the lock file was left open: close it once the pid is written (in a ' +
        'finally, so a failed write closes it too). Every call leaks a file descriptor ' +
        'otherwise, and a long-running process ends with EMFILE',
    ).toBe(0);
  });

  it("settles with fn's outcome even if the lock file is already gone", async () => {
    const lock = join(dir, 'job.lock');
    expect(
      await howItEnded(
        withLock(lock, async () => {
          await rm(lock);
          return 'done';
        }),
      ),
      'the lock was removed before fn finished (by hand, say): withLock() must still resolve ' +
        "with fn's result. Remove the lock with rm(lockPath, { force: true }), not unlink() or " +
        'a plain rm(), which fail with ENOENT when there is nothing to remove',
    ).toBe('resolved with "done"');
    expect(
      await howItEnded(
        withLock(lock, async () => {
          await rm(lock);
          throw Object.assign(new Error('the job failed'), { code: 'EJOB' });
        }),
      ),
      "when fn throws and the lock is already gone, the call must reject with fn's error, not " +
        'with the ENOENT of removing a lock that is not there',
    ).toBe('rejected with EJOB');
  });

  it('leaves a lock it did not create alone', async () => {
    const lock = join(dir, 'job.lock');
    await writeFile(lock, 'held by process 4242\n');
    expect(await howItEnded(withLock(lock, async () => 'ran')), 'the lock is held').toBe(
      'rejected with ELOCKED',
    );
    expect(
      await howItEnded(readFile(lock, 'utf8')),
      'a call that did not get the lock must not remove it: put only the code after a ' +
        'successful open inside the try/finally that removes the lock',
    ).toBe('resolved with "held by process 4242\\n"');
  });

  it('passes on errors other than EEXIST unchanged', async () => {
    expect(
      await howItEnded(withLock(join(dir, 'no-such-dir', 'job.lock'), async () => 'ran')),
      'only EEXIST means the lock is held: a lock in a directory that does not exist fails ' +
        'with ENOENT, and the caller must see that, not ELOCKED',
    ).toBe('rejected with ENOENT');
  });
});
