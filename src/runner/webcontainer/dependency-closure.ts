/**
 * The packages an exercise needs inside a WebContainer, found in this installation's
 * node_modules: the runtime packages (vitest, and what exercises import) and everything they
 * depend on. Native binaries are left out (a WebContainer runs WebAssembly, not ELF); rolldown,
 * the one native dependency vitest needs, fetches its WebAssembly build itself when it finds
 * itself in a WebContainer. Node only: runs at build time.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

/** What exercises import. Add a package here when an exercise starts using it. */
export const EXERCISE_RUNTIME_PACKAGES = [
  'vitest',
  'busboy',
  '@electric-sql/pglite',
  '@workbench/exercise-kit',
] as const;

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  os?: string[];
  cpu?: string[];
}

export interface ClosurePackage {
  name: string;
  version: string;
  /** Directory relative to the install root, e.g. `node_modules/vite`. */
  dir: string;
}

/** Node's lookup: the package's own node_modules, then each parent's, up to the root. */
function resolvePackageDir(root: string, fromDir: string, name: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || !dir.startsWith(root)) return undefined;
    const parent = dirname(dir);
    dir = parent.endsWith('/node_modules') ? dirname(parent) : parent;
  }
}

function isNativeBinary(pkg: PackageJson): boolean {
  return Boolean((pkg.cpu && !pkg.cpu.includes('wasm32')) || (pkg.os && pkg.os.length > 0));
}

export async function dependencyClosure(
  root: string,
  packages: readonly string[] = EXERCISE_RUNTIME_PACKAGES,
  /** Packages left out, with what only they need: another part of the snapshot has them. */
  exclude: readonly string[] = [],
): Promise<ClosurePackage[]> {
  const found = new Map<string, ClosurePackage>();
  const queue: Array<{ name: string; from: string; optional: boolean }> = packages.map((name) => ({
    name,
    from: root,
    optional: false,
  }));
  while (queue.length > 0) {
    const { name, from, optional } = queue.shift()!;
    if (exclude.includes(name)) continue;
    const dir = resolvePackageDir(root, from, name);
    if (!dir) {
      if (optional) continue;
      throw new Error(`${name} is needed in WebContainers but is not installed (run npm install).`);
    }
    const rel = relative(root, dir);
    if (found.has(rel)) continue;
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;
    // Native binaries cannot run in a WebContainer; type packages are never needed at run time.
    if (isNativeBinary(pkg) || pkg.name.startsWith('@types/')) continue;
    found.set(rel, { name: pkg.name, version: pkg.version, dir: rel });
    for (const dep of Object.keys(pkg.dependencies ?? {}))
      queue.push({ name: dep, from: dir, optional: false });
    for (const dep of Object.keys(pkg.optionalDependencies ?? {}))
      queue.push({ name: dep, from: dir, optional: true });
    for (const [dep] of Object.entries(pkg.peerDependencies ?? {})) {
      // Peers are the installer's job; take them when present, they are often optional.
      queue.push({ name: dep, from: dir, optional: true });
    }
  }
  return [...found.values()].sort((a, b) => a.dir.localeCompare(b.dir));
}
