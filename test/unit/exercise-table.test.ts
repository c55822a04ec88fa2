import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listExerciseIds } from '../../src/exercises/catalog.ts';
import {
  MUTATION_SCORES_FILE,
  exerciseRows,
  exerciseTable,
  readMutationScores,
  recordMutationScores,
  renderExerciseSection,
} from '../../src/grading/exercise-table.ts';

const repo = resolve(import.meta.dirname, '..', '..');

describe("README's table of exercises", () => {
  it('matches the catalog, the wrong-solution fixtures and docs/mutation-scores.json (npm run docs:fields regenerates it)', async () => {
    const readme = await readFile(join(repo, 'README.md'), 'utf8');
    expect(renderExerciseSection(readme, await exerciseRows(repo))).toBe(readme);
  });

  it('records scores only for exercises that exist', async () => {
    const ids = new Set(await listExerciseIds(repo));
    const stale = Object.keys(await readMutationScores(repo)).filter((id) => !ids.has(id));
    expect(stale, `${MUTATION_SCORES_FILE} scores exercises that do not exist`).toEqual([]);
  });
});

describe('exerciseTable', () => {
  it('shows the score with its counts, equivalents only when there are some, and says when nothing was measured', () => {
    const table = exerciseTable([
      {
        id: '04-streams/lines',
        title: 'lines(): a | in the title',
        wrongSolutions: 4,
        score: { killed: 45, survived: 5, equivalent: 0, measured: '2026-12-03' },
      },
      {
        id: '04-streams/range',
        title: 'range()',
        wrongSolutions: 0,
        score: { killed: 9, survived: 1, equivalent: 2, measured: '2026-12-03' },
      },
      { id: '04-streams/new', title: 'new()', wrongSolutions: 0, score: undefined },
    ]).split('\n');
    expect(rows(table[2])).toEqual([
      '[04-streams/lines](exercises/04-streams/lines)',
      'lines(): a \\| in the title',
      '4',
      '90.0 % (45 killed, 5 survived)',
    ]);
    expect(rows(table[3])[3]).toBe('90.0 % (9 killed, 1 survived, 2 equivalent)');
    expect(rows(table[4])[3]).toBe('not measured');
  });

  it('refuses a README without the markers instead of appending or eating text', () => {
    expect(() => renderExerciseSection('# README\n', [])).toThrow(/<!-- exercises -->/);
  });
});

function rows(line: string | undefined): string[] {
  return (line ?? '')
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((cell) => cell.trim());
}

describe('recordMutationScores', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'workbench-scores-'));
    await mkdir(join(root, 'docs'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('replaces the entries it measured and keeps the others, so one exercise can be re-measured alone', async () => {
    const old = { killed: 1, survived: 1, equivalent: 0, measured: '2026-12-01' };
    await recordMutationScores(root, { 'b/two': old, 'a/one': old });
    const fresh = { killed: 2, survived: 0, equivalent: 1, measured: '2026-12-03' };
    await recordMutationScores(root, { 'b/two': fresh });
    expect(await readMutationScores(root)).toEqual({ 'a/one': old, 'b/two': fresh });
    const text = await readFile(join(root, MUTATION_SCORES_FILE), 'utf8');
    expect(text.indexOf('a/one'), 'entries are sorted, so diffs stay small').toBeLessThan(
      text.indexOf('b/two'),
    );
  });

  it('treats a missing file as no scores, and a malformed one as an error rather than an empty table', async () => {
    expect(await readMutationScores(root)).toEqual({});
    await writeFile(join(root, MUTATION_SCORES_FILE), '{"version":1,"exercises":{"a/b":{}}}');
    await expect(readMutationScores(root)).rejects.toThrow();
  });
});
