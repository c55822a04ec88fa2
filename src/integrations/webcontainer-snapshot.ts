/**
 * Builds the WebContainer dependency snapshot with the site: the packages exercises need
 * (dependency-closure.ts) laid out as node_modules/ next to a package.json, packed by
 * @webcontainer/snapshot into binary files that the browser mounts in one call each instead
 * of running npm install (tens of seconds, and a network the learner may not have).
 *
 * Two parts (snapshot-parts.ts): core, and database (PGlite with the prepared PostgreSQL data,
 * gzipped, where the exercise kit looks for it, so database exercises skip initdb in the
 * browser as they do on the server). Each part is named by a hash of its content and written
 * among Astro's hashed assets (`_astro/`), which are served as immutable; the manifest that
 * names them is `webcontainer/manifest.json`.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snapshot } from '@webcontainer/snapshot';
import type { AstroIntegration, AstroIntegrationLogger } from 'astro';
import { containerPackageJson } from '../runner/webcontainer/container-package.ts';
import {
  dependencyClosure,
  EXERCISE_RUNTIME_PACKAGES,
  type ClosurePackage,
} from '../runner/webcontainer/dependency-closure.ts';
import {
  DATABASE_PACKAGES,
  SNAPSHOT_MANIFEST_PATH,
  type SnapshotManifest,
  type SnapshotPart,
} from '../runner/webcontainer/snapshot-parts.ts';
import { ensurePreparedDatabase } from '../runner/local/prepared-database.ts';
import { preparedDataPaths } from '../exercise-kit/prepared-data.js';

/**
 * Source maps and type declarations: a third of the bytes (PGlite alone ships 6 MB of maps),
 * and nothing a test run reads. Every learner downloads the snapshot, so they stay out.
 */
const NOT_NEEDED_TO_RUN = /\.(map|d\.ts|d\.mts|d\.cts)$/;

async function stagePackages(root: string, staging: string, packages: ClosurePackage[]) {
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
}

/** Snapshots what `stage` puts in a fresh folder; returns the file's path under the site. */
async function writePart(
  part: SnapshotPart,
  outDir: string,
  stage: (staging: string) => Promise<void>,
): Promise<{ path: string; bytes: number }> {
  const staging = await mkdtemp(join(tmpdir(), `workbench-wc-${part}-`));
  try {
    await stage(staging);
    const bytes = await snapshot(staging);
    const hash = createHash('sha256').update(bytes).digest('base64url').slice(0, 12);
    const path = `_astro/webcontainer-${part}.${hash}.bin`;
    await mkdir(join(outDir, '_astro'), { recursive: true });
    await writeFile(join(outDir, path), bytes);
    return { path, bytes: bytes.byteLength };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export async function buildSnapshots(
  root: string,
  outDir: string,
  logger: Pick<AstroIntegrationLogger, 'info' | 'warn'>,
): Promise<SnapshotManifest> {
  const started = performance.now();
  const core = await dependencyClosure(root, EXERCISE_RUNTIME_PACKAGES, DATABASE_PACKAGES);
  const inCore = new Set(core.map((pkg) => pkg.dir));
  const database = (await dependencyClosure(root, DATABASE_PACKAGES)).filter(
    (pkg) => !inCore.has(pkg.dir),
  );
  await ensurePreparedDatabase(root);
  const prepared = preparedDataPaths(join(root, 'src', 'exercise-kit', 'prepared-data.js'));

  const corePart = await writePart('core', outDir, async (staging) => {
    await stagePackages(root, staging, core);
    await writeFile(
      join(staging, 'package.json'),
      JSON.stringify(containerPackageJson(core), null, 2),
    );
  });
  const databasePart = await writePart('database', outDir, async (staging) => {
    await stagePackages(root, staging, database);
    if (existsSync(prepared.tarGz)) {
      const cache = join(staging, 'node_modules', '.cache', 'workbench');
      await mkdir(cache, { recursive: true });
      await cp(prepared.tarGz, join(cache, basename(prepared.tarGz)));
    } else {
      logger.warn('No prepared PostgreSQL data: database exercises will start cold.');
    }
  });

  const manifest: SnapshotManifest = {
    version: 1,
    parts: { core: corePart.path, database: databasePart.path },
    packages: [
      ...core.map(({ name, version }) => ({ name, version, part: 'core' as const })),
      ...database.map(({ name, version }) => ({ name, version, part: 'database' as const })),
    ],
  };
  await mkdir(join(outDir, 'webcontainer'), { recursive: true });
  await writeFile(join(outDir, SNAPSHOT_MANIFEST_PATH), JSON.stringify(manifest, null, 2));
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  logger.info(
    `core: ${core.length} packages, ${mb(corePart.bytes)} MB; database: ${database.length} packages and the prepared data, ${mb(databasePart.bytes)} MB; in ${Math.round(performance.now() - started)} ms`,
  );
  return manifest;
}

export function webcontainerSnapshot(root: string): AstroIntegration {
  return {
    name: 'workbench:webcontainer-snapshot',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        await buildSnapshots(root, fileURLToPath(dir), logger);
      },
    },
  };
}
