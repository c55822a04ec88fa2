/**
 * The tab's runner: one AutoRunner and one WebContainer for every exercise panel of every page
 * the tab visits (module state survives the site's client-side navigation). Loaded on demand
 * through runner-settings.ts, which holds everything a page needs before a run.
 */
import { AutoRunner, type BootFailureMemory } from '../../runner/auto-runner.ts';
import { HttpRunner } from '../../runner/http/http-runner.ts';
import progressSource from '../../runner/vitest/progress-setup.ts?raw';
import reporterSource from '../../runner/vitest/events-reporter.ts?raw';
import {
  bootWebContainer,
  dependencySnapshots,
  webContainerServiceProblem,
} from '../../runner/webcontainer/boot.ts';
import { containerPackageJson } from '../../runner/webcontainer/container-package.ts';
import { WebContainerRunner } from '../../runner/webcontainer/webcontainer-runner.ts';
import { emitNotice, emitOutput, loadMode, registeredExercise } from './runner-settings.ts';

const BOOT_FAILURE_KEY = 'workbench:v1:webcontainer-failure';
/** How long a failed boot keeps automatic mode from trying again on the next pages. */
const BOOT_FAILURE_MEMORY_MS = 30 * 60 * 1000;
const BASE = import.meta.env.BASE_URL;

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

const snapshots = dependencySnapshots(BASE);
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
        dependencies: () => snapshots('core'),
        databaseDependencies: () => snapshots('database'),
        packageJson: containerPackageJson([{ name: 'vitest', version: __VITEST_VERSION__ }]),
        exercises: registeredExercise,
        support: { reporter: reporterSource, progress: progressSource },
        bootTimeoutMs: 20_000,
        onOutput: emitOutput,
      })),
    local: new HttpRunner(`${BASE}api/run`),
    localAvailable: () =>
      (localAvailable ??= fetch(`${BASE}api/health`)
        .then((r) => r.ok)
        .catch(() => false)),
    onNotice: emitNotice,
    browserReachable: webContainerServiceProblem,
    failures: bootFailures,
  });
  return runner;
}
