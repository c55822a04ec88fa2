/**
 * The tab's runner: one AutoRunner and one WebContainer for every exercise panel of every page
 * the tab visits (module state survives the site's client-side navigation), the learner's
 * "Run code" setting (kept in localStorage across visits), and where terminal output and
 * notices go.
 */
import {
  AutoRunner,
  runnerModes,
  type BootFailureMemory,
  type RunnerMode,
} from '../../runner/auto-runner.ts';
import { HttpRunner } from '../../runner/http/http-runner.ts';
import progressSource from '../../runner/vitest/progress-setup.ts?raw';
import reporterSource from '../../runner/vitest/events-reporter.ts?raw';
import {
  bootWebContainer,
  fetchDependencySnapshot,
  webContainerServiceProblem,
} from '../../runner/webcontainer/boot.ts';
import { containerPackageJson } from '../../runner/webcontainer/container-package.ts';
import {
  WebContainerRunner,
  type ExerciseSpec,
} from '../../runner/webcontainer/webcontainer-runner.ts';

const MODE_KEY = 'workbench:v1:runner-mode';
const BOOT_FAILURE_KEY = 'workbench:v1:webcontainer-failure';
/** How long a failed boot keeps automatic mode from trying again on the next pages. */
const BOOT_FAILURE_MEMORY_MS = 30 * 60 * 1000;
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

/** A failed boot, kept in localStorage so the next pages do not try blindly again. */
const bootFailures: BootFailureMemory = {
  recall() {
    try {
      const stored = JSON.parse(localStorage.getItem(BOOT_FAILURE_KEY) ?? 'null') as {
        reason?: unknown;
        at?: unknown;
      } | null;
      if (typeof stored?.reason !== 'string' || typeof stored.at !== 'number') return undefined;
      return Date.now() - stored.at < BOOT_FAILURE_MEMORY_MS ? stored.reason : undefined;
    } catch {
      return undefined;
    }
  },
  remember(reason) {
    try {
      localStorage.setItem(BOOT_FAILURE_KEY, JSON.stringify({ reason, at: Date.now() }));
    } catch {
      // Then only this tab remembers.
    }
  },
  forget() {
    try {
      localStorage.removeItem(BOOT_FAILURE_KEY);
    } catch {
      // Nothing stored.
    }
  },
};

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
    browserReachable: webContainerServiceProblem,
    failures: bootFailures,
  });
  return runner;
}
