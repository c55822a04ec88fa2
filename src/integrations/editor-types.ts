/**
 * Node's type definitions for the editor's TypeScript worker (2.8 MB of declarations), written
 * as one JSON file that the editor imports by URL (`@workbench/editor-node-types.json?url`).
 * Going through Vite gives the file a content hash in its name, so browsers cache it for good
 * and fetch it again only when @types/node changes; it is fetched when an editor opens, never
 * with the lesson page.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AstroIntegration } from 'astro';

/** Packages whose declarations the editor needs, relative to node_modules. */
const PACKAGES = ['@types/node', 'undici-types'];

/** What the editor imports: `@workbench/editor-node-types.json?url`. */
const EDITOR_TYPES_PATTERN = /^@workbench\/editor-node-types\.json(?=\?|$)/;

function declarationFiles(dir: string): string[] {
  return (
    readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && (e.name.endsWith('.d.ts') || e.name === 'package.json'))
      .map((e) => join(e.parentPath, e.name))
      // ts5.x folders are fallbacks for older compilers; Monaco's TypeScript is newer, and
      // loading both would declare every module twice.
      .filter((file) => !/[/\\]ts5\.\d+[/\\]/.test(file))
      .sort()
  );
}

function versionOf(nodeModules: string, pkg: string): string {
  const manifest = JSON.parse(readFileSync(join(nodeModules, pkg, 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** Writes the JSON file (once per installed version) and returns its path. */
export function writeEditorTypes(root: string): string {
  const nodeModules = join(root, 'node_modules');
  const stamp = PACKAGES.map((pkg) => `${pkg}@${versionOf(nodeModules, pkg)}`).join('+');
  // The file keeps its plain name (Vite names the asset after it); the folder says the version.
  const dir = join(nodeModules, '.cache', 'workbench', 'editor', stamp.replace(/[^\w.+-]/g, '_'));
  const file = join(dir, 'node-types.json');
  if (existsSync(file)) return file;
  const files: Record<string, string> = {};
  for (const pkg of PACKAGES) {
    for (const path of declarationFiles(join(nodeModules, pkg))) {
      files[`node_modules/${relative(nodeModules, path).split('\\').join('/')}`] = readFileSync(
        path,
        'utf8',
      );
    }
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify({ files }));
  return file;
}

export function editorTypes(root: string): AstroIntegration {
  return {
    name: 'workbench:editor-types',
    hooks: {
      'astro:config:setup': ({ updateConfig }) => {
        updateConfig({
          vite: {
            resolve: {
              // A pattern: a string alias would not match the id with `?url` after it.
              alias: [{ find: EDITOR_TYPES_PATTERN, replacement: writeEditorTypes(root) }],
            },
          },
        });
      },
    },
  };
}
