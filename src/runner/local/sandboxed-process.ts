/**
 * The "sandboxed process" stage of a run: how the process that runs a workspace is started,
 * inside the sandbox where this machine has one, as a plain child process where it has not
 * (then fine for the course's own code and for CI grading on a throwaway machine, not for
 * strangers' code: see docs/security.md). Tests and examples differ only in their command.
 */
import { chmod, chown, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SANDBOX_OUT, SANDBOX_WORK, sandboxArgv, type SandboxLimits } from './sandbox/sandbox.ts';

/** A run's folders on this machine. */
export interface RunFolders {
  /** Holds the others; mkdtemp made it 0700. */
  base: string;
  /** The workspace: tests and the learner's files, read-only to the run. */
  dir: string;
  /** The only folder the run may write, besides its own temp dir. */
  outDir: string;
  /** HOME and TMPDIR of an unsandboxed run (a sandboxed one has a tmpfs of its own). */
  scratchDir: string;
}

/** The same folders as the run's process sees them. */
export interface InsidePaths {
  dir: string;
  outDir: string;
}

export interface SandboxPlacement {
  /** The run's own uid; undefined when the server is not root. */
  uid: number | undefined;
  limits: SandboxLimits;
  /** Read-only mounts at their own paths: node_modules, the vitest support folder. */
  readOnly: readonly string[];
}

export interface ProcessPlan {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Makes the workspace read-only to the run and the out folder writable by it. The read-only bind
 * mount is what really protects the tests; the ownership is a second line.
 */
export async function lockFolders(folders: RunFolders, uid: number | undefined): Promise<void> {
  // The run's uid must be able to reach its folders, not list them.
  await chmod(folders.base, 0o711);
  for (const entry of await readdir(folders.dir, { withFileTypes: true })) {
    if (entry.isFile()) await chmod(join(folders.dir, entry.name), 0o444);
  }
  await chmod(folders.dir, 0o555);
  if (uid !== undefined) await chown(folders.outDir, uid, uid);
}

export function planProcess(options: {
  folders: RunFolders;
  /** Where to run it: in a sandbox, or undefined for a plain child process. */
  sandbox: SandboxPlacement | undefined;
  /** The program and its arguments, written for the paths the process sees. */
  command: (inside: InsidePaths) => string[];
  /** The run's own variables; PATH, HOME and TMPDIR are this stage's business. */
  env: (inside: InsidePaths) => Record<string, string>;
}): ProcessPlan {
  const { folders, sandbox } = options;
  // The server's PATH: it finds bubblewrap, prlimit and setpriv, and, for a plain process, puts
  // the Node that npm installed first, as npm scripts do.
  const hostPath = process.env['PATH'] ?? '/usr/bin:/bin';
  if (!sandbox) {
    const inside = { dir: folders.dir, outDir: folders.outDir };
    const [command, ...args] = options.command(inside);
    return {
      command: command!,
      args,
      cwd: folders.dir,
      env: {
        PATH: hostPath,
        HOME: folders.scratchDir,
        TMPDIR: folders.scratchDir,
        ...options.env(inside),
      },
    };
  }
  const inside = { dir: SANDBOX_WORK, outDir: SANDBOX_OUT };
  const [command, ...args] = sandboxArgv({
    uid: sandbox.uid,
    workDir: folders.dir,
    outDir: folders.outDir,
    readOnly: sandbox.readOnly,
    limits: sandbox.limits,
    env: options.env(inside),
    command: options.command(inside),
  });
  return { command: command!, args, cwd: folders.dir, env: { PATH: hostPath } };
}
