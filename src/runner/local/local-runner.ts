/**
 * The local runner: grades a submission with the installed vitest in a throwaway workspace.
 * Behind POST /api/run for the browser and called directly by the grading CLI.
 */
import { readFileSync } from 'node:fs';
import {
  chmod,
  chown,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExercise, ExerciseDefinitionError, type Exercise } from '../../exercises/catalog.ts';
import { problemResult, type RunResult } from '../result.ts';
import type { RunOptions, RunRequest, Runner, ScriptRequest } from '../runner.ts';
import { SCRIPT_TIME_LIMIT_SECONDS, scriptResult } from '../script-result.ts';
import { createSanitizer } from '../sanitize.ts';
import { buildRunResult, type RunArtifacts } from '../vitest/vitest-report.ts';
import {
  killGroup,
  runProcess,
  supervise,
  type ProcessLimits,
  type ProcessOutcome,
} from './run-process.ts';
import { SandboxPool, type WarmSandbox } from './sandbox/pool.ts';
import { workspaceFiles } from '../workspace-files.ts';
import { PROGRESS_MODULE } from '../vitest/events.ts';
import { testTimeoutFor, vitestArgs, vitestEnv, type VitestInstall } from '../vitest/command.ts';
import { resolveVitestInstall } from './vitest-install.ts';
import { createWorkspace, type Workspace } from './workspace.ts';
import { EVENTS_FILE_ENV } from '../vitest/events.ts';
import {
  DEFAULT_LIMITS,
  SANDBOX_OUT,
  SANDBOX_WORK,
  sandboxArgv,
  type SandboxLimits,
  type SandboxSupport,
} from './sandbox/sandbox.ts';
import { UidPool } from './sandbox/uid-pool.ts';
import { ensurePreparedDatabase, opensDatabase } from './prepared-database.ts';
import { limitThatWasHit, memoryLimitIn } from './sandbox/limits.ts';

export interface LocalRunnerOptions {
  /** Where exercises/ and solutions/ are: the project root, or a fixture course in tests. */
  courseRoot: string;
  /** The installation: node_modules/ and src/. Defaults to the course root. */
  installRoot?: string;
  /** Where run directories are created; the system temp dir by default. */
  tmpDir?: string;
  /** Stdout + stderr kept per run before the run is stopped. */
  maxOutputBytes?: number;
  /**
   * What this machine's sandbox can do (probeSandbox()). Without it, or when it is not
   * available, runs are plain child processes: fine for the course's own code and for CI
   * grading on a throwaway machine, not for code from strangers (see docs/security.md).
   */
  sandbox?: SandboxSupport;
  limits?: SandboxLimits;
  /**
   * Sandboxes to keep started ahead of runs (each used once). 0 or absent: start one per run.
   * Only with an available sandbox.
   */
  warm?: number;
}

/**
 * Makes the workspace read-only to the run and the out folder writable by it. The read-only
 * bind mount is what really protects the tests; the ownership is a second line.
 */
async function lockWorkspace(workspace: Workspace, uid: number | undefined): Promise<void> {
  // The run's uid must be able to reach its folders (mkdtemp makes them 0700), not list them.
  await chmod(workspace.base, 0o711);
  for (const entry of await readdir(workspace.dir, { withFileTypes: true })) {
    if (entry.isFile()) await chmod(join(workspace.dir, entry.name), 0o444);
  }
  await chmod(workspace.dir, 0o555);
  if (uid !== undefined) await chown(workspace.outDir, uid, uid);
}

const DEFAULT_MAX_OUTPUT = 1024 * 1024;

export interface LocalRunOptions extends RunOptions {
  /**
   * Receives what vitest left behind before the workspace is deleted. For recording parser
   * fixtures (test/fixtures/vitest-reports/record.ts) and for debugging the runner.
   */
  onArtifacts?: (artifacts: RunArtifacts, workspaceDir: string) => void;
}

export async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

export class LocalRunner implements Runner {
  readonly label = `Local runner · Node ${process.versions.node}`;
  private readonly courseRoot: string;
  private readonly installRoot: string;
  private readonly install: VitestInstall;
  private readonly options: LocalRunnerOptions;
  private readonly sandbox: SandboxSupport | undefined;
  private readonly uids = new UidPool();
  private readonly pool: SandboxPool | undefined;
  private progressSource: string | undefined;

  constructor(options: LocalRunnerOptions) {
    this.options = options;
    this.courseRoot = options.courseRoot;
    this.installRoot = options.installRoot ?? options.courseRoot;
    this.install = resolveVitestInstall(this.installRoot);
    this.sandbox = options.sandbox;
    if (options.warm && this.sandbox?.available) {
      this.pool = new SandboxPool({
        size: options.warm,
        agentFile: join(this.installRoot, 'src', 'runner', 'local', 'sandbox', 'agent.ts'),
        install: this.install,
        limits: this.limits,
        uids: this.sandbox.ownUid ? this.uids : undefined,
        ...(options.tmpDir ? { tmpDir: options.tmpDir } : {}),
      });
    }
  }

  /** Prepares what the given test or example code needs before its time limit starts. */
  async prepareFor(sources: Iterable<string>): Promise<void> {
    if (opensDatabase(sources)) await ensurePreparedDatabase(this.installRoot);
  }

  /** Stops keeping sandboxes warm (shutdown). */
  async close(): Promise<void> {
    await this.pool?.close();
  }

  /** Whether runs are sandboxed, and what is missing: for /api/ready and the start-up warning. */
  get sandboxSupport(): SandboxSupport | undefined {
    return this.sandbox;
  }

  get vitestInstall(): VitestInstall {
    return this.install;
  }

  /** Exercises are read on every run: cheap, and an author's edits show up without a restart. */
  loadExercise(id: string): Promise<Exercise> {
    return loadExercise(this.courseRoot, id);
  }

  async run(request: RunRequest, options: RunOptions = {}): Promise<RunResult> {
    return { ...(await this.runUnlabelled(request, options)), runner: this.label };
  }

  private async runUnlabelled(request: RunRequest, options: RunOptions): Promise<RunResult> {
    let exercise: Exercise;
    try {
      exercise = await this.loadExercise(request.exerciseId);
    } catch (error) {
      const known = error instanceof ExerciseDefinitionError;
      return problemResult({
        code: 'bad-request',
        message: known ? error.message : `There is no exercise "${request.exerciseId}".`,
        hint: known ? error.hint : 'Check the exercise id; ids look like "04-streams/lines".',
      });
    }
    return this.runExercise(exercise, request.files, options);
  }

  async runExercise(
    exercise: Exercise,
    files: Readonly<Record<string, string>>,
    options: LocalRunOptions = {},
  ): Promise<RunResult> {
    try {
      await this.prepareFor([...exercise.tests, ...exercise.support].map((f) => f.content));
      return this.pool && !options.onArtifacts
        ? await this.runWarm(exercise, files, options)
        : await this.runCold(exercise, files, options);
    } catch (error) {
      return problemResult({
        code: 'runner-failure',
        message: `The runner could not prepare a run: ${(error as Error).message}`,
        hint: 'Check that the temporary directory is writable and not full, then run again.',
      });
    }
  }

  private get limits(): SandboxLimits {
    return this.options.limits ?? DEFAULT_LIMITS;
  }

  private get processLimits(): (seconds: number) => ProcessLimits {
    return (seconds) => ({
      timeLimitMs: seconds * 1000,
      maxOutputBytes: this.options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT,
    });
  }

  /** A sandbox started for this run (or a plain process where there is no sandbox). */
  private async runCold(
    exercise: Exercise,
    files: Readonly<Record<string, string>>,
    options: LocalRunOptions,
  ): Promise<RunResult> {
    const limitSeconds = exercise.meta.timeLimitSeconds;
    const workspace = await createWorkspace(exercise, files, {
      nodeModulesDir: this.install.nodeModulesDir,
      progressModule: this.install.progressModule,
      ...(this.options.tmpDir ? { parentDir: this.options.tmpDir } : {}),
    });
    const sandboxed = this.sandbox?.available === true;
    const uid = sandboxed && this.sandbox?.ownUid ? this.uids.acquire() : undefined;
    try {
      const inside = sandboxed
        ? { root: SANDBOX_WORK, out: SANDBOX_OUT }
        : { root: workspace.dir, out: workspace.outDir };
      let argv = [
        process.execPath,
        ...vitestArgs(this.install, {
          root: inside.root,
          reportFile: join(inside.out, 'report.json'),
          testTimeoutMs: testTimeoutFor(limitSeconds),
          maxWorkers: 1,
          isolate: true,
        }),
      ];
      if (sandboxed) {
        await lockWorkspace(workspace, uid);
        argv = sandboxArgv({
          uid,
          workDir: workspace.dir,
          outDir: workspace.outDir,
          readOnly: this.install.readOnlyDirs,
          limits: this.limits,
          env: { NO_COLOR: '1', CI: '1', [EVENTS_FILE_ENV]: join(SANDBOX_OUT, 'events.ndjson') },
          command: argv,
        });
      }
      const outcome = await runProcess(argv[0]!, argv.slice(1), {
        cwd: workspace.dir,
        env: sandboxed
          ? { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }
          : vitestEnv({
              path: process.env['PATH'] ?? '/usr/bin:/bin',
              home: workspace.base,
              tmp: join(workspace.base, 'tmp'),
              eventsFile: join(inside.out, 'events.ndjson'),
            }),
        limits: this.processLimits(limitSeconds),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return await this.result(exercise, outcome, workspace, options);
    } finally {
      if (uid !== undefined) this.uids.release(uid);
      await workspace.remove();
    }
  }

  /** A sandbox started before the learner pressed Run, with vitest already loaded. */
  private async runWarm(
    exercise: Exercise,
    files: Readonly<Record<string, string>>,
    options: LocalRunOptions,
  ): Promise<RunResult> {
    let sandbox: WarmSandbox;
    try {
      sandbox = await this.pool!.take();
    } catch {
      // No warm sandbox could be started (the error is logged): start one for this run.
      return this.runCold(exercise, files, options);
    }
    try {
      this.progressSource ??= readFileSync(this.install.progressModule, 'utf8');
      for (const file of workspaceFiles(exercise, files, this.progressSource)) {
        if (file.name === PROGRESS_MODULE) continue;
        await writeFile(join(sandbox.workDir, file.name), file.content, { mode: 0o444 });
      }
      const outcome = supervise(
        sandbox.child,
        this.processLimits(exercise.meta.timeLimitSeconds),
        options.signal,
      );
      sandbox.child.stdin?.end(
        `${JSON.stringify({ testTimeoutMs: testTimeoutFor(exercise.meta.timeLimitSeconds) })}\n`,
      );
      return await this.result(
        exercise,
        await outcome,
        {
          base: sandbox.base,
          dir: sandbox.workDir,
          outDir: sandbox.outDir,
          reportFile: join(sandbox.outDir, 'report.json'),
          eventsFile: join(sandbox.outDir, 'events.ndjson'),
        },
        options,
      );
    } finally {
      killGroup(sandbox.child.pid);
      await sandbox.dispose();
    }
  }

  /** Runs a lesson's example as a plain script, sandboxed like a test run. */
  async runScript(request: ScriptRequest, options: RunOptions = {}): Promise<RunResult> {
    await this.prepareFor([request.source]);
    const base = await mkdtemp(join(this.options.tmpDir ?? tmpdir(), 'workbench-run-'));
    const workDir = join(base, 'workspace');
    const outDir = join(base, 'out');
    const sandboxed = this.sandbox?.available === true;
    const uid = sandboxed && this.sandbox?.ownUid ? this.uids.acquire() : undefined;
    try {
      await mkdir(workDir);
      await mkdir(outDir);
      await writeFile(join(workDir, 'example.mts'), request.source, { mode: 0o444 });
      // Examples may import what exercises import (PGlite, the exercise kit).
      await symlink(this.install.nodeModulesDir, join(workDir, 'node_modules'), 'dir');
      let argv = [process.execPath, join(sandboxed ? SANDBOX_WORK : workDir, 'example.mts')];
      if (sandboxed) {
        await chmod(base, 0o711);
        await chmod(workDir, 0o555);
        if (uid !== undefined) await chown(outDir, uid, uid);
        argv = sandboxArgv({
          uid,
          workDir,
          outDir,
          readOnly: this.install.readOnlyDirs,
          limits: this.limits,
          env: { NO_COLOR: '1' },
          command: argv,
        });
      }
      const outcome = await runProcess(argv[0]!, argv.slice(1), {
        cwd: workDir,
        env: sandboxed
          ? { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }
          : {
              PATH: process.env['PATH'] ?? '/usr/bin:/bin',
              HOME: base,
              TMPDIR: base,
              NO_COLOR: '1',
            },
        limits: this.processLimits(SCRIPT_TIME_LIMIT_SECONDS),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const sanitize = createSanitizer({
        workspaceDirs: [SANDBOX_WORK, workDir, base],
        hiddenDirs: [{ dir: this.installRoot, label: '<workbench>' }],
      });
      if (outcome.outputLimited) {
        return problemResult(
          {
            code: 'output-limit',
            message: `Stopped: the example printed more than ${Math.round((this.options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT) / 1024)} KB.`,
            hint: 'Print a summary instead of every item.',
          },
          { durationMs: outcome.durationMs, output: sanitize(outcome.output.slice(0, 4000)) },
        );
      }
      const result = scriptResult({
        exitCode: outcome.exitCode,
        timedOut: outcome.timedOut,
        output: outcome.output,
        durationMs: outcome.durationMs,
        timeLimitSeconds: SCRIPT_TIME_LIMIT_SECONDS,
        sanitize,
      });
      const limit =
        sandboxed && result.errorCode === 'process-crashed'
          ? limitThatWasHit(outcome, this.limits)
          : undefined;
      return {
        ...(limit ? problemResult(limit, { durationMs: outcome.durationMs }) : result),
        runner: this.label,
      };
    } finally {
      if (uid !== undefined) this.uids.release(uid);
      await rm(base, { recursive: true, force: true, maxRetries: 3 });
    }
  }

  /** Reads what the run left behind and turns it into the result, naming any limit it hit. */
  private async result(
    exercise: Exercise,
    outcome: ProcessOutcome,
    workspace: Pick<Workspace, 'base' | 'dir' | 'outDir' | 'reportFile' | 'eventsFile'>,
    options: LocalRunOptions,
  ): Promise<RunResult> {
    const sanitize = createSanitizer({
      workspaceDirs: [SANDBOX_WORK, SANDBOX_OUT, workspace.dir, workspace.outDir, workspace.base],
      hiddenDirs: [{ dir: this.installRoot, label: '<workbench>' }],
    });
    if (outcome.outputLimited) {
      return problemResult(
        {
          code: 'output-limit',
          message: `Stopped: the code printed more than ${Math.round((this.options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT) / 1024)} KB.`,
          hint: 'Remove the console.log inside a loop, or print a summary instead of every item.',
        },
        {
          durationMs: outcome.durationMs,
          output: `${sanitize(outcome.output.slice(0, 4000))}\n… [output truncated at the limit]`,
        },
      );
    }
    const artifacts: RunArtifacts = {
      report: await readIfPresent(workspace.reportFile),
      events: await readIfPresent(workspace.eventsFile),
      processOutput: outcome.output,
      exitCode: outcome.exitCode,
      timedOut: outcome.timedOut,
      timeLimitSeconds: exercise.meta.timeLimitSeconds,
      durationMs: outcome.durationMs,
      sanitize,
    };
    options.onArtifacts?.(artifacts, workspace.dir);
    const result = buildRunResult(artifacts);
    // Only a run that died is explained by a limit: a test may well print "ENOSPC" on purpose.
    const limit = !this.sandbox?.available
      ? undefined
      : result.errorCode === 'process-crashed'
        ? limitThatWasHit(
            { ...outcome, output: `${outcome.output}\n${result.message ?? ''}` },
            this.limits,
          )
        : memoryLimitIn(
            [result.message ?? '', ...result.tests.map((t) => t.message ?? '')],
            this.limits,
          );
    return limit
      ? problemResult(limit, { durationMs: outcome.durationMs, tests: result.tests })
      : result;
  }
}
