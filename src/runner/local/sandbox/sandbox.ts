/**
 * The local runner's sandbox (Linux): every run executes inside bubblewrap, entered through
 * setpriv as an unprivileged uid of its own, under resource limits. Node's permission model
 * cannot do this job: vitest's workers escape it.
 *
 * Inside, the run sees:
 *   /usr (and the /bin, /lib... links)          read-only system
 *   <node prefix>                              read-only, the Node.js that runs the tests (in
 *                                              node_modules when npm installed it), first on PATH
 *   <install>/node_modules, <install>/src/runner/vitest, <install>/src/exercise-kit
 *                                              read-only, at their own paths
 *   /run/workbench/work                        the workspace: tests and the learner's files,
 *                                              read-only (owned by root, mode 0444)
 *   /run/workbench/out                         writable by the run: vitest's report and events
 *   /tmp                                       a sized tmpfs, the only other writable place
 *   /etc/hosts, /etc/nsswitch.conf             localhost, resolved from the hosts file
 *   /proc, /dev                                the sandbox's own
 * and its own pid, net (loopback only), ipc and uts namespaces. Nothing else of /etc, no /root, no /home,
 * none of the project's sources, solutions or .git. When bubblewrap exits (killed at the time
 * limit, or the server dies: --die-with-parent), the kernel kills everything left in its pid
 * namespace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { projectRoot } from '../../../course/project-root.ts';

export const SANDBOX_WORK = '/run/workbench/work';
export const SANDBOX_OUT = '/run/workbench/out';

export interface SandboxLimits {
  /** RLIMIT_CPU: CPU seconds, all threads. */
  cpuSeconds: number;
  /** RLIMIT_NPROC for the sandbox's own uid (threads count). */
  maxProcesses: number;
  /** RLIMIT_FSIZE: the largest file the run may write. */
  maxFileBytes: number;
  /** Size of the /tmp tmpfs. */
  tmpBytes: number;
  /** V8's old-space limit for every Node process of the run (--max-old-space-size). */
  heapMb: number;
  /**
   * RLIMIT_DATA per process: caps what V8's heap limit does not see, such as Buffers and
   * WebAssembly memory. Generous, because PGlite needs about 1 GB.
   */
  memoryBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  cpuSeconds: 60,
  maxProcesses: 256,
  // The streams track generates a 50 MB file to show constant-memory reading.
  maxFileBytes: 64 * 1024 * 1024,
  tmpBytes: 256 * 1024 * 1024,
  heapMb: 512,
  memoryBytes: 2 * 1024 * 1024 * 1024,
};

export interface SandboxSpec {
  /** The uid and gid the run gets; undefined when the server is not root (it is then the server's own). */
  uid: number | undefined;
  workDir: string;
  outDir: string;
  /** Read-only mounts at their own paths: node_modules, the vitest support folder. */
  readOnly: readonly string[];
  limits: SandboxLimits;
  env: Record<string, string>;
  /** The program and its arguments, as seen inside the sandbox. */
  command: readonly string[];
}

/**
 * The only files of /etc a run sees (etc/ next to this module in the installation; found from
 * the project root, because the server runs this module bundled into dist/).
 */
function sandboxEtc(): { hosts: string; nsswitch: string } {
  const dir = join(projectRoot(), 'src', 'runner', 'local', 'sandbox', 'etc');
  return { hosts: join(dir, 'hosts'), nsswitch: join(dir, 'nsswitch.conf') };
}

/** The directory a Node binary was installed under (/usr for a system Node). */
export function nodePrefix(execPath: string = process.execPath): string {
  return dirname(dirname(execPath));
}

/** /bin, /lib... are links into /usr on merged-/usr systems and directories elsewhere. */
function systemMounts(): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const dir of ['/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32']) {
    if (!existsSync(dir)) continue;
    if (lstatSync(dir).isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else args.push('--ro-bind', dir, dir);
  }
  return args;
}

/** The full command line: prlimit, then setpriv (as root), then bwrap, then the command. */
export function sandboxArgv(spec: SandboxSpec): string[] {
  const { limits } = spec;
  const prlimit = [
    'prlimit',
    `--cpu=${limits.cpuSeconds}`,
    `--fsize=${limits.maxFileBytes}`,
    `--data=${limits.memoryBytes}`,
    // Per-uid, so only meaningful when the run has a uid of its own.
    ...(spec.uid === undefined ? [] : [`--nproc=${limits.maxProcesses}`]),
    '--core=0',
    '--',
  ];
  const setpriv =
    spec.uid === undefined
      ? []
      : [
          'setpriv',
          `--reuid=${spec.uid}`,
          `--regid=${spec.uid}`,
          '--clear-groups',
          '--no-new-privs',
          '--',
        ];
  const prefix = nodePrefix();
  const etc = sandboxEtc();
  const bwrap = [
    'bwrap',
    '--unshare-all',
    '--hostname',
    'sandbox',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    ...systemMounts(),
    // /tmp first: the installation may itself live under /tmp (a CI checkout), and the binds
    // below must land on top of this tmpfs, not be hidden by it.
    '--size',
    String(limits.tmpBytes),
    '--tmpfs',
    '/tmp',
    // Learners write `localhost` in HTTP examples; without these it would not resolve.
    '--ro-bind',
    etc.hosts,
    '/etc/hosts',
    '--ro-bind',
    etc.nsswitch,
    '/etc/nsswitch.conf',
    ...(prefix === '/usr' ? [] : ['--ro-bind', prefix, prefix]),
    ...spec.readOnly.flatMap((path) => ['--ro-bind', path, path]),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--ro-bind',
    spec.workDir,
    SANDBOX_WORK,
    '--bind',
    spec.outDir,
    SANDBOX_OUT,
    // Everything else, including the folders bwrap made as mount points, is read-only: the only
    // writable places are /tmp (sized) and the out folder.
    '--remount-ro',
    '/',
    '--chdir',
    SANDBOX_WORK,
    '--clearenv',
    ...Object.entries({
      ...spec.env,
      // The server's own Node first: a system Node in /usr/bin may be older (Debian's is 20),
      // and a run that spawns `node` by name must get the Node its tests run on.
      PATH: prefix === '/usr' ? '/usr/bin:/bin' : `${prefix}/bin:/usr/bin:/bin`,
      HOME: '/tmp',
      TMPDIR: '/tmp',
      NODE_OPTIONS: `--max-old-space-size=${limits.heapMb}`,
    }).flatMap(([name, value]) => ['--setenv', name, value]),
    '--',
  ];
  return [...prlimit, ...setpriv, ...bwrap, ...spec.command];
}

export interface SandboxSupport {
  available: boolean;
  /** Protections missing on this machine, in words for the operator. */
  missing: string[];
  /** Whether runs get a uid of their own (the server runs as root). */
  ownUid: boolean;
}

const PROBE_UID = 2_000_000;

/**
 * The first folder on the way to `path` that another user cannot pass through (no "x" for
 * others), such as /root for a Node installed by nvm as root. A run's own uid could not reach
 * anything below it.
 */
export function privateAncestor(path: string): string | undefined {
  const parts = path.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i += 1) {
    const dir = `/${parts.slice(0, i).join('/')}`;
    try {
      if ((statSync(dir).mode & 0o001) === 0) return dir;
    } catch {
      return dir;
    }
  }
  return undefined;
}

/** Checks once, by running `true` in a sandbox, what this machine can enforce. */
export function probeSandbox(): SandboxSupport {
  const missing: string[] = [];
  if (process.platform !== 'linux') {
    return {
      available: false,
      ownUid: false,
      missing: [`process isolation (bubblewrap needs Linux; this is ${process.platform})`],
    };
  }
  const ownUid = typeof process.getuid === 'function' && process.getuid() === 0;
  // bubblewrap opens its mount sources as the run's uid: the Node.js binary (in the project's
  // node_modules when npm installed it) and the project's node_modules must both be reachable.
  for (const [what, path] of [
    ['the Node.js at', process.execPath],
    ['the project at', projectRoot()],
  ] as const) {
    const hidden = ownUid ? privateAncestor(path) : undefined;
    if (hidden) {
      return {
        available: false,
        ownUid,
        missing: [
          `sandboxing of learner code (${what} ${path} is inside ${hidden}, which the sandbox's unprivileged user cannot enter; put the project and its Node.js outside ${hidden}, for example under /srv or /opt, or run the server as a normal user)`,
        ],
      };
    }
  }
  const argv = sandboxArgv({
    uid: ownUid ? PROBE_UID : undefined,
    workDir: '/tmp',
    outDir: '/tmp',
    readOnly: [],
    limits: DEFAULT_LIMITS,
    env: {},
    command: ['/bin/true'],
  });
  const probe = spawnSync(argv[0]!, argv.slice(1), { stdio: 'pipe', timeout: 10_000 });
  if (probe.error || probe.status !== 0) {
    const why = probe.error
      ? `${(probe.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'bubblewrap, prlimit or setpriv is not installed' : probe.error.message}`
      : probe.stderr.toString().trim().split('\n')[0] || `exit code ${probe.status}`;
    missing.push(
      `sandboxing of learner code (${why}; install the Debian package "bubblewrap" and allow unprivileged user namespaces)`,
    );
    return { available: false, ownUid, missing };
  }
  if (!ownUid)
    missing.push('a separate uid per run and its process limit (the server does not run as root)');
  return { available: true, ownUid, missing };
}
