/**
 * What a page needs before anything runs: the learner's "Run code" setting (kept in
 * localStorage across visits), the exercises the panels on this page registered, and where the
 * running panel wants terminal output and notices. Kept apart from runner-choice.ts, which
 * holds the runners themselves and is loaded only when a Run is near: a lesson page then ships
 * a few kilobytes of script instead of the runners, the result schema and the WebContainer
 * wiring.
 */
import type { Runner } from '../../runner/runner.ts';
import { runnerModes, type RunnerMode } from '../../runner/runner-mode.ts';
import type { ExerciseSpec } from '../../runner/webcontainer/webcontainer-runner.ts';

const MODE_KEY = 'workbench:v1:runner-mode';

export const MODE_LABELS: Record<RunnerMode, string> = {
  auto: 'Automatic',
  webcontainer: 'In the browser',
  local: 'Local runner',
};

export function loadMode(): RunnerMode {
  try {
    const value = localStorage.getItem(MODE_KEY);
    return runnerModes.find((m) => m === value) ?? 'auto';
  } catch {
    return 'auto';
  }
}

export function saveMode(mode: RunnerMode): void {
  try {
    localStorage.setItem(MODE_KEY, mode);
  } catch {
    // The choice then lasts for this page only.
  }
  document.dispatchEvent(new CustomEvent('workbench:runner-mode', { detail: mode }));
}

const exercises = new Map<string, ExerciseSpec>();

/** Panels register what the browser runner needs to build a workspace. */
export function registerExercise(id: string, spec: ExerciseSpec): void {
  exercises.set(id, spec);
}

export function registeredExercise(id: string): ExerciseSpec | undefined {
  return exercises.get(id);
}

let outputSink: ((chunk: string) => void) | undefined;
let noticeSink: ((notice: string) => void) | undefined;

/** The panel whose run is in progress receives the terminal output and notices. */
export function routeRunnerOutput(
  onOutput: ((chunk: string) => void) | undefined,
  onNotice: ((notice: string) => void) | undefined,
): void {
  outputSink = onOutput;
  noticeSink = onNotice;
}

export function emitOutput(chunk: string): void {
  outputSink?.(chunk);
}

export function emitNotice(notice: string): void {
  noticeSink?.(notice);
}

/** The tab's runner, loaded on first use; ask early (`preloadRunner`) to hide the fetch. */
export function loadTabRunner(): Promise<Runner> {
  return import('./runner-choice.ts').then(({ tabRunner }) => tabRunner());
}

/** Starts fetching the runners without waiting: when an editor or a Run button comes near. */
export function preloadRunner(): void {
  void import('./runner-choice.ts').catch(() => {
    // The Run that needs it will try again and say what failed.
  });
}
