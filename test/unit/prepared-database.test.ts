import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { preparedDataPaths } from '../../src/exercise-kit/prepared-data.js';
import { opensDatabase } from '../../src/runner/local/prepared-database.ts';
import { dependencyClosure } from '../../src/runner/webcontainer/dependency-closure.ts';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

describe('opensDatabase', () => {
  it('recognises test code that opens PostgreSQL through the kit or PGlite', () => {
    expect(opensDatabase(["import { openDatabase } from '@workbench/exercise-kit/db';"])).toBe(
      true,
    );
    expect(opensDatabase(['import { PGlite } from "@electric-sql/pglite";'])).toBe(true);
    expect(opensDatabase(["import { Transform } from 'node:stream';", '// pglite'])).toBe(false);
  });
});

describe('preparedDataPaths', () => {
  it('keys the prepared data by the installed PGlite version, inside node_modules', () => {
    const paths = preparedDataPaths(`${repo}src/exercise-kit/prepared-data.js`);
    expect(paths.tar).toMatch(/node_modules\/\.cache\/workbench\/postgres-\d+\.\d+\.\d+\.tar$/);
    expect(paths.tarGz).toBe(`${paths.tar}.gz`);
    expect(existsSync(paths.tar.replace(/\.cache.*$/, '@electric-sql/pglite'))).toBe(true);
  });
});

describe('the WebContainer snapshot', () => {
  it('carries PGlite and the exercise kit, so database exercises run in the browser', async () => {
    const names = (await dependencyClosure(repo)).map((p) => p.name);
    expect(names).toContain('@electric-sql/pglite');
    expect(names).toContain('@workbench/exercise-kit');
  });
});
