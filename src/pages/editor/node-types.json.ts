/**
 * Node's type definitions for the editor's TypeScript worker, emitted as one static JSON file
 * at build time. Fetched only when an editor opens, so lesson pages do not pay for it.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { APIRoute } from 'astro';
import { projectRoot } from '../../course/project-root.ts';

export const prerender = true;

/** Packages whose declarations the editor needs, relative to node_modules. */
const PACKAGES = ['@types/node', 'undici-types'];

async function declarationFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return (
    entries
      .filter((e) => e.isFile() && (e.name.endsWith('.d.ts') || e.name === 'package.json'))
      .map((e) => join(e.parentPath, e.name))
      // ts5.x folders are fallbacks for older compilers; Monaco's TypeScript is newer, and
      // loading both would declare every module twice.
      .filter((file) => !/[/\\]ts5\.\d+[/\\]/.test(file))
  );
}

export const GET: APIRoute = async () => {
  const nodeModules = join(projectRoot(), 'node_modules');
  const files: Record<string, string> = {};
  for (const pkg of PACKAGES) {
    for (const file of await declarationFiles(join(nodeModules, pkg))) {
      files[`node_modules/${relative(nodeModules, file).split('\\').join('/')}`] = await readFile(
        file,
        'utf8',
      );
    }
  }
  return new Response(JSON.stringify({ files }), {
    headers: { 'Content-Type': 'application/json' },
  });
};
