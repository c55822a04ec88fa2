/**
 * A run's private directory, laid out so the learner's code can reach the tests and the
 * installed packages but nothing else of the project:
 *
 *   <tmp>/workbench-run-XXXX/
 *     workspace/          exercise tests + support files + the learner's files, vitest's root
 *       .workbench-progress.ts   see progress-setup.ts
 *       node_modules ->   the installation's node_modules (vitest, @types/node, ...)
 *     out/                the only folder the run may write (besides its own /tmp)
 *       report.json       written by vitest's JSON reporter
 *       events.ndjson     written by events-reporter.ts
 *     tmp/                HOME and TMPDIR of an unsandboxed run
 *
 * A lesson's example gets the same layout with one file, example.mts, in place of the
 * exercise's (createScriptWorkspace).
 */
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exercise } from '../../exercises/catalog.ts';
import { workspaceFiles, type ExerciseSources } from '../workspace-files.ts';
import type { RunFolders } from './sandboxed-process.ts';

export interface Workspace extends RunFolders {
  reportFile: string;
  eventsFile: string;
  remove(): Promise<void>;
}

export interface WorkspaceOptions {
  /** Linked into the workspace so tests can import vitest and exercise dependencies. */
  nodeModulesDir: string;
  /** progress-setup.ts, copied in and imported by every test file. */
  progressModule: string;
  /** Where run directories are created; the system temp dir by default. */
  parentDir?: string;
}

const progressSources = new Map<string, Promise<string>>();

/** Writes one exercise's files into an existing directory (see workspace-files.ts). */
export async function writeExerciseFiles(
  dir: string,
  exercise: ExerciseSources,
  files: Readonly<Record<string, string>>,
  progressModule: string,
): Promise<void> {
  if (!progressSources.has(progressModule))
    progressSources.set(progressModule, readFile(progressModule, 'utf8'));
  const progress = await progressSources.get(progressModule)!;
  for (const file of workspaceFiles(exercise, files, progress)) {
    await writeFile(join(dir, file.name), file.content, 'utf8');
  }
}

/** Creates a run directory, lays it out, and has `fill` write the workspace's files. */
async function createRunDirectory(
  options: Omit<WorkspaceOptions, 'progressModule'>,
  fill: (dir: string) => Promise<void>,
): Promise<Workspace> {
  const parent = options.parentDir ?? tmpdir();
  await mkdir(parent, { recursive: true });
  const base = await mkdtemp(join(parent, 'workbench-run-'));
  const dir = join(base, 'workspace');
  const remove = () => rm(base, { recursive: true, force: true, maxRetries: 3 });
  try {
    await mkdir(dir);
    await mkdir(join(base, 'tmp'));
    await mkdir(join(base, 'out'));
    await fill(dir);
    await symlink(options.nodeModulesDir, join(dir, 'node_modules'), 'dir');
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    base,
    dir,
    outDir: join(base, 'out'),
    scratchDir: join(base, 'tmp'),
    reportFile: join(base, 'out', 'report.json'),
    eventsFile: join(base, 'out', 'events.ndjson'),
    remove,
  };
}

/** Creates a run directory with one exercise's workspace in it (the layout at the top). */
export function createWorkspace(
  exercise: Exercise,
  files: Readonly<Record<string, string>>,
  options: WorkspaceOptions,
): Promise<Workspace> {
  return createRunDirectory(options, (dir) =>
    writeExerciseFiles(dir, exercise, files, options.progressModule),
  );
}

/** The example a lesson runs as a plain script, in a workspace of its own. */
export const SCRIPT_FILE = 'example.mts';

/** Creates a run directory for a lesson's example. */
export function createScriptWorkspace(
  source: string,
  options: Omit<WorkspaceOptions, 'progressModule'>,
): Promise<Workspace> {
  return createRunDirectory(options, (dir) => writeFile(join(dir, SCRIPT_FILE), source, 'utf8'));
}
