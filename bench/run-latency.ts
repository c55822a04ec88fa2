/**
 * `npm run bench`: how long a learner waits after pressing Run, measured through the real HTTP
 * API of the built server, beside the cost of spawning a bare Node process measured in the same
 * run (the floor any process-per-run design pays). Ratios, not absolute numbers, are what to
 * compare between machines.
 *
 * Needs a build (`npm run build`; `npm run bench` does it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const RUNS = 20;
const SPAWNS = 10;
const root = resolve(import.meta.dirname, '..');
const port = 4390 + Math.floor(Math.random() * 9);
const base = `http://127.0.0.1:${port}`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function waitForServer(): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      if ((await fetch(`${base}/`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('The server did not start within 10 s.');
}

const server = spawn(process.execPath, [join(root, 'src', 'server', 'serve.ts')], {
  env: { ...process.env, PORT: String(port) },
  stdio: ['ignore', 'ignore', 'inherit'],
});

try {
  await waitForServer();
  const body = JSON.stringify({
    exerciseId: '04-streams/lines',
    files: {
      'lines.ts': readFileSync(join(root, 'solutions', '04-streams', 'lines', 'lines.ts'), 'utf8'),
    },
  });
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

  const cold = await runOnce();
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i += 1) warm.push(await runOnce());

  const spawns: number[] = [];
  for (let i = 0; i < SPAWNS; i += 1) {
    const started = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    spawns.push(performance.now() - started);
  }

  const runMedian = median(warm);
  const spawnMedian = median(spawns);
  console.log('Run latency, exercise 04-streams/lines, reference solution, through POST /api/run');
  console.log(`  first run (cold)          ${cold.toFixed(0).padStart(6)} ms`);
  console.log(
    `  median of ${RUNS} runs         ${runMedian.toFixed(0).padStart(6)} ms   (min ${Math.min(...warm).toFixed(0)}, max ${Math.max(...warm).toFixed(0)})`,
  );
  console.log(
    `  baseline: node -e 0       ${spawnMedian.toFixed(0).padStart(6)} ms   (median of ${SPAWNS})`,
  );
  console.log(`  ratio run / bare spawn    ${(runMedian / spawnMedian).toFixed(1).padStart(6)} x`);
} finally {
  server.kill('SIGTERM');
}
