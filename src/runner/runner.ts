import type { RunResult } from './result.ts';

/** What a learner submits: an exercise and the current text of its editable files. */
export interface RunRequest {
  exerciseId: string;
  /** Editable file name → content. */
  files: Record<string, string>;
}

/** A lesson's example, run as a plain script (no tests) with a short time limit. */
export interface ScriptRequest {
  /** TypeScript or JavaScript, as an ES module; Node strips the types. */
  source: string;
}

export interface RunOptions {
  /** Aborts the run (the learner pressed Run again, or left the page). */
  signal?: AbortSignal;
}

/**
 * Runs an exercise's tests against a learner's files. Implementations: the local runner
 * (Node, on the server), the HTTP client that talks to it from the browser, and the
 * WebContainer runner. None of them throws for anything the learner did: bad code, a timeout
 * or an unreachable runner all come back as a RunResult with a message and a hint.
 */
export interface Runner {
  /** Shown in the panel so the learner knows where their code ran. */
  readonly label: string;
  run(request: RunRequest, options?: RunOptions): Promise<RunResult>;
  /** Runs an example from a lesson and reports what it printed. */
  runScript(request: ScriptRequest, options?: RunOptions): Promise<RunResult>;
}
