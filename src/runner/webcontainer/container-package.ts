/**
 * The package.json at the root of the WebContainer. `engines.node` is how a WebContainer picks
 * its Node.js: vitest 5 needs Node 22.12 or newer, and WebContainers still start Node 20 unless
 * asked. The dependencies let `npm install` in the container rebuild node_modules when there is
 * no snapshot. Isomorphic.
 */
export const CONTAINER_NODE_VERSION = '22.22.0';

export interface ContainerPackageJson {
  name: string;
  private: true;
  type: 'module';
  engines: { node: string };
  dependencies: Record<string, string>;
}

export function containerPackageJson(
  packages: ReadonlyArray<{ name: string; version: string }>,
  runtime: readonly string[] = ['vitest'],
): ContainerPackageJson {
  const dependencies: Record<string, string> = {};
  for (const name of runtime) {
    const found = packages.find((p) => p.name === name);
    if (found) dependencies[name] = found.version;
  }
  return {
    name: 'workbench-exercises',
    private: true,
    type: 'module',
    engines: { node: CONTAINER_NODE_VERSION },
    dependencies,
  };
}
