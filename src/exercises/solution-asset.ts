/**
 * Reference solutions as static files for the browser: one JSON file per exercise, named by a
 * hash of its content under `_astro/` (served as immutable, like Astro's bundles). The lesson
 * page only carries the file's URL; the solution itself is fetched when the learner asks to
 * compare, so reading the page source gives nothing away, and a static host or an offline copy
 * of the built site serves it like any other file. Exercise.astro (the URL) and the build
 * integration (the file) both call this, so they always agree. Node only.
 */
import { createHash } from 'node:crypto';
import type { SolutionAsset } from '../schemas/solution-asset.ts';
import { loadSolution, type Exercise } from './catalog.ts';

export interface SolutionFile {
  /** Relative to the site's root (and base), e.g. `_astro/solution-04-streams-lines.Ab12Cd34Ef56.json`. */
  path: string;
  body: string;
}

/** The file for an exercise's solution files: pure, so the name depends on the content alone. */
export function solutionFile(id: string, files: Record<string, string>): SolutionFile {
  const asset: SolutionAsset = { version: 1, id, files };
  const body = JSON.stringify(asset);
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 12);
  return { path: `_astro/solution-${id.replace(/[^a-z0-9]+/g, '-')}.${hash}.json`, body };
}

/** Reads the exercise's solution from `solutions/`; rejects when a file is missing. */
export async function loadSolutionFile(root: string, exercise: Exercise): Promise<SolutionFile> {
  return solutionFile(exercise.id, await loadSolution(root, exercise));
}
