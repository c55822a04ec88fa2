/**
 * Writes every exercise's reference solution as a content-hashed JSON file among the built
 * assets (`_astro/solution-<exercise>.<hash>.json`, see exercises/solution-asset.ts), for the
 * "Compare with the solution" view to fetch on demand. `astro dev` serves the same files from
 * a middleware, read afresh on each request, so an author's edit shows without a rebuild.
 *
 * An exercise without a solution gets no file and no Compare button (Exercise.astro checks the
 * same way); the course check is what insists every exercise has one.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { listExerciseIds, loadExercise } from '../exercises/catalog.ts';
import { loadSolutionFile, type SolutionFile } from '../exercises/solution-asset.ts';

/** The solution file of every exercise that has a valid definition and a complete solution. */
export async function allSolutionFiles(
  root: string,
): Promise<{ files: SolutionFile[]; skipped: string[] }> {
  const files: SolutionFile[] = [];
  const skipped: string[] = [];
  for (const id of await listExerciseIds(root)) {
    try {
      files.push(await loadSolutionFile(root, await loadExercise(root, id)));
    } catch {
      skipped.push(id);
    }
  }
  return { files, skipped };
}

export function solutionFiles(root: string): AstroIntegration {
  return {
    name: 'workbench:solution-files',
    hooks: {
      'astro:server:setup': ({ server }) => {
        server.middlewares.use((req, res, next) => {
          const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
          if (!/\/_astro\/solution-[^/]+\.json$/.test(pathname)) return next();
          allSolutionFiles(root)
            .then(({ files }) => {
              const file = files.find((f) => pathname.endsWith(`/${f.path}`));
              if (!file) return next();
              res.setHeader('Content-Type', 'application/json');
              res.setHeader('Cache-Control', 'no-cache');
              res.end(file.body);
            })
            .catch(next);
        });
      },
      'astro:build:done': async ({ dir, logger }) => {
        const outDir = fileURLToPath(dir);
        const { files, skipped } = await allSolutionFiles(root);
        await mkdir(join(outDir, '_astro'), { recursive: true });
        await Promise.all(files.map((file) => writeFile(join(outDir, file.path), file.body)));
        logger.info(`${files.length} solution files written`);
        if (skipped.length > 0) {
          logger.warn(`No solution file (broken or missing solution): ${skipped.join(', ')}`);
        }
      },
    },
  };
}
