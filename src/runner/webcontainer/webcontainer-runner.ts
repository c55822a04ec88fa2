/**
 * Runs exercises inside a WebContainer: real Node in the learner's tab, nothing installed.
 *
 * One container per tab, booted on the first Run (never on page load: boot costs memory that
 * phones do not have) and kept for every later run and every lesson the tab navigates to.
 * Dependencies come from the snapshot built with the site (integrations/webcontainer-snapshot),
 * mounted in one call; only without it does the container run npm install, once. PostgreSQL
 * is a second part, mounted when a run first needs it.
 *
 * Each run gets its own folder under runs/, written exactly like a local workspace
 * (workspace-files.ts), vitest started with the same command line as the local runner
 * (vitest/command.ts), and its JSON report and events read back through the container's fs
 * into the same parser (vitest-report.ts). The learner gets the same result either way.
 */
import { problemResult, type RunResult } from '../result.ts';
import type { RunOptions, RunRequest, Runner, ScriptRequest } from '../runner.ts';
import { SCRIPT_TIME_LIMIT_SECONDS, scriptResult } from '../script-result.ts';
import { createSanitizer } from '../sanitize.ts';
import { testTimeoutFor, vitestArgs, vitestEnv } from '../vitest/command.ts';
import { buildRunResult } from '../vitest/vitest-report.ts';
import { workspaceFiles, type ExerciseSources } from '../workspace-files.ts';
import type { Container, ContainerProcess } from './container.ts';
import type { ContainerPackageJson } from './container-package.ts';
import { usesDatabase } from './snapshot-parts.ts';

export interface ExerciseSpec extends ExerciseSources {
  timeLimitSeconds: number;
}

export type ContainerFailure = 'boot-failed' | 'boot-timeout' | 'install-failed';

/** The container could not be made ready: the caller may fall back to another runner. */
export class ContainerUnavailableError extends Error {
  readonly reason: ContainerFailure;
  constructor(reason: ContainerFailure, message: string) {
    super(message);
    this.name = 'ContainerUnavailableError';
    this.reason = reason;
  }
}

export interface WebContainerRunnerOptions {
  boot: () => Promise<Container>;
  /** The dependency snapshot, or undefined to npm install in the container instead. */
  dependencies: () => Promise<Uint8Array | undefined>;
  /**
   * The database part of the snapshot (snapshot-parts.ts), mounted before the first run whose
   * code imports PGlite; undefined when this build has none.
   */
  databaseDependencies?: () => Promise<Uint8Array | undefined>;
  packageJson: ContainerPackageJson;
  exercises: (id: string) => ExerciseSpec | undefined;
  /** Sources of events-reporter.ts and progress-setup.ts, written into the container. */
  support: { reporter: string; progress: string };
  /** How long boot plus dependencies may take before giving up. */
  bootTimeoutMs?: number;
  /** Raw terminal output of every process, for the learner's terminal panel. */
  onOutput?: (chunk: string) => void;
}

const SUPPORT_DIR = '.workbench';
const OUTPUT_LIMIT = 1024 * 1024;

async function collect(
  process: ContainerProcess,
  onOutput?: (chunk: string) => void,
): Promise<string> {
  let text = '';
  const reader = process.output.getReader();
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
    if (done || value === undefined) break;
    onOutput?.(value);
    if (text.length < OUTPUT_LIMIT) text += value;
  }
  return text;
}

/** Waits for a container process, killing it at the time limit or on abort. */
async function superviseProcess(
  process: ContainerProcess,
  limitSeconds: number,
  signal: AbortSignal | undefined,
  onOutput: ((chunk: string) => void) | undefined,
): Promise<{ exitCode: number; output: string; timedOut: boolean; durationMs: number }> {
  const started = performance.now();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    process.kill();
  }, limitSeconds * 1000);
  const abort = () => process.kill();
  signal?.addEventListener('abort', abort, { once: true });
  const [exitCode, output] = await Promise.all([process.exit, collect(process, onOutput)]);
  clearTimeout(timer);
  signal?.removeEventListener('abort', abort);
  return { exitCode, output, timedOut, durationMs: Math.round(performance.now() - started) };
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class WebContainerRunner implements Runner {
  private readonly options: WebContainerRunnerOptions;
  private ready: Promise<{ container: Container; nodeVersion: string }> | undefined;
  private runs = 0;
  private database: Promise<void> | undefined;
  label = 'In the browser (WebContainer)';

  constructor(options: WebContainerRunnerOptions) {
    this.options = options;
  }

  /**
   * Boots the container and installs the dependencies, once. Rejects with
   * ContainerUnavailableError; a later call tries again.
   */
  prepare(): Promise<{ container: Container; nodeVersion: string }> {
    this.ready ??= withTimeout(
      this.bootAndInstall(),
      this.options.bootTimeoutMs ?? 30_000,
      () =>
        new ContainerUnavailableError(
          'boot-timeout',
          `Node did not start in this browser within ${Math.round((this.options.bootTimeoutMs ?? 30_000) / 1000)} s.`,
        ),
    ).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async bootAndInstall(): Promise<{ container: Container; nodeVersion: string }> {
    let container: Container;
    try {
      container = await this.options.boot();
    } catch (error) {
      throw new ContainerUnavailableError(
        'boot-failed',
        `Node could not start in this browser: ${(error as Error).message}`,
      );
    }
    try {
      await container.fs.writeFile(
        'package.json',
        JSON.stringify(this.options.packageJson, null, 2),
      );
      const snapshot = await this.options.dependencies();
      if (snapshot) {
        await container.mount(snapshot);
      } else {
        const install = await container.spawn('npm', ['install', '--no-audit', '--no-fund']);
        const [code] = await Promise.all([install.exit, collect(install, this.options.onOutput)]);
        if (code !== 0) throw new Error(`npm install exited with code ${code}`);
      }
      await container.fs.mkdir(SUPPORT_DIR, { recursive: true });
      await container.fs.writeFile(
        `${SUPPORT_DIR}/events-reporter.ts`,
        this.options.support.reporter,
      );
      const version = await container.spawn('node', ['--version']);
      const [, printed] = await Promise.all([version.exit, collect(version)]);
      const nodeVersion = printed.trim().replace(/^v/, '') || 'unknown';
      this.label = `In the browser (WebContainer) · Node ${nodeVersion}`;
      return { container, nodeVersion };
    } catch (error) {
      container.teardown();
      throw new ContainerUnavailableError(
        'install-failed',
        `The exercise tools could not be installed in this browser: ${(error as Error).message}`,
      );
    }
  }

  /** The ready container, or the result that says why there is none. */
  private async container(): Promise<Container | RunResult> {
    try {
      return (await this.prepare()).container;
    } catch (error) {
      return problemResult({
        code: 'runner-unavailable',
        message: (error as Error).message,
        hint: 'Switch "Run code" to the local runner (npm start), or use a current Chrome, Edge or Firefox.',
      });
    }
  }

  /**
   * Mounts the database part once, when the first run that needs it comes; a learner who never
   * reaches the database track never downloads PostgreSQL. Undefined when mounted, otherwise
   * the result that says why not.
   */
  private async withDatabase(
    container: Container,
    sources: readonly string[],
  ): Promise<RunResult | undefined> {
    const fetchPart = this.options.databaseDependencies;
    if (!fetchPart || !usesDatabase(sources)) return undefined;
    this.database ??= (async () => {
      const snapshot = await fetchPart();
      if (snapshot) await container.mount(snapshot);
    })().catch((error: unknown) => {
      this.database = undefined;
      throw error;
    });
    try {
      await this.database;
      return undefined;
    } catch (error) {
      return problemResult({
        code: 'runner-unavailable',
        message: `PostgreSQL (PGlite) could not be loaded into this browser: ${(error as Error).message}`,
        hint: 'Check your connection and press Run again, or switch "Run code" to the local runner (npm start).',
      });
    }
  }

  async runScript(request: ScriptRequest, options: RunOptions = {}): Promise<RunResult> {
    const container = await this.container();
    if ('status' in container) return container;
    const missing = await this.withDatabase(container, [request.source]);
    if (missing) return missing;
    this.runs += 1;
    const file = `examples/e${this.runs}.mts`;
    try {
      await container.fs.mkdir('examples', { recursive: true });
      await container.fs.writeFile(file, request.source);
      const process = await container.spawn('node', [file], { env: { NO_COLOR: '1' } });
      const ran = await superviseProcess(
        process,
        SCRIPT_TIME_LIMIT_SECONDS,
        options.signal,
        this.options.onOutput,
      );
      const result = scriptResult({
        ...ran,
        timeLimitSeconds: SCRIPT_TIME_LIMIT_SECONDS,
        sanitize: createSanitizer({ workspaceDirs: [container.workdir] }),
      });
      return { ...result, runner: this.label };
    } finally {
      await container.fs.rm(file, { force: true }).catch(() => {});
    }
  }

  async run(request: RunRequest, options: RunOptions = {}): Promise<RunResult> {
    const exercise = this.options.exercises(request.exerciseId);
    if (!exercise) {
      return problemResult({
        code: 'unknown-exercise',
        message: `This page does not know the exercise "${request.exerciseId}".`,
        hint: 'Reload the page.',
      });
    }
    const container = await this.container();
    if ('status' in container) return container;
    const missing = await this.withDatabase(container, [
      ...[...exercise.tests, ...exercise.support].map((file) => file.content),
      ...Object.values(request.files),
    ]);
    if (missing) return missing;
    this.runs += 1;
    const dir = `runs/r${this.runs}`;
    const abs = `${container.workdir}/${dir}`;
    const limitSeconds = exercise.timeLimitSeconds;
    try {
      await container.fs.mkdir(dir, { recursive: true });
      for (const file of workspaceFiles(exercise, request.files, this.options.support.progress)) {
        await container.fs.writeFile(`${dir}/${file.name}`, file.content);
      }
      const process = await container.spawn(
        'node',
        vitestArgs(
          {
            vitestEntry: `${container.workdir}/node_modules/vitest/vitest.mjs`,
            reporterFile: `${container.workdir}/${SUPPORT_DIR}/events-reporter.ts`,
          },
          {
            root: abs,
            reportFile: `${abs}.report.json`,
            testTimeoutMs: testTimeoutFor(limitSeconds),
            maxWorkers: 1,
            isolate: true,
          },
        ),
        {
          env: vitestEnv(`${abs}.events.ndjson`),
          terminal: { cols: 100, rows: 30 },
        },
      );
      const ran = await superviseProcess(
        process,
        limitSeconds,
        options.signal,
        this.options.onOutput,
      );
      const read = (path: string) => container.fs.readFile(path, 'utf-8').catch(() => undefined);
      const result = buildRunResult({
        report: await read(`${dir}.report.json`),
        events: await read(`${dir}.events.ndjson`),
        processOutput: ran.output,
        exitCode: ran.exitCode,
        timedOut: ran.timedOut,
        timeLimitSeconds: limitSeconds,
        durationMs: ran.durationMs,
        sanitize: createSanitizer({
          workspaceDirs: [abs, container.workdir],
          hiddenDirs: [],
        }),
      });
      return { ...result, runner: this.label };
    } catch (error) {
      return problemResult({
        code: 'runner-failure',
        message: `The in-browser run failed: ${(error as Error).message}`,
        hint: 'Press Run again; if it keeps failing, switch "Run code" to the local runner.',
      });
    } finally {
      await Promise.all([
        container.fs.rm(dir, { recursive: true, force: true }),
        container.fs.rm(`${dir}.report.json`, { force: true }),
        container.fs.rm(`${dir}.events.ndjson`, { force: true }),
      ]).catch(() => {});
    }
  }
}
