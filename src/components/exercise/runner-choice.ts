/**
 * The tab's runner: one AutoRunner and one WebContainer for every exercise panel of every page
 * the tab visits (module state survives the site's client-side navigation), the learner's
 * "Run code" setting (kept in localStorage across visits), and where terminal output and
 * notices go.
 */
import { AutoRunner, runnerModes, type RunnerMode } from '../../runner/auto-runner.ts';
import { HttpRunner } from '../../runner/http/http-runner.ts';
import progressSource from '../../runner/vitest/progress-setup.ts?raw';
import reporterSource from '../../runner/vitest/events-reporter.ts?raw';
import { bootWebContainer, fetchDependencySnapshot } from '../../runner/webcontainer/boot.ts';
import { containerPackageJson } from '../../runner/webcontainer/container-package.ts';
import {
  WebContainerRunner,
  type ExerciseSpec,
} from '../../runner/webcontainer/webcontainer-runner.ts';

const MODE_KEY = 'workbench:v1:runner-mode';
const BASE = import.meta.env.BASE_URL;

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

function browserUnsupported(): string | undefined {
  if (!window.crossOriginIsolated) return 'the page is not cross-origin isolated';
  if (typeof SharedArrayBuffer === 'undefined') return 'it has no SharedArrayBuffer';
  return undefined;
}

let localAvailable: Promise<boolean> | undefined;
let browserRunner: WebContainerRunner | undefined;
let runner: AutoRunner | undefined;

export function tabRunner(): AutoRunner {
  runner ??= new AutoRunner({
    mode: loadMode,
    browserUnsupported,
    browser: () =>
      (browserRunner ??= new WebContainerRunner({
        boot: bootWebContainer,
        dependencies: () => fetchDependencySnapshot(BASE),
        packageJson: containerPackageJson([{ name: 'vitest', version: __VITEST_VERSION__ }]),
        exercises: (id) => exercises.get(id),
        support: { reporter: reporterSource, progress: progressSource },
        bootTimeoutMs: 20_000,
        onOutput: (chunk) => outputSink?.(chunk),
      })),
    local: new HttpRunner(`${BASE}api/run`),
    localAvailable: () =>
      (localAvailable ??= fetch(`${BASE}api/health`)
        .then((r) => r.ok)
        .catch(() => false)),
    onNotice: (notice) => noticeSink?.(notice),
  });
  return runner;
}
