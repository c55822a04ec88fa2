/** Finds the pieces vitest runs need in an installation on disk (see vitest/command.ts). */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { VitestInstall } from '../vitest/command.ts';

export function resolveVitestInstall(installRoot: string): VitestInstall {
  const vitestPackage = createRequire(join(installRoot, 'package.json')).resolve(
    'vitest/package.json',
  );
  const support = join(installRoot, 'src', 'runner', 'vitest');
  const nodeModulesDir = join(installRoot, 'node_modules');
  // npm links the kit (a file: dependency) into node_modules; the link must resolve in the
  // sandbox too, so its target is bound where it is.
  const kit = realpathSync(join(installRoot, 'src', 'exercise-kit'));
  return {
    nodeModulesDir,
    readOnlyDirs: [nodeModulesDir, support, kit],
    vitestEntry: join(dirname(vitestPackage), 'vitest.mjs'),
    reporterFile: join(support, 'events-reporter.ts'),
    progressModule: join(support, 'progress-setup.ts'),
  };
}
