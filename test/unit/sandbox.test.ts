import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { limitThatWasHit, memoryLimitIn } from '../../src/runner/local/sandbox/limits.ts';
import {
  DEFAULT_LIMITS,
  SANDBOX_OUT,
  SANDBOX_WORK,
  sandboxArgv,
} from '../../src/runner/local/sandbox/sandbox.ts';
import { UidPool } from '../../src/runner/local/sandbox/uid-pool.ts';

const spec = {
  uid: 2_000_123,
  workDir: '/tmp/workbench-run-x/workspace',
  outDir: '/tmp/workbench-run-x/out',
  readOnly: ['/tmp/checkout/node_modules'],
  limits: DEFAULT_LIMITS,
  env: { NO_COLOR: '1' },
  command: ['/usr/bin/node', 'x.mts'],
};

describe('sandboxArgv', () => {
  const argv = sandboxArgv(spec);
  const at = (...sequence: string[]) =>
    argv.findIndex((_, i) => sequence.every((part, j) => argv[i + j] === part));

  it('applies the limits, drops to the run uid, and isolates every namespace', () => {
    expect(argv.slice(0, argv.indexOf('--') + 1)).toEqual([
      'prlimit',
      '--cpu=60',
      `--fsize=${DEFAULT_LIMITS.maxFileBytes}`,
      `--data=${DEFAULT_LIMITS.memoryBytes}`,
      '--nproc=256',
      '--core=0',
      '--',
    ]);
    expect(at('setpriv', '--reuid=2000123', '--regid=2000123')).toBeGreaterThan(0);
    expect(argv).toContain('--unshare-all');
    expect(argv).toContain('--die-with-parent');
    expect(at('--remount-ro', '/')).toBeGreaterThan(0);
    expect(argv.slice(-2)).toEqual(spec.command);
  });

  it('mounts the workspace read-only and only the out folder writable', () => {
    expect(at('--ro-bind', spec.workDir, SANDBOX_WORK)).toBeGreaterThan(0);
    expect(at('--bind', spec.outDir, SANDBOX_OUT)).toBeGreaterThan(0);
    expect(argv.filter((a) => a === '--bind')).toHaveLength(1);
  });

  it('mounts /tmp before the installation, which may live under /tmp', () => {
    expect(at('--tmpfs', '/tmp')).toBeLessThan(at('--ro-bind', '/tmp/checkout/node_modules'));
  });

  it('gives V8 a heap limit and nothing of the host environment', () => {
    expect(at('--clearenv')).toBeGreaterThan(0);
    expect(at('--setenv', 'NODE_OPTIONS', '--max-old-space-size=512')).toBeGreaterThan(0);
  });

  it("finds the server's own Node first on PATH, before an older system Node in /usr/bin", () => {
    const path = argv[at('--setenv', 'PATH') + 2]!;
    const ownBin = dirname(process.execPath);
    expect(path.split(':')[0]).toBe(ownBin);
    if (ownBin !== '/usr/bin') expect(path.split(':')).toContain('/usr/bin');
  });

  it('runs as the server user without a per-uid process limit when not root', () => {
    const unprivileged = sandboxArgv({ ...spec, uid: undefined });
    expect(unprivileged).not.toContain('setpriv');
    expect(unprivileged.some((a) => a.startsWith('--nproc'))).toBe(false);
  });
});

describe('limitThatWasHit', () => {
  it.each([
    [{ output: '', signal: 'SIGXCPU' as const }, 'cpu-limit'],
    [{ output: 'FATAL ERROR: Reached heap limit', signal: null }, 'memory-limit'],
    [{ output: 'Error: spawn /usr/bin/node EAGAIN', signal: null }, 'process-limit'],
    [{ output: 'Error: EFBIG: file too large, write', signal: null }, 'disk-limit'],
    [{ output: 'ENOSPC: no space left on device', signal: null }, 'disk-limit'],
  ])('names the limit behind %j', (outcome, code) => {
    expect(limitThatWasHit(outcome, DEFAULT_LIMITS)?.code).toBe(code);
  });

  it('stays silent when nothing points at a limit', () => {
    expect(
      limitThatWasHit({ output: 'TypeError: x is not a function', signal: null }, DEFAULT_LIMITS),
    ).toBeUndefined();
    expect(memoryLimitIn(['expected 1 to be 2'], DEFAULT_LIMITS)).toBeUndefined();
    expect(
      memoryLimitIn(['RangeError: Array buffer allocation failed'], DEFAULT_LIMITS)?.code,
    ).toBe('memory-limit');
  });
});

describe('UidPool', () => {
  it('hands out distinct uids and reuses released ones', () => {
    const pool = new UidPool(100);
    const [a, b] = [pool.acquire(), pool.acquire()];
    expect(a).not.toBe(b);
    pool.release(a);
    expect(pool.acquire()).toBe(a);
  });
});

describe('privateAncestor', () => {
  it('finds the folder a sandbox user cannot enter', async () => {
    const { privateAncestor } = await import('../../src/runner/local/sandbox/sandbox.ts');
    expect(privateAncestor('/usr/bin/env')).toBeUndefined();
    expect(privateAncestor('/root/.cache/node/bin/node')).toBe('/root');
  });
});
