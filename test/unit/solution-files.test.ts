import { cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { solutionFile } from '../../src/exercises/solution-asset.ts';
import { allSolutionFiles, solutionFiles } from '../../src/integrations/solution-files.ts';
import { solutionAssetSchema } from '../../src/schemas/solution-asset.ts';

// The fixture course, with one solution taken away.
const temp = await mkdtemp(join(tmpdir(), 'solution-files-'));
const course = join(temp, 'course');
const out = join(temp, 'dist');
await cp(join(import.meta.dirname, '..', 'fixtures', 'course'), course, { recursive: true });
await rm(join(course, 'solutions', '01-demo', 'sum'), { recursive: true });
afterAll(() => rm(temp, { recursive: true, force: true }));

describe('solution files for the browser', () => {
  it('are named by a hash of their content, under the immutable _astro/ folder', () => {
    const a = solutionFile('04-streams/lines', { 'lines.ts': 'one' });
    const same = solutionFile('04-streams/lines', { 'lines.ts': 'one' });
    const changed = solutionFile('04-streams/lines', { 'lines.ts': 'two' });
    expect(a.path).toMatch(/^_astro\/solution-04-streams-lines\.[\w-]{12}\.json$/);
    expect(same.path).toBe(a.path);
    expect(changed.path).not.toBe(a.path);
  });

  it('hold what the browser checks them against', () => {
    const { body } = solutionFile('04-streams/lines', { 'lines.ts': 'code' });
    expect(solutionAssetSchema.parse(JSON.parse(body))).toEqual({
      version: 1,
      id: '04-streams/lines',
      files: { 'lines.ts': 'code' },
    });
  });

  it('exist for exercises with a solution; the others are listed, not fatal', async () => {
    const { files, skipped } = await allSolutionFiles(course);
    expect(files.map((f) => f.path)).toEqual([
      expect.stringMatching(/^_astro\/solution-01-demo-empty\./),
      expect.stringMatching(/^_astro\/solution-01-demo-greet\./),
    ]);
    expect(skipped).toEqual(['01-demo/sum']);
    const greet = await readFile(join(course, 'solutions', '01-demo', 'greet', 'greet.ts'), 'utf8');
    expect(JSON.parse(files[1]!.body)).toMatchObject({ files: { 'greet.ts': greet } });
  });

  it('are written into the build output when the build is done', async () => {
    const warnings: string[] = [];
    const hook = solutionFiles(course).hooks['astro:build:done'] as unknown as (options: {
      dir: URL;
      logger: { info(m: string): void; warn(m: string): void };
    }) => Promise<void>;
    await hook({
      dir: pathToFileURL(`${out}/`),
      logger: { info: () => {}, warn: (m) => warnings.push(m) },
    });
    const written = await readdir(join(out, '_astro'));
    expect(written.sort()).toEqual([
      expect.stringMatching(/^solution-01-demo-empty\.[\w-]{12}\.json$/),
      expect.stringMatching(/^solution-01-demo-greet\.[\w-]{12}\.json$/),
    ]);
    expect(warnings.join('\n')).toContain('01-demo/sum');
  });
});
