/**
 * Runs inside a warm sandbox. It pays vitest's start-up cost (importing vitest, creating its
 * server and, through the in-process pool, importing the runtime that runs the test file)
 * before there is a job, then waits on stdin. When the host
 * has written the exercise's files into the (read-only to us) workspace, it sends one line of
 * JSON and the tests start at once. One job per agent: it exits after, and the host starts a
 * fresh sandbox for the next learner, so nothing can leak from one run into another.
 *
 * Usage (inside the sandbox): node agent.ts <workspace> <out dir> <events reporter> [--database]
 * Options are the same as the command line the cold path uses (vitest/command.ts).
 */
import { createInterface } from 'node:readline';
import { createVitest } from 'vitest/node';

import { DATABASE_FLAG, READY } from './agent-protocol.ts';
import { inProcessPool } from './in-process-pool.ts';

// The learner's code runs in this process and may replace process.exit and process.kill; the
// agent must still be able to end the run.
const exit = process.exit.bind(process);
const kill = process.kill.bind(process);

const [workspace, out, reporter, ...flags] = process.argv.slice(2);
if (!workspace || !out || !reporter) {
  console.error('usage: agent.ts <workspace> <out dir> <events reporter> [--database]');
  process.exit(2);
}

const vitest = await createVitest(
  'test',
  {
    root: workspace,
    watch: false,
    reporters: ['json', reporter],
    outputFile: { json: `${out}/report.json` },
    // Nothing may be cached between learners (and the install is read-only anyway).
    cache: false,
    // Left on, vitest clears node_modules/.vitest-cache whenever the workspace's lockfile hash
    // differs from the one recorded there (always, after the project's own tests ran): on a
    // read-only node_modules that throws and the warm sandbox never starts.
    fsModuleCache: false,
    maxWorkers: 1,
    isolate: true,
    pool: inProcessPool(),
  },
  {},
);
if (flags.includes(DATABASE_FLAG)) {
  // A sandbox kept for database exercises: the run's first openDatabase() gets this one, and
  // the learner's Run does not wait for PostgreSQL to start (exercise-kit/db.js).
  const { preopenDatabase } = await import('../../../exercise-kit/db.js');
  await preopenDatabase();
}
process.stdout.write(`${READY}\n`);

const lines = createInterface({ input: process.stdin });
const [line] = await lines[Symbol.asyncIterator]()
  .next()
  .then((r) => [r.value as string | undefined]);
lines.close();
// The host sends the timeouts (vitest/command.ts): this module sees only what is mounted.
const job = JSON.parse(line ?? '{}') as { testTimeoutMs?: number; hookTimeoutMs?: number };
if (job.testTimeoutMs) vitest.config.testTimeout = job.testTimeoutMs;
if (job.hookTimeoutMs) vitest.config.hookTimeout = job.hookTimeoutMs;
await vitest.start();
// The reporters have written everything by now (stdout and stderr are pipes, written
// synchronously). A normal exit would tear the runtime down first, which with PGlite's
// WebAssembly memory takes seconds the learner would wait for; this process and its sandbox
// are thrown away, so it ends at once. The report, not the exit status, carries the result.
kill(process.pid, 'SIGKILL');
exit(1);
