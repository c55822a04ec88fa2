/**
 * `npm run bench`: what a learner waits for after pressing Run on a database exercise, through
 * the real HTTP API of the built server, beside a cold PGlite start (initdb, what every run
 * would pay without prepared data) measured in the same run on the same machine. The ratio
 * is the number to compare between machines; the target is a Run that stays near 1 s, well
 * under one cold start.
 *
 * Needs a build (`npm run build`; `npm run bench` does it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const EXERCISE = process.argv[2] ?? '06-databases/transfer';
const RUNS = 10;
const COLD_STARTS = 3;
const root = resolve(import.meta.dirname, '..');
const port = 4380 + Math.floor(Math.random() * 9);
const base = `http://127.0.0.1:${port}`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

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

async function waitForServer(): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      if ((await fetch(`${base}/api/ready`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('The server did not become ready within 10 s.');
}

const server = spawn(process.execPath, [join(root, 'src', 'server', 'serve.ts')], {
  env: { ...process.env, PORT: String(port) },
  stdio: ['ignore', 'ignore', 'inherit'],
});

try {
  await waitForServer();
  const meta = JSON.parse(
    readFileSync(join(root, 'exercises', EXERCISE, 'exercise.json'), 'utf8'),
  ) as {
    editable: string[];
  };
  const files = Object.fromEntries(
    meta.editable.map((name) => [
      name,
      readFileSync(join(root, 'solutions', EXERCISE, name), 'utf8'),
    ]),
  );
  const body = JSON.stringify({ exerciseId: EXERCISE, files });
  const runOnce = async () => {
    const started = performance.now();
    const response = await fetch(`${base}/api/run`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    const result = (await response.json()) as { status: string };
    if (result.status !== 'pass') throw new Error(`Expected a pass, got ${JSON.stringify(result)}`);
    return performance.now() - started;
  };

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
    `  ratio: a whole Run costs ${(runMedian / coldMedian).toFixed(2)} x one cold PGlite start (target: well under 1)`,
  );
} finally {
  server.kill('SIGTERM');
}
