/**
 * What the latency benchmarks share: the built server started as `npm start` runs it (on a
 * port of its own, so a running site is left alone), the solution files of an exercise, and
 * the median. Needs a build (`npm run build`; `npm run bench` does it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface BuiltServer {
  base: string;
  stop(): void;
}

/** Starts `node src/server/serve.ts` and resolves once its runner says it is ready. */
export async function startBuiltServer(): Promise<BuiltServer> {
  const port = 4370 + Math.floor(Math.random() * 20);
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [join(root, 'src', 'server', 'serve.ts')], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = () => server.kill('SIGTERM');
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      if ((await fetch(`${base}/api/ready`)).ok) return { base, stop };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new Error('The server did not become ready within 10 s (is there a build?).');
}

/** The reference solution's editable files, as a run request sends them. */
export function solutionFiles(exerciseId: string): Record<string, string> {
  const meta = JSON.parse(
    readFileSync(join(root, 'exercises', exerciseId, 'exercise.json'), 'utf8'),
  ) as { editable: string[] };
  return Object.fromEntries(
    meta.editable.map((name) => [
      name,
      readFileSync(join(root, 'solutions', exerciseId, name), 'utf8'),
    ]),
  );
}

/**
 * Waits until the runner's warm sandboxes are all started again. A learner reads the results
 * before the next Run, and the sandbox used by the last run is replaced meanwhile; runs fired
 * back to back would time that replacement instead of the run.
 */
export async function untilWarm(base: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ready = (await (await fetch(`${base}/api/ready`)).json()) as {
      sandbox: { warm?: { ready: number; target: number } };
    };
    const warm = ready.sandbox.warm;
    if (!warm || warm.ready >= warm.target) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('The warm sandboxes were not replaced within 60 s.');
}

/** One run through POST /api/run, once the sandboxes are warm; throws unless it passes. */
export async function timedRun(
  base: string,
  exerciseId: string,
  files: Record<string, string>,
): Promise<number> {
  await untilWarm(base);
  const started = performance.now();
  const response = await fetch(`${base}/api/run`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ exerciseId, files }),
  });
  const result = (await response.json()) as { status: string };
  if (result.status !== 'pass') throw new Error(`Expected a pass, got ${JSON.stringify(result)}`);
  return performance.now() - started;
}

/** The baseline every latency is compared with: a bare `node -e 0`, median of `count` spawns. */
export function bareSpawnMedian(count: number): number {
  const spawns: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    spawns.push(performance.now() - started);
  }
  return median(spawns);
}
