/**
 * `npm run bench`: how long a learner waits after pressing Run, measured through the real HTTP
 * API of the built server, beside the cost of spawning a bare Node process measured in the same
 * run (the floor any process-per-run design pays). Ratios, not absolute numbers, are what to
 * compare between machines.
 *
 * Needs a build (`npm run build`; `npm run bench` does it).
 */
import {
  bareSpawnMedian,
  median,
  solutionFiles,
  startBuiltServer,
  timedRun,
} from './built-server.ts';

const RUNS = 20;
const SPAWNS = 10;
const EXERCISE = '04-streams/lines';
const server = await startBuiltServer();

try {
  const files = solutionFiles(EXERCISE);
  const runOnce = () => timedRun(server.base, EXERCISE, files);

  const cold = await runOnce();
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i += 1) warm.push(await runOnce());

  const spawnMedian = bareSpawnMedian(SPAWNS);

  const runMedian = median(warm);
  console.log('Run latency, exercise 04-streams/lines, reference solution, through POST /api/run');
  console.log(`  first run (cold)          ${cold.toFixed(0).padStart(6)} ms`);
  console.log(
    `  median of ${RUNS} runs         ${runMedian.toFixed(0).padStart(6)} ms   (min ${Math.min(...warm).toFixed(0)}, max ${Math.max(...warm).toFixed(0)})`,
  );
  console.log(
    `  baseline: node -e 0       ${spawnMedian.toFixed(0).padStart(6)} ms   (median of ${SPAWNS})`,
  );
  console.log(
    `  ratio run / bare spawn    ${(runMedian / spawnMedian).toFixed(1).padStart(6)} x   (target: 3 x or less)`,
  );
} finally {
  server.stop();
}
