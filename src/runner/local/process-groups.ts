/**
 * Every process tree the runner starts leads a process group of its own (spawn's `detached`),
 * so that a time limit can kill the tests' children and servers with it. The flip side: a
 * signal sent to the CLI (Ctrl+C, a CI job's timeout) no longer reaches them. This registry is
 * how the CLI takes them down with it (grading/cli.ts).
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<number>();
let stopped = false;

export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    // A negative pid signals the whole process group the child leads.
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Registers a child spawned `detached`; after stopAllGroups() it is killed at once. */
export function trackGroup(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (stopped) {
    killGroup(pid);
    return;
  }
  live.add(pid);
  // 'close', not 'exit': the group can outlive its leader until supervise() has killed it.
  child.once('close', () => live.delete(pid));
}

/** Kills every group started so far and every group started from now on. */
export function stopAllGroups(): void {
  stopped = true;
  for (const pid of live) killGroup(pid);
  live.clear();
}
