/** Finds the pieces vitest runs need in an installation on disk (see vitest/command.ts). */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { VitestInstall } from '../vitest/command.ts';

export function resolveVitestInstall(installRoot: string): VitestInstall {
  const vitestPackage = createRequire(join(installRoot, 'package.json')).resolve(
    'vitest/package.json',
  );
  const support = join(installRoot, 'src', 'runner', 'vitest');
  return {
    nodeModulesDir: join(installRoot, 'node_modules'),
    vitestEntry: join(dirname(vitestPackage), 'vitest.mjs'),
    reporterFile: join(support, 'events-reporter.ts'),
    progressModule: join(support, 'progress-setup.ts'),
  };
}
