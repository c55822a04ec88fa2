/**
 * How the runner invokes vitest: which files of the installation it needs and every option,
 * on the command line. There is deliberately no config file: Vite bundles a config to a
 * temporary file next to it, which fails once runs are sandboxed with a read-only install, and
 * vitest has no flag for setup files (see progress-setup.ts for how that is handled).
 */
import { SETUP_LIMIT_SECONDS } from '../time-limits.ts';
import { EVENTS_FILE_ENV } from './events.ts';

/**
 * Where the pieces are, as paths the process running vitest sees: absolute paths on this
 * machine for the local runner, paths inside the container for the WebContainer runner. This
 * module is isomorphic; resolving them on disk is local/vitest-install.ts.
 */
export interface VitestInstall {
  /** node_modules linked into workspaces so tests can import vitest and exercise dependencies. */
  nodeModulesDir: string;
  vitestEntry: string;
  reporterFile: string;
  progressModule: string;
  /**
   * Folders a sandboxed run must see, read-only, besides its workspace: node_modules, the
   * runner's vitest support files and the exercise kit that node_modules links to.
   */
  readOnlyDirs: readonly string[];
}

export interface VitestRunSpec {
  /** vitest's root: one workspace, or a folder of workspaces for a batch. */
  root: string;
  reportFile: string;
  /** Per-test timeout; kept below the wall-clock limit so a hanging async test fails alone. */
  testTimeoutMs: number;
  maxWorkers: number;
  /**
   * Whether every test file gets a fresh worker (vitest's default). A batch of trusted course
   * code turns it off: workspaces have distinct paths, so their modules never collide, and a
   * worker reused across files saves a process start and a module graph per file.
   */
  isolate: boolean;
}

export function vitestArgs(
  install: Pick<VitestInstall, 'vitestEntry' | 'reporterFile'>,
  spec: VitestRunSpec,
): string[] {
  return [
    install.vitestEntry,
    'run',
    '--root',
    spec.root,
    '--reporter=json',
    `--outputFile.json=${spec.reportFile}`,
    `--reporter=${install.reporterFile}`,
    // Caches would be shared between learners through the linked node_modules.
    '--no-cache',
    '--no-fsModuleCache',
    `--testTimeout=${spec.testTimeoutMs}`,
    `--hookTimeout=${HOOK_TIMEOUT_MS}`,
    `--maxWorkers=${spec.maxWorkers}`,
    ...(spec.isolate ? [] : ['--no-isolate']),
  ];
}

/**
 * A vitest run's own variables. With PATH, HOME and TMPDIR (the runner's business) they are the
 * whole environment: nothing of the host's leaks into learner code.
 */
export function vitestEnv(eventsFile: string): Record<string, string> {
  return { NO_COLOR: '1', CI: '1', [EVENTS_FILE_ENV]: eventsFile };
}

/**
 * vitest times hooks by the wall clock, opening a database included, which the runner does not
 * count (time-limits.ts): on a busy machine that can take longer than a test may. The learner's
 * clock still stops a hook that hangs in the learner's code at the exercise's limit.
 */
export const HOOK_TIMEOUT_MS = (SETUP_LIMIT_SECONDS - 10) * 1000;

/** Leaves room for vitest's start-up inside the wall-clock limit. */
export function testTimeoutFor(limitSeconds: number): number {
  return Math.max(1000, limitSeconds * 1000 - 1500);
}
