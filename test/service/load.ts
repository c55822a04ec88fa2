/**
 * A bounded load test of the real server on loopback: `clients` concurrent clients, each
 * sending `runs` runs one after another, mixing passing, failing and hostile submissions.
 * Used by the short load test in `npm test` and the full one in `npm run bench`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  leftoverWorkspaces,
  repo,
  run,
  sandboxProcesses,
  solution,
  type Server,
} from './harness.ts';

const starter = readFileSync(join(repo, 'exercises', '04-streams', 'lines', 'lines.ts'), 'utf8');
const EXPORT =
  "\nimport { Transform } from 'node:stream';\nexport function lines(): Transform { return new Transform(); }\n";

/** What each kind of submission must come back as. */
export const MIX: Array<{ kind: string; code: string; expect: string }> = [
  { kind: 'pass', code: solution, expect: 'pass' },
  { kind: 'fail', code: starter, expect: 'fail' },
  {
    kind: 'hostile: read /etc/shadow',
    code: `import { readFileSync } from 'node:fs';\nreadFileSync('/etc/shadow');${EXPORT}`,
    expect: 'error',
  },
  { kind: 'hostile: process.exit', code: `process.exit(0);${EXPORT}`, expect: 'error' },
];

export interface LoadReport {
  requests: number;
  /** No HTTP response at all, or a result that is not the expected one. */
  lost: number;
  wrong: string[];
  /** 503/429 answers: refused with Retry-After, not lost. */
  refused: number;
  p50Ms: number;
  p95Ms: number;
  peakRssMb: number;
  leftoverProcesses: string[];
  leftoverWorkspaces: string[];
  seconds: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function rssMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

export async function loadTest(server: Server, clients: number, runs: number): Promise<LoadReport> {
  const started = performance.now();
  let peakRssMb = 0;
  const sampler = setInterval(() => {
    peakRssMb = Math.max(peakRssMb, rssMb(server.process.pid));
  }, 100);
  const latencies: number[] = [];
  const wrong: string[] = [];
  let lost = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; i < runs; i += 1) {
        const submission = MIX[(client + i) % MIX.length]!;
        const t = performance.now();
        try {
          const { status, result } = await run(server, submission.code);
          if (status === 503 || status === 429) {
            refused += 1;
            continue;
          }
          latencies.push(performance.now() - t);
          if (status !== 200 || result.status !== submission.expect) {
            lost += 1;
            wrong.push(
              `${submission.kind}: HTTP ${status}, ${result.status} ${result.message ?? ''}`.slice(
                0,
                200,
              ),
            );
          }
        } catch (error) {
          lost += 1;
          wrong.push(`${submission.kind}: ${(error as Error).message}`);
        }
      }
    }),
  );
  clearInterval(sampler);
  // Give the last sandboxes a moment to be torn down (and their zombies reaped) before
  // counting what is left.
  for (
    let waited = 0;
    waited < 5000 && (sandboxProcesses().length > 0 || leftoverWorkspaces().length > 0);
    waited += 250
  ) {
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    requests: clients * runs,
    lost,
    wrong,
    refused,
    p50Ms: Math.round(percentile(latencies, 50)),
    p95Ms: Math.round(percentile(latencies, 95)),
    peakRssMb: Math.round(peakRssMb),
    leftoverProcesses: sandboxProcesses(),
    leftoverWorkspaces: leftoverWorkspaces(),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
