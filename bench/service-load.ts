/**
 * The full load test of the built server (the short one runs in `npm test`): 20 concurrent
 * clients x 10 runs of mixed passing, failing and hostile submissions, on loopback only.
 */
import { startServer } from '../test/service/harness.ts';
import { loadTest } from '../test/service/load.ts';

const clients = Number(process.env['BENCH_CLIENTS'] ?? 20);
const runs = Number(process.env['BENCH_RUNS_PER_CLIENT'] ?? 10);
const server = await startServer({ WORKBENCH_RATE: '1000:1000' });
try {
  const report = await loadTest(server, clients, runs);
  console.log(
    `Service load: ${clients} clients x ${runs} runs (${report.requests} runs) in ${report.seconds} s`,
  );
  console.log(
    `  lost responses      ${report.lost}${report.wrong.length ? ` (${report.wrong.slice(0, 3).join('; ')})` : ''}`,
  );
  console.log(`  refused (503/429)   ${report.refused}`);
  console.log(
    `  latency p50 / p95   ${report.p50Ms} ms / ${report.p95Ms} ms (queueing included: ${clients} clients share the run slots)`,
  );
  console.log(`  peak server RSS     ${report.peakRssMb} MB`);
  console.log(`  leftover processes  ${report.leftoverProcesses.length}`);
  console.log(`  leftover temp dirs  ${report.leftoverWorkspaces.length}`);
  if (
    report.lost > 0 ||
    report.leftoverProcesses.length > 0 ||
    report.leftoverWorkspaces.length > 0
  )
    process.exitCode = 1;
} finally {
  await server.stop();
}
