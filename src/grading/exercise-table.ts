/**
 * The README's table of exercises: every exercise with the number of wrong solutions it is
 * proven to fail and its last mutation score. Scores come from `npm run mutate`, which is too
 * slow for CI, so they are recorded in docs/mutation-scores.json when measured and the table
 * is regenerated from that file and the catalog (`npm run docs:fields` does it too). A unit
 * test fails when the README and the two sources disagree, so a new exercise cannot be left
 * out and a score cannot be typed in by hand.
 */
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { listExerciseIds, loadExercise } from '../exercises/catalog.ts';
import { markdownTable } from './markdown-table.ts';

export const MUTATION_SCORES_FILE = join('docs', 'mutation-scores.json');
export const WRONG_SOLUTIONS_DIR = join('test', 'fixtures', 'wrong-solutions');
const OPEN = '<!-- exercises -->';
const CLOSE = '<!-- /exercises -->';

const recordedScoreSchema = z.object({
  killed: z.number().int().min(0),
  survived: z.number().int().min(0),
  equivalent: z.number().int().min(0),
  /** The day it was measured (YYYY-MM-DD): a score from before a test change is stale. */
  measured: z.iso.date(),
});
export type RecordedScore = z.infer<typeof recordedScoreSchema>;

const scoresFileSchema = z.object({
  version: z.literal(1),
  exercises: z.record(z.string(), recordedScoreSchema),
});

export function scoreOf({ killed, survived }: RecordedScore): number {
  return killed + survived === 0 ? 1 : killed / (killed + survived);
}

export async function readMutationScores(root: string): Promise<Record<string, RecordedScore>> {
  let text: string;
  try {
    text = await readFile(join(root, MUTATION_SCORES_FILE), 'utf8');
  } catch {
    return {};
  }
  return scoresFileSchema.parse(JSON.parse(text)).exercises;
}

/**
 * Merges fresh scores into the file. Several authors (or one running exercises one at a time)
 * may measure different exercises, so an entry is replaced, never the whole file; the write
 * goes through a rename so an interrupted run cannot leave half a file behind.
 */
export async function recordMutationScores(
  root: string,
  scores: Readonly<Record<string, RecordedScore>>,
): Promise<void> {
  const merged = { ...(await readMutationScores(root)), ...scores };
  const sorted = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : 1)));
  const path = join(root, MUTATION_SCORES_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify({ version: 1, exercises: sorted }, null, 2)}\n`);
  await rename(temp, path);
}

export interface ExerciseRow {
  id: string;
  title: string;
  wrongSolutions: number;
  score: RecordedScore | undefined;
}

async function countWrongSolutions(root: string, id: string): Promise<number> {
  const entries = await readdir(join(root, WRONG_SOLUTIONS_DIR, id)).catch(() => []);
  return entries.filter((name) => /\.[cm]?[jt]s$/.test(name)).length;
}

export async function exerciseRows(root: string): Promise<ExerciseRow[]> {
  const scores = await readMutationScores(root);
  const rows: ExerciseRow[] = [];
  for (const id of await listExerciseIds(root)) {
    const exercise = await loadExercise(root, id);
    rows.push({
      id,
      title: exercise.meta.title,
      wrongSolutions: await countWrongSolutions(root, id),
      score: scores[id],
    });
  }
  return rows;
}

function scoreCell(score: RecordedScore | undefined): string {
  if (!score) return 'not measured';
  const percent = `${(scoreOf(score) * 100).toFixed(1)} %`;
  const details = [`${score.killed} killed`, `${score.survived} survived`];
  if (score.equivalent > 0) details.push(`${score.equivalent} equivalent`);
  return `${percent} (${details.join(', ')})`;
}

export function exerciseTable(rows: readonly ExerciseRow[]): string {
  return markdownTable(
    ['Exercise', 'Title', 'Wrong solutions', 'Mutation score'],
    rows.map((row) => [
      `[${row.id}](exercises/${row.id})`,
      row.title.replaceAll('|', '\\|'),
      String(row.wrongSolutions),
      scoreCell(row.score),
    ]),
  );
}

/** The README with the table between its markers replaced; text outside them is untouched. */
export function renderExerciseSection(readme: string, rows: readonly ExerciseRow[]): string {
  const start = readme.indexOf(OPEN);
  const end = readme.indexOf(CLOSE, start);
  if (start === -1 || end === -1) {
    throw new Error(`README.md needs a ${OPEN} ... ${CLOSE} section for the exercise table`);
  }
  return `${readme.slice(0, start)}${OPEN}\n\n${exerciseTable(rows)}\n\n${readme.slice(end)}`;
}

export async function updateReadme(root: string): Promise<boolean> {
  const path = join(root, 'README.md');
  const current = await readFile(path, 'utf8');
  const next = renderExerciseSection(current, await exerciseRows(root));
  if (next === current) return false;
  await writeFile(path, next);
  return true;
}
