import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { safeJoin } from './safe-join.ts';

/*
 * The layout every test starts from:
 *
 *   <base>/app/                      the root
 *     public/index.html
 *     docs/
 *     inside-link -> public          a symlink that stays inside
 *     outside-link -> <base>/outside a symlink that leaves
 *     dangling-out -> <base>/outside/planted.txt (does not exist)
 *   <base>/app-secrets/key.txt       a sibling whose name starts with "app"
 *   <base>/outside/secret.txt
 *   <base>/root-link -> app          the root, reached through a symlink
 */
let base: string;
let root: string;
/** The root as fs.realpath() reports it (os.tmpdir() itself is a symlink on macOS). */
let realRoot: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'safe-join-'));
  root = join(base, 'app');
  await mkdir(join(root, 'public'), { recursive: true });
  await mkdir(join(root, 'docs'));
  await writeFile(join(root, 'public', 'index.html'), '<h1>hello</h1>');
  await mkdir(join(base, 'app-secrets'));
  await writeFile(join(base, 'app-secrets', 'key.txt'), 'sibling secret');
  await mkdir(join(base, 'outside'));
  await writeFile(join(base, 'outside', 'secret.txt'), 'outside secret');
  await symlink('public', join(root, 'inside-link'));
  await symlink(join(base, 'outside'), join(root, 'outside-link'));
  await symlink(join(base, 'outside', 'planted.txt'), join(root, 'dangling-out'));
  await symlink('app', join(base, 'root-link'));
  realRoot = await realpath(root);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** How safeJoin() ended, as one short string: the path it resolved to, or the error code. */
async function outcome(userPath: string, rootDir = root): Promise<string> {
  try {
    return await safeJoin(rootDir, userPath);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string') return `rejected with ${code}`;
    return `rejected without a code: ${String(error)}`;
  }
}

/**
 * Resolving a path takes milliseconds, even on a busy machine. A call still running after this
 * is going in circles; it stays under the per-test timeout so the message can say so.
 */
const GUARD_MS = 2500;

/** The same as outcome(), or a line saying the call had not settled after GUARD_MS. */
async function outcomeWithin(userPath: string): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`still running after ${GUARD_MS} ms`), GUARD_MS);
  });
  try {
    return await Promise.race([outcome(userPath), guard]);
  } finally {
    clearTimeout(timer);
  }
}

const ESCAPE = 'rejected with ERR_PATH_ESCAPE';
const INVALID = 'rejected with ERR_INVALID_PATH';

describe('safeJoin()', () => {
  it('resolves a relative path to the real absolute path inside root', async () => {
    expect(
      await outcome('public/index.html'),
      'a plain relative path must resolve to its real absolute path inside the root',
    ).toBe(join(realRoot, 'public', 'index.html'));
    expect(
      await outcome('docs/../public/./index.html'),
      'a ".." that stays inside the root is fine: resolve it, do not reject it',
    ).toBe(join(realRoot, 'public', 'index.html'));
  });

  it('allows a path to a file that does not exist yet', async () => {
    expect(
      await outcome('uploads/2024/photo.jpg'),
      'a path inside the root that does not exist yet (a file about to be created) is allowed',
    ).toBe(join(realRoot, 'uploads', '2024', 'photo.jpg'));
  });

  it('rejects ".." that climbs out of root', async () => {
    for (const userPath of ['..', '../outside/secret.txt', 'public/../../outside/secret.txt']) {
      expect(
        await outcome(userPath),
        `${JSON.stringify(userPath)} leaves the root and must be rejected with ERR_PATH_ESCAPE`,
      ).toBe(ESCAPE);
    }
  });

  it('rejects a sibling directory whose name starts with the name of root', async () => {
    expect(
      await outcome('../app-secrets/key.txt'),
      '<base>/app-secrets is outside the root <base>/app even though its path starts with the ' +
        "root's: startsWith(root) without a separator accepts it; compare with path.relative()",
    ).toBe(ESCAPE);
  });

  it('rejects absolute paths', async () => {
    for (const userPath of ['/etc/passwd', join(base, 'outside', 'secret.txt')]) {
      expect(
        await outcome(userPath),
        `${JSON.stringify(userPath)} is absolute and must be rejected with ERR_PATH_ESCAPE, not ` +
          'joined onto the root',
      ).toBe(ESCAPE);
    }
  });

  it('rejects an absolute path even when it leads into root', async () => {
    const intoRoot = join(realRoot, 'public', 'index.html');
    expect(
      await outcome(intoRoot),
      `${JSON.stringify(intoRoot)} names a file inside the root, but it is absolute, and a ` +
        "user's path is relative to the root: reject every absolute path with ERR_PATH_ESCAPE " +
        'before checking where it leads, or a client can find out where the root is on disk',
    ).toBe(ESCAPE);
  });

  it('rejects NUL bytes and malformed percent-encoding as invalid', async () => {
    expect(
      await outcome('public/index.html\0.png'),
      'a NUL byte must be rejected with ERR_INVALID_PATH: system calls cut the path there',
    ).toBe(INVALID);
    expect(
      await outcome('public/index.html%00.png'),
      'a NUL byte that arrives percent-encoded ("%00") must be rejected with ERR_INVALID_PATH too',
    ).toBe(INVALID);
    expect(
      await outcome('public/%E0%A4%A'),
      'broken percent-encoding must be rejected with ERR_INVALID_PATH (decodeURIComponent ' +
        'throws a URIError without a code)',
    ).toBe(INVALID);
  });

  it('decodes percent-encoding once before checking for traversal', async () => {
    for (const userPath of [
      '%2e%2e%2foutside%2fsecret.txt',
      '%2E%2E/outside/secret.txt',
      'public%2f..%2f..%2foutside%2fsecret.txt',
    ]) {
      expect(
        await outcome(userPath),
        `${JSON.stringify(userPath)} decodes to a path that leaves the root: decode the ` +
          'percent-encoding first, then check',
      ).toBe(ESCAPE);
    }
    expect(await outcome('public%2Findex.html'), 'the result must be the decoded path').toBe(
      join(realRoot, 'public', 'index.html'),
    );
    expect(
      await outcome('%252e%252e%252foutside'),
      'decode exactly once: "%252e" is the literal name "%2e", not "."',
    ).toBe(join(realRoot, '%2e%2e%2foutside'));
  });

  it('treats backslashes as separators', async () => {
    for (const userPath of ['..\\outside\\secret.txt', 'public\\..\\..\\outside', '..%5Coutside']) {
      expect(
        await outcome(userPath),
        `${JSON.stringify(userPath)} climbs out with backslashes, which Windows clients use as ` +
          'separators: turn them into "/" before checking',
      ).toBe(ESCAPE);
    }
    expect(
      await outcome('\\etc\\passwd'),
      'a path starting with a backslash is absolute once backslashes are separators',
    ).toBe(ESCAPE);
    expect(
      await outcome('public\\index.html'),
      'backslashes inside the root are separators too',
    ).toBe(join(realRoot, 'public', 'index.html'));
  });

  it('follows a symlink that stays inside root', async () => {
    expect(
      await outcome('inside-link/index.html'),
      'a symlink to a directory inside the root is fine: return the real path it leads to',
    ).toBe(join(realRoot, 'public', 'index.html'));
    expect(
      await outcome('inside-link/new.txt'),
      'a new file under a symlink that stays inside is fine: resolve the deepest existing part',
    ).toBe(join(realRoot, 'public', 'new.txt'));
  });

  it('rejects a symlink that points outside root', async () => {
    for (const userPath of ['outside-link', 'outside-link/secret.txt', 'outside-link/new.txt']) {
      expect(
        await outcome(userPath),
        `${JSON.stringify(userPath)} goes through a symlink to <base>/outside: looking at the ` +
          'text of the path is not enough, fs.realpath() the deepest part that exists',
      ).toBe(ESCAPE);
    }
  });

  it('rejects a ".." out of root to a symlink that leads back in', async () => {
    expect(
      await outcome('../root-link/public/index.html'),
      '"../root-link/public/index.html" climbs out of the root to <base>/root-link, a symlink ' +
        'that happens to lead back in. The path as written names a place outside the root: ' +
        'check it (resolved, before any link is followed) as well as its realpath, or a client ' +
        'can probe the directories around the root',
    ).toBe(ESCAPE);
  });

  it('rejects a circle of symlinks with ELOOP instead of going round it', async () => {
    await symlink('loop', join(root, 'loop'));
    for (const userPath of ['loop', 'loop/new.txt']) {
      expect(
        await outcomeWithin(userPath),
        `${JSON.stringify(userPath)} goes through a link to itself: realpath() fails with ELOOP, ` +
          'and that error must reject the call. Only ENOENT means "not created yet"; following ' +
          'the link by hand with readlink() after any failure goes round forever',
      ).toBe('rejected with ELOOP');
    }
  });

  it('rejects a path through a file with ENOTDIR', async () => {
    expect(
      await outcome('public/index.html/new.txt'),
      'public/index.html is a file, so public/index.html/new.txt can never be created: ' +
        'realpath() fails with ENOTDIR, and that error must reject the call, not be taken for a ' +
        'file that does not exist yet (only ENOENT means that)',
    ).toBe('rejected with ENOTDIR');
  });

  it('rejects a dangling symlink that points outside root', async () => {
    expect(
      await outcome('dangling-out'),
      '"dangling-out" is a symlink to a file outside that does not exist yet: writing to it ' +
        'would create that file, so follow the link (fs.readlink) instead of treating it as new',
    ).toBe(ESCAPE);
  });

  it('works when root itself is reached through a symlink', async () => {
    const viaLink = join(base, 'root-link');
    expect(
      await outcome('public/index.html', viaLink),
      'the result is a real path, so a root given through a symlink must be resolved too ' +
        '(fs.realpath(root)) before comparing',
    ).toBe(join(realRoot, 'public', 'index.html'));
    expect(
      await outcome('outside-link/secret.txt', viaLink),
      'a symlink that leaves must be rejected whatever path the root was given by',
    ).toBe(ESCAPE);
  });
});
