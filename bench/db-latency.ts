/**
 * `npm run bench`: what a learner waits for after pressing Run on a database exercise, through
 * the real HTTP API of the built server, beside a cold PGlite start (initdb, what every run
 * would pay without prepared data) measured in the same run on the same machine. The ratio
 * is the number to compare between machines; the target is 0.15 x, a database Run about as
 * quick as any other, which only a warm sandbox with PostgreSQL already open can give.
 *
 * Needs a build (`npm run build`; `npm run bench` does it).
 */
import { spawnSync } from 'node:child_process';
import { median, root, solutionFiles, startBuiltServer, timedRun } from './built-server.ts';

const EXERCISE = process.argv[2] ?? '06-databases/transfer';
const RUNS = 10;
const COLD_STARTS = 3;

/** A fresh Node process that starts PGlite from nothing and answers one query. */
function coldPglite(): number {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import { PGlite } from '@electric-sql/pglite'; const db = await PGlite.create(); await db.query('select 1'); await db.close();",
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (result.status !== 0) throw new Error('A cold PGlite start failed.');
  return performance.now() - started;
}

const server = await startBuiltServer();

try {
  const files = solutionFiles(EXERCISE);
  const runOnce = () => timedRun(server.base, EXERCISE, files);

  const first = await runOnce();
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i += 1) runs.push(await runOnce());
  const colds: number[] = [];
  for (let i = 0; i < COLD_STARTS; i += 1) colds.push(coldPglite());

  const runMedian = median(runs);
  const coldMedian = median(colds);
  console.log(
    `Database exercise Run latency, ${EXERCISE}, reference solution, through POST /api/run`,
  );
  console.log(`  first run (may prepare the data)  ${first.toFixed(0).padStart(6)} ms`);
  console.log(
    `  median of ${RUNS} runs                 ${runMedian.toFixed(0).padStart(6)} ms   (min ${Math.min(...runs).toFixed(0)}, max ${Math.max(...runs).toFixed(0)})`,
  );
  console.log(
    `  cold PGlite start, median of ${COLD_STARTS}    ${coldMedian.toFixed(0).padStart(6)} ms   (new process, initdb, one query)`,
  );
  console.log(
    `  ratio: a whole Run costs ${(runMedian / coldMedian).toFixed(2)} x one cold PGlite start (target: 0.15 x or less)`,
  );
} finally {
  server.stop();
}
