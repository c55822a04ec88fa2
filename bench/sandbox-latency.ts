/**
 * What the sandbox costs a learner pressing Run: p50/p95 latency of one run of a plain
 * exercise (the fixture `sum`: three quick tests) without a sandbox, in a sandbox started for
 * the run (cold), and in a sandbox started ahead of time (warm), all measured here and now.
 * Target: warm sandboxed p50 <= 300 ms.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LocalRunner } from '../src/runner/local/local-runner.ts';
import { probeSandbox } from '../src/runner/local/sandbox/sandbox.ts';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 20);
const root = resolve(import.meta.dirname, '..');
const course = join(root, 'test', 'fixtures', 'course');
const code = readFileSync(join(course, 'solutions', '01-demo', 'sum', 'sum.ts'), 'utf8');
const sandbox = probeSandbox();

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function measure(runner: LocalRunner, pauseMs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 1; i += 1) {
    // A warm pool refills in the background; a learner's next Run is seconds away, not 0 ms.
    await new Promise((r) => setTimeout(r, pauseMs));
    const started = performance.now();
    const result = await runner.run({ exerciseId: '01-demo/sum', files: { 'sum.ts': code } });
    if (result.status !== 'pass')
      throw new Error(`expected a pass: ${JSON.stringify(result).slice(0, 300)}`);
    if (i > 0) times.push(performance.now() - started); // the first run warms the disk cache
  }
  return times;
}

const rows: Array<[string, number[]]> = [];
rows.push([
  'no sandbox (one process per run)',
  await measure(new LocalRunner({ courseRoot: course, installRoot: root }), 0),
]);
if (sandbox.available) {
  rows.push([
    'sandbox, cold (started per run)',
    await measure(new LocalRunner({ courseRoot: course, installRoot: root, sandbox }), 0),
  ]);
  const warm = new LocalRunner({ courseRoot: course, installRoot: root, sandbox, warm: 2 });
  rows.push(['sandbox, warm (started ahead)', await measure(warm, 700)]);
  await warm.close();
} else {
  console.log(`(no sandbox on this machine: ${sandbox.missing.join('; ')})`);
}

const baseline = percentile(rows[0]![1], 50);
console.log(`Run latency of a plain exercise (fixture 01-demo/sum), ${RUNS} runs each`);
for (const [label, times] of rows) {
  const p50 = percentile(times, 50);
  console.log(
    `  ${label.padEnd(36)} p50 ${p50.toFixed(0).padStart(5)} ms   p95 ${percentile(times, 95).toFixed(0).padStart(5)} ms   ${(p50 / baseline).toFixed(2)} x no sandbox`,
  );
}
