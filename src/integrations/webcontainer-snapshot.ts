/**
 * Builds the WebContainer dependency snapshot with the site: the packages exercises need
 * (dependency-closure.ts) laid out as node_modules/ next to a package.json, packed by
 * @webcontainer/snapshot into one binary file that the browser mounts in a single call instead
 * of running npm install (tens of seconds, and a network the learner may not have).
 *
 * The prepared PostgreSQL data goes in too, gzipped (4 MB instead of 40), where the exercise kit
 * looks for it: database exercises then skip initdb in the browser as they do on the server.
 *
 * Output: dist/client/webcontainer/dependencies.bin and dependencies.json (what is inside).
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snapshot } from '@webcontainer/snapshot';
import type { AstroIntegration } from 'astro';
import { dependencyClosure } from '../runner/webcontainer/dependency-closure.ts';
import { containerPackageJson } from '../runner/webcontainer/container-package.ts';
import { ensurePreparedDatabase } from '../runner/local/prepared-database.ts';
import { preparedDataPaths } from '../exercise-kit/prepared-data.js';

/**
 * Source maps and type declarations: a third of the bytes (PGlite alone ships 6 MB of maps),
 * and nothing a test run reads. Every learner downloads the snapshot, so they stay out.
 */
const NOT_NEEDED_TO_RUN = /\.(map|d\.ts|d\.mts|d\.cts)$/;

export function webcontainerSnapshot(root: string): AstroIntegration {
  return {
    name: 'workbench:webcontainer-snapshot',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const started = performance.now();
        const packages = await dependencyClosure(root);
        await ensurePreparedDatabase(root);
        const prepared = preparedDataPaths(join(root, 'src', 'exercise-kit', 'prepared-data.js'));
        const staging = await mkdtemp(join(tmpdir(), 'workbench-wc-snapshot-'));
        try {
          for (const pkg of packages) {
            await cp(join(root, pkg.dir), join(staging, pkg.dir), {
              recursive: true,
              // The exercise kit is a link into src/: the container needs the files.
              dereference: true,
              // Nested node_modules are copied as packages of their own when they are needed.
              filter: (source) =>
                !source.slice(join(root, pkg.dir).length).includes('/node_modules/') &&
                !NOT_NEEDED_TO_RUN.test(source),
            });
          }
          if (existsSync(prepared.tarGz)) {
            const cache = join(staging, 'node_modules', '.cache', 'workbench');
            await mkdir(cache, { recursive: true });
            await cp(prepared.tarGz, join(cache, basename(prepared.tarGz)));
          } else {
            logger.warn('No prepared PostgreSQL data: database exercises will start cold.');
          }
          await writeFile(
            join(staging, 'package.json'),
            JSON.stringify(containerPackageJson(packages), null, 2),
          );
          const bytes = await snapshot(staging);
          const out = join(fileURLToPath(dir), 'webcontainer');
          await mkdir(out, { recursive: true });
          await writeFile(join(out, 'dependencies.bin'), bytes);
          await writeFile(
            join(out, 'dependencies.json'),
            JSON.stringify(
              { packages: packages.map(({ name, version }) => ({ name, version })) },
              null,
              2,
            ),
          );
          const mb = (bytes.byteLength / 1024 / 1024).toFixed(1);
          logger.info(
            `${packages.length} packages, ${mb} MB, in ${Math.round(performance.now() - started)} ms`,
          );
        } finally {
          await rm(staging, { recursive: true, force: true });
        }
      },
    },
  };
}
