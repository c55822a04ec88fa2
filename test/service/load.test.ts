/**
 * The short load test (the full one is in `npm run bench`): 20 concurrent clients x 2 runs of
 * mixed passing, failing and hostile submissions. Nothing lost, nothing left behind. Timings
 * are printed, not asserted: this machine is shared and noisy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Server } from './harness.ts';
import { loadTest } from './load.ts';

let server: Server;

beforeAll(async () => {
  server = await startServer({ WORKBENCH_RATE: '1000:1000' });
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

describe('the local runner under load', () => {
  it(
    'answers every one of 20 concurrent clients correctly and leaves nothing behind',
    { timeout: 180_000 },
    async () => {
      const report = await loadTest(server, 20, 2);
      console.log(
        `load: ${report.requests} runs in ${report.seconds} s, p50 ${report.p50Ms} ms, p95 ${report.p95Ms} ms, peak RSS ${report.peakRssMb} MB`,
      );
      expect(report.wrong).toEqual([]);
      expect(report.lost).toBe(0);
      expect(report.refused).toBe(0);
      expect(report.leftoverProcesses).toEqual([]);
      expect(report.leftoverWorkspaces).toEqual([]);
    },
  );
});
