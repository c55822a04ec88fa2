/**
 * Runs a command in its own process group with a wall-clock limit and an output cap, and
 * makes sure nothing it started outlives it. Learner code can start workers, child processes
 * and servers; killing only the direct child would leave those running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { killGroup, trackGroup } from './process-groups.ts';
import type { TimeUp } from '../time-limits.ts';
import type { RunClock } from './learner-clock.ts';

export interface ProcessLimits {
  /** Wall-clock limit, for runs without a clock (the course check's batches). */
  timeLimitMs: number;
  /** Bytes of stdout + stderr kept; past this the process tree is killed. */
  maxOutputBytes: number;
  /** Decides when time is up instead of the wall clock: the learner's clock of a run. */
  clock?: RunClock;
}

export interface ProcessOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Which budget ran out, when a clock decided (timedOut is then true). */
  timeUp?: TimeUp;
  outputLimited: boolean;
  /** stdout and stderr, interleaved as they arrived, capped. */
  output: string;
  durationMs: number;
}

export function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; limits: ProcessLimits; signal?: AbortSignal },
): Promise<ProcessOutcome> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackGroup(child);
  return supervise(child, options.limits, options.signal);
}

/**
 * Watches a child spawned `detached` (so it leads its own process group) from now on: collects
 * its output up to the cap, kills the group at the time limit, on abort and when the child
 * exits, and reports how it ended. Warm sandboxes are spawned early and supervised from the
 * moment their job starts.
 */
export function supervise(
  child: ChildProcess,
  limits: ProcessLimits,
  signal?: AbortSignal,
): Promise<ProcessOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    let outputLimited = false;
    let settled = false;

    let timeUp: TimeUp | undefined;
    let timer: NodeJS.Timeout;
    const stop = () => {
      timedOut = true;
      killGroup(child.pid);
    };
    const { clock } = limits;
    if (clock) {
      const look = () => {
        timeUp = clock.timeUp();
        if (timeUp) stop();
        else timer = setTimeout(look, clock.nextCheckMs());
      };
      timer = setTimeout(look, clock.nextCheckMs());
    } else {
      timer = setTimeout(stop, limits.timeLimitMs);
    }
    const onAbort = () => killGroup(child.pid);
    signal?.addEventListener('abort', onAbort, { once: true });

    const collect = (chunk: Buffer) => {
      if (outputLimited) return;
      const room = limits.maxOutputBytes - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, Math.max(0, room)));
        size = limits.maxOutputBytes;
        outputLimited = true;
        killGroup(child.pid);
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    // A warm sandbox's streams were paused while it waited for its job.
    child.stdout?.resume();
    child.stderr?.resume();

    let exit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(closeGrace);
      signal?.removeEventListener('abort', onAbort);
      resolve({
        exitCode: exit.code,
        signal: exit.signal,
        timedOut,
        ...(timeUp ? { timeUp } : {}),
        outputLimited,
        output: Buffer.concat(chunks).toString('utf8'),
        durationMs: Math.round(performance.now() - started),
      });
    };
    let closeGrace: NodeJS.Timeout | undefined;
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Anything the tests left behind in the group (a server, a child process) goes too;
      // that also releases the pipes a grandchild may hold, so 'close' can follow.
      killGroup(child.pid);
      closeGrace = setTimeout(finish, 1000);
    });
    child.on('close', finish);
    child.on('error', finish);
    if (child.exitCode !== null || child.signalCode !== null) {
      exit = { code: child.exitCode, signal: child.signalCode };
      finish();
    }
    if (signal?.aborted) onAbort();
  });
}
