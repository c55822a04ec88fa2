/**
 * The files of one run's workspace, whoever writes them (Node's fs for the local runner, the
 * container's fs for the WebContainer runner). Isomorphic.
 */
import { PROGRESS_MODULE, withProgressImport } from './vitest/events.ts';

export interface SourceFile {
  name: string;
  content: string;
}

/** An exercise as a runner needs it, whether read from disk or sent with the page. */
export interface ExerciseSources {
  /** Starter versions of the editable files. */
  starter: readonly SourceFile[];
  tests: readonly SourceFile[];
  /** Other read-only files the tests need. */
  support: readonly SourceFile[];
}

/**
 * The learner's files (or the starter where the submission leaves one out) come first and the
 * read-only ones last, so a learner file can never replace a test whatever the caller checked.
 * Every test file imports the progress module on its own first line (see progress-setup.ts).
 */
export function workspaceFiles(
  exercise: ExerciseSources,
  files: Readonly<Record<string, string>>,
  progressModuleSource: string,
): SourceFile[] {
  const written = new Map<string, string>();
  for (const file of exercise.starter) {
    written.set(
      file.name,
      Object.hasOwn(files, file.name) ? (files[file.name] ?? '') : file.content,
    );
  }
  for (const file of exercise.support) written.set(file.name, file.content);
  written.set(PROGRESS_MODULE, progressModuleSource);
  for (const file of exercise.tests) written.set(file.name, withProgressImport(file.content));
  return [...written].map(([name, content]) => ({ name, content }));
}
