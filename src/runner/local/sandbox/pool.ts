/**
 * Warm sandboxes: a few sandboxes started ahead of time, each running agent.ts with vitest
 * already loaded, so a learner's Run costs the tests and little else. Each is used for exactly
 * one run and then thrown away; a replacement starts in the background.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { VitestInstall } from '../../vitest/command.ts';
import { EVENTS_FILE_ENV, PROGRESS_MODULE } from '../../vitest/events.ts';
import { killGroup, trackGroup } from '../process-groups.ts';
import { SANDBOX_OUT, SANDBOX_WORK, sandboxArgv, type SandboxLimits } from './sandbox.ts';
import type { UidPool } from './uid-pool.ts';

import { DATABASE_FLAG, READY } from './agent-protocol.ts';

export interface WarmSandbox {
  base: string;
  workDir: string;
  outDir: string;
  child: ChildProcess;
  uid: number | undefined;
  /** Removes the sandbox's folders and gives its uid back. */
  dispose(): Promise<void>;
}

function discard(sandbox: WarmSandbox): Promise<void> {
  killGroup(sandbox.child.pid);
  return sandbox.dispose();
}

/**
 * What the agent itself takes of RLIMIT_DATA before any learner code runs: about 1.7 GB of
 * writable address space (Node's own 0.6 GB, and 1.1 GB that importing vitest's server, its
 * bundler's native module, reserves and barely touches). With the in-process pool the learner's
 * code runs in that same process, so the agent's limit is the learner's share plus this; without
 * it a database exercise (PGlite, about 1 GB) is stopped for memory nobody used.
 */
export const AGENT_RESERVED_DATA_BYTES = 2 * 1024 * 1024 * 1024;

export interface PoolOptions {
  size: number;
  /** agent.ts in the installation (this module may run from a bundle elsewhere). */
  agentFile: string;
  install: VitestInstall;
  limits: SandboxLimits;
  uids: UidPool | undefined;
  tmpDir?: string;
  /** Each agent opens the run's first database ahead of it (for database exercises). */
  database?: boolean;
}

export class SandboxPool {
  private readonly options: PoolOptions;
  private readonly ready: WarmSandbox[] = [];
  private readonly starting = new Set<Promise<unknown>>();
  private readonly waiters: Array<{
    resolve: (sandbox: WarmSandbox) => void;
    reject: (error: Error) => void;
  }> = [];
  private closed = false;

  constructor(options: PoolOptions) {
    this.options = options;
    for (let i = 0; i < options.size; i += 1) this.replenish();
  }

  /** A warm sandbox for one run; the caller must call dispose() when done. */
  take(): Promise<WarmSandbox> {
    const sandbox = this.ready.shift();
    this.replenish();
    if (sandbox) return Promise.resolve(sandbox);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  get warm(): number {
    return this.ready.length;
  }

  get size(): number {
    return this.options.size;
  }

  /** Kills the waiting sandboxes, including those still starting, and removes their folders. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.starting);
    await Promise.all(this.ready.splice(0).map((s) => discard(s)));
  }

  private replenish(): void {
    if (
      this.closed ||
      this.ready.length + this.starting.size >= this.options.size + this.waiters.length
    ) {
      return;
    }
    const starting: Promise<unknown> = this.start()
      .then(async (sandbox) => {
        if (this.closed) return discard(sandbox);
        const waiter = this.waiters.shift();
        if (waiter) waiter.resolve(sandbox);
        else this.ready.push(sandbox);
      })
      .catch((error: unknown) => {
        // Whoever waits for this one must not wait forever: they fall back to a cold run.
        console.error('A warm sandbox failed to start:', (error as Error).message);
        this.waiters.shift()?.reject(error as Error);
      })
      .finally(() => this.starting.delete(starting));
    this.starting.add(starting);
  }

  private async start(): Promise<WarmSandbox> {
    const { install, limits } = this.options;
    const parent = this.options.tmpDir ?? tmpdir();
    const base = await mkdtemp(join(parent, 'workbench-run-'));
    const workDir = join(base, 'workspace');
    const outDir = join(base, 'out');
    const uid = this.options.uids?.acquire();
    const dispose = async () => {
      await rm(base, { recursive: true, force: true, maxRetries: 3 });
      if (uid !== undefined) this.options.uids?.release(uid);
    };
    try {
      await mkdir(workDir);
      await mkdir(outDir);
      await chmod(base, 0o711);
      if (uid !== undefined) await chown(outDir, uid, uid);
      // What every workspace has; the exercise's own files are written when the job comes.
      await symlink(install.nodeModulesDir, join(workDir, 'node_modules'), 'dir');
      await writeFile(
        join(workDir, PROGRESS_MODULE),
        readFileSync(install.progressModule, 'utf8'),
        { mode: 0o444 },
      );
      const argv = sandboxArgv({
        uid,
        workDir,
        outDir,
        readOnly: [...install.readOnlyDirs, dirname(this.options.agentFile)],
        limits: { ...limits, memoryBytes: limits.memoryBytes + AGENT_RESERVED_DATA_BYTES },
        env: { NO_COLOR: '1', CI: '1', [EVENTS_FILE_ENV]: join(SANDBOX_OUT, 'events.ndjson') },
        command: [
          process.execPath,
          this.options.agentFile,
          SANDBOX_WORK,
          SANDBOX_OUT,
          install.reporterFile,
          ...(this.options.database ? [DATABASE_FLAG] : []),
        ],
      });
      const child = spawn(argv[0]!, argv.slice(1), {
        cwd: base,
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      trackGroup(child);
      await new Promise<void>((resolve, reject) => {
        let seen = '';
        const onData = (chunk: Buffer) => {
          seen += chunk.toString();
          if (seen.includes(READY)) {
            child.stdout.off('data', onData);
            child.off('exit', onExit);
            resolve();
          }
        };
        const onExit = (code: number | null) =>
          reject(new Error(`agent exited (${code}) before it was ready: ${seen.slice(0, 500)}`));
        child.stdout.on('data', onData);
        child.stderr.on('data', (chunk: Buffer) => (seen += chunk.toString()));
        child.once('exit', onExit);
      });
      child.stderr.removeAllListeners('data');
      // Whatever it prints from now on belongs to the job: keep it until supervise() reads it.
      child.stdout.pause();
      child.stderr.pause();
      return { base, workDir, outDir, child, uid, dispose };
    } catch (error) {
      await dispose();
      throw error;
    }
  }
}
