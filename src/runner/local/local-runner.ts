/**
 * The local runner: grades a submission with the installed vitest in a throwaway workspace.
 * Behind POST /api/run for the browser and called directly by the grading CLI.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadExercise, ExerciseDefinitionError, type Exercise } from '../../exercises/catalog.ts';
import { problemResult, type RunResult } from '../result.ts';
import type { RunOptions, RunRequest, Runner } from '../runner.ts';
import { createSanitizer } from '../sanitize.ts';
import { buildRunResult, type RunArtifacts } from '../vitest/vitest-report.ts';
import { runProcess } from './run-process.ts';
import { testTimeoutFor, vitestArgs, vitestEnv, type VitestInstall } from '../vitest/command.ts';
import { resolveVitestInstall } from './vitest-install.ts';
import { createWorkspace } from './workspace.ts';

export interface LocalRunnerOptions {
  /** Where exercises/ and solutions/ are: the project root, or a fixture course in tests. */
  courseRoot: string;
  /** The installation: node_modules/ and src/. Defaults to the course root. */
  installRoot?: string;
  /** Where run directories are created; the system temp dir by default. */
  tmpDir?: string;
  /** Stdout + stderr kept per run before the run is stopped. */
  maxOutputBytes?: number;
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

  constructor(options: LocalRunnerOptions) {
    this.options = options;
    this.courseRoot = options.courseRoot;
    this.installRoot = options.installRoot ?? options.courseRoot;
    this.install = resolveVitestInstall(this.installRoot);
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
    const limitSeconds = exercise.meta.timeLimitSeconds;
    let workspace;
    try {
      workspace = await createWorkspace(exercise, files, {
        nodeModulesDir: this.install.nodeModulesDir,
        progressModule: this.install.progressModule,
        ...(this.options.tmpDir ? { parentDir: this.options.tmpDir } : {}),
      });
    } catch (error) {
      return problemResult({
        code: 'runner-failure',
        message: `The runner could not prepare a workspace: ${(error as Error).message}`,
        hint: 'Check that the temporary directory is writable and not full, then run again.',
      });
    }
    try {
      const outcome = await runProcess(
        process.execPath,
        vitestArgs(this.install, {
          root: workspace.dir,
          reportFile: workspace.reportFile,
          testTimeoutMs: testTimeoutFor(limitSeconds),
          maxWorkers: 1,
          isolate: true,
        }),
        {
          cwd: workspace.dir,
          env: vitestEnv({
            path: process.env['PATH'] ?? '/usr/bin:/bin',
            home: workspace.base,
            tmp: join(workspace.base, 'tmp'),
            eventsFile: workspace.eventsFile,
          }),
          limits: {
            timeLimitMs: limitSeconds * 1000,
            maxOutputBytes: this.options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT,
          },
          ...(options.signal ? { signal: options.signal } : {}),
        },
      );
      const sanitize = createSanitizer({
        workspaceDirs: [workspace.dir, workspace.base],
        hiddenDirs: [{ dir: this.installRoot, label: '<workbench>' }],
      });
      if (outcome.outputLimited) {
        return problemResult(
          {
            code: 'output-limit',
            message: `Stopped: the code printed more than ${Math.round((this.options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT) / 1024)} KB.`,
            hint: 'Remove the console.log inside a loop, or print a summary instead of every item.',
          },
          { durationMs: outcome.durationMs, output: sanitize(outcome.output.slice(0, 4000)) },
        );
      }
      const artifacts: RunArtifacts = {
        report: await readIfPresent(workspace.reportFile),
        events: await readIfPresent(workspace.eventsFile),
        processOutput: outcome.output,
        exitCode: outcome.exitCode,
        timedOut: outcome.timedOut,
        timeLimitSeconds: limitSeconds,
        durationMs: outcome.durationMs,
        sanitize,
      };
      options.onArtifacts?.(artifacts, workspace.dir);
      return buildRunResult(artifacts);
    } finally {
      await workspace.remove();
    }
  }
}
