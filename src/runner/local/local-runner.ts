/**
 * The local runner: grades a submission with the installed vitest in a throwaway workspace.
 * Behind POST /api/run for the browser and called directly by the grading CLI.
 *
 * A run is a pipeline, one module per stage, composed here:
 *   request    exercises/catalog.ts        which exercise, its tests and starter
 *   workspace  workspace.ts                a private folder with the tests and the learner's files
 *   process    sandboxed-process.ts        the command that runs it, in the sandbox where there is one,
 *              run-process.ts              supervised: output cap, and the time limit kept by
 *              learner-clock.ts            the learner's clock (our set-up is not counted)
 *   result     run-result.ts               the report and events, as one RunResult
 * A warm sandbox (sandbox/pool.ts) replaces the first half of the process stage: it was started
 * before the learner pressed Run.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadExercise, ExerciseDefinitionError, type Exercise } from '../../exercises/catalog.ts';
import { problemResult, type RunResult } from '../result.ts';
import type { RunOptions, RunRequest, Runner, ScriptRequest } from '../runner.ts';
import { SCRIPT_TIME_LIMIT_SECONDS } from '../script-result.ts';
import { EVENTS_FILE_ENV, PROGRESS_MODULE } from '../vitest/events.ts';
import {
  HOOK_TIMEOUT_MS,
  testTimeoutFor,
  vitestArgs,
  vitestEnv,
  type VitestInstall,
} from '../vitest/command.ts';
import type { RunArtifacts } from '../vitest/vitest-report.ts';
import { workspaceFiles } from '../workspace-files.ts';
import { learnerClockFor } from './learner-clock.ts';
import { ensurePreparedDatabase, opensDatabase } from './prepared-database.ts';
import { killGroup } from './process-groups.ts';
import { runProcess, supervise, type ProcessLimits, type ProcessOutcome } from './run-process.ts';
import { scriptRunResult, testRunResult, type ResultContext } from './run-result.ts';
import type { WarmSandbox } from './sandbox/pool.ts';
import { DEFAULT_LIMITS, type SandboxLimits, type SandboxSupport } from './sandbox/sandbox.ts';
import { UidPool } from './sandbox/uid-pool.ts';
import { WarmPools } from './sandbox/warm-pools.ts';
import { lockFolders, planProcess, type InsidePaths } from './sandboxed-process.ts';
import { resolveVitestInstall } from './vitest-install.ts';
import {
  createScriptWorkspace,
  createWorkspace,
  SCRIPT_FILE,
  type Workspace,
} from './workspace.ts';

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

const DEFAULT_MAX_OUTPUT = 1024 * 1024;

export interface LocalRunOptions extends RunOptions {
  /**
   * Receives what vitest left behind before the workspace is deleted. For recording parser
   * fixtures (test/fixtures/vitest-reports/record.ts) and for debugging the runner.
   */
  onArtifacts?: (artifacts: RunArtifacts, workspaceDir: string) => void;
}

/** The code a run of the exercise loads besides the learner's: what decides its set-up. */
function exerciseSources(exercise: Exercise): string[] {
  return [...exercise.tests, ...exercise.support].map((f) => f.content);
}

export class LocalRunner implements Runner {
  readonly label = `Local runner · Node ${process.versions.node}`;
  private readonly courseRoot: string;
  private readonly installRoot: string;
  private readonly install: VitestInstall;
  private readonly options: LocalRunnerOptions;
  private readonly sandbox: SandboxSupport | undefined;
  private readonly uids = new UidPool();
  private readonly pool: WarmPools | undefined;
  private progressSource: string | undefined;

  constructor(options: LocalRunnerOptions) {
    this.options = options;
    this.courseRoot = options.courseRoot;
    this.installRoot = options.installRoot ?? options.courseRoot;
    this.install = resolveVitestInstall(this.installRoot);
    this.sandbox = options.sandbox;
    if (options.warm && this.sandbox?.available) {
      this.pool = new WarmPools({
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

  /** Sandboxes started ahead of runs and waiting for one, of how many are kept (/api/ready). */
  get warmSandboxes(): { ready: number; target: number } {
    return this.pool?.status ?? { ready: 0, target: 0 };
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
      await this.prepareFor(exerciseSources(exercise));
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

  /**
   * Runs a workspace's process to the end under the output cap and the learner's clock, in a
   * sandbox of its own where there is one.
   */
  private async runProcessIn(
    workspace: Workspace,
    how: {
      command: (inside: InsidePaths) => string[];
      env: (inside: InsidePaths) => Record<string, string>;
      limitSeconds: number;
      countsFromStart: boolean;
    },
    signal: AbortSignal | undefined,
  ): Promise<ProcessOutcome> {
    const sandboxed = this.sandbox?.available === true;
    const uid = sandboxed && this.sandbox?.ownUid ? this.uids.acquire() : undefined;
    try {
      if (sandboxed) await lockFolders(workspace, uid);
      const plan = planProcess({
        folders: workspace,
        sandbox: sandboxed
          ? { uid, limits: this.limits, readOnly: this.install.readOnlyDirs }
          : undefined,
        command: how.command,
        env: how.env,
      });
      return await runProcess(plan.command, plan.args, {
        cwd: plan.cwd,
        env: plan.env,
        limits: this.processLimits(workspace.eventsFile, how.limitSeconds, how.countsFromStart),
        ...(signal ? { signal } : {}),
      });
    } finally {
      if (uid !== undefined) this.uids.release(uid);
    }
  }

  private processLimits(
    eventsFile: string,
    limitSeconds: number,
    countsFromStart: boolean,
  ): ProcessLimits {
    const limitMs = limitSeconds * 1000;
    return {
      timeLimitMs: limitMs,
      maxOutputBytes: this.maxOutputBytes,
      clock: learnerClockFor(eventsFile, { limitMs, countsFromStart }),
    };
  }

  private get maxOutputBytes(): number {
    return this.options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  }

  private resultContext(
    outcome: ProcessOutcome,
    workspace: ResultContext['workspace'],
    timeLimitSeconds: number,
  ): ResultContext {
    return {
      outcome,
      workspace,
      installRoot: this.installRoot,
      timeLimitSeconds,
      maxOutputBytes: this.maxOutputBytes,
      sandboxLimits: this.sandbox?.available ? this.limits : undefined,
    };
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
    try {
      const outcome = await this.runProcessIn(
        workspace,
        {
          command: (inside) => [
            process.execPath,
            ...vitestArgs(this.install, {
              root: inside.dir,
              reportFile: join(inside.outDir, 'report.json'),
              testTimeoutMs: testTimeoutFor(limitSeconds),
              maxWorkers: 1,
              isolate: true,
            }),
          ],
          env: (inside) => vitestEnv(join(inside.outDir, 'events.ndjson')),
          limitSeconds,
          countsFromStart: false,
        },
        options.signal,
      );
      return await testRunResult(
        this.resultContext(outcome, workspace, limitSeconds),
        options.onArtifacts,
      );
    } finally {
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
      sandbox = await this.pool!.take(opensDatabase(exerciseSources(exercise)));
    } catch {
      // No warm sandbox could be started (the error is logged): start one for this run.
      return this.runCold(exercise, files, options);
    }
    const limitSeconds = exercise.meta.timeLimitSeconds;
    const workspace = {
      base: sandbox.base,
      dir: sandbox.workDir,
      outDir: sandbox.outDir,
      reportFile: join(sandbox.outDir, 'report.json'),
      eventsFile: join(sandbox.outDir, 'events.ndjson'),
    };
    try {
      this.progressSource ??= readFileSync(this.install.progressModule, 'utf8');
      for (const file of workspaceFiles(exercise, files, this.progressSource)) {
        if (file.name === PROGRESS_MODULE) continue;
        await writeFile(join(sandbox.workDir, file.name), file.content, { mode: 0o444 });
      }
      const outcome = supervise(
        sandbox.child,
        this.processLimits(workspace.eventsFile, limitSeconds, false),
        options.signal,
      );
      const job = { testTimeoutMs: testTimeoutFor(limitSeconds), hookTimeoutMs: HOOK_TIMEOUT_MS };
      sandbox.child.stdin?.end(`${JSON.stringify(job)}\n`);
      return await testRunResult(
        this.resultContext(await outcome, workspace, limitSeconds),
        options.onArtifacts,
      );
    } finally {
      killGroup(sandbox.child.pid);
      await sandbox.dispose();
    }
  }

  /** Runs a lesson's example as a plain script, sandboxed like a test run. */
  async runScript(request: ScriptRequest, options: RunOptions = {}): Promise<RunResult> {
    await this.prepareFor([request.source]);
    const workspace = await createScriptWorkspace(request.source, {
      // Examples may import what exercises import (PGlite, the exercise kit).
      nodeModulesDir: this.install.nodeModulesDir,
      ...(this.options.tmpDir ? { parentDir: this.options.tmpDir } : {}),
    });
    try {
      const outcome = await this.runProcessIn(
        workspace,
        {
          command: (inside) => [process.execPath, join(inside.dir, SCRIPT_FILE)],
          // The events file only carries the exercise kit's set-up marks, for the clock.
          env: (inside) => ({
            NO_COLOR: '1',
            [EVENTS_FILE_ENV]: join(inside.outDir, 'events.ndjson'),
          }),
          limitSeconds: SCRIPT_TIME_LIMIT_SECONDS,
          countsFromStart: true,
        },
        options.signal,
      );
      return {
        ...scriptRunResult(this.resultContext(outcome, workspace, SCRIPT_TIME_LIMIT_SECONDS)),
        runner: this.label,
      };
    } finally {
      await workspace.remove();
    }
  }
}
