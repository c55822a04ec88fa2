/**
 * The one local runner and run service a server process uses, created on first use, and its
 * part in a graceful shutdown (serve.ts emits 'workbench:shutdown' on SIGTERM).
 *
 * Environment:
 *   WORKBENCH_SANDBOX=off            run without bubblewrap even where it works (development)
 *   WORKBENCH_MAX_CONCURRENT=N       parallel runs (default: one per core)
 *   WORKBENCH_MAX_QUEUE=N            runs waiting for a slot before 503 (default: 16 per slot)
 *   WORKBENCH_RATE=capacity:perSec   token bucket per client (default 20:1)
 *   WORKBENCH_WARM=N                 sandboxes kept started ahead of runs (default: one per slot)
 */
import { availableParallelism } from 'node:os';
import { projectRoot } from '../../course/project-root.ts';
import { LocalRunner } from './local-runner.ts';
import { ensurePreparedDatabase } from './prepared-database.ts';
import { RunService } from './run-service.ts';
import { probeSandbox, type SandboxSupport } from './sandbox/sandbox.ts';

let service: RunService | undefined;
let sandbox: SandboxSupport | undefined;

export function sandboxSupport(): SandboxSupport {
  sandbox ??=
    process.env['WORKBENCH_SANDBOX'] === 'off'
      ? {
          available: false,
          ownUid: false,
          missing: ['sandboxing of learner code (WORKBENCH_SANDBOX=off)'],
        }
      : probeSandbox();
  return sandbox;
}

function rateFromEnv(): { capacity: number; refillPerSecond: number } | undefined {
  const [capacity, perSecond] = (process.env['WORKBENCH_RATE'] ?? '').split(':').map(Number);
  return capacity && perSecond ? { capacity, refillPerSecond: perSecond } : undefined;
}

export function runService(): RunService {
  if (service) return service;
  const maxConcurrent = Number(process.env['WORKBENCH_MAX_CONCURRENT']) || undefined;
  // One warm sandbox per run slot: a Run starts with vitest already loaded.
  const warm = Number(process.env['WORKBENCH_WARM'] ?? maxConcurrent ?? availableParallelism());
  const runner = new LocalRunner({ courseRoot: projectRoot(), sandbox: sandboxSupport(), warm });
  // In the background, so the first database exercise a learner runs does not wait for it.
  void ensurePreparedDatabase(projectRoot());
  const queue = process.env['WORKBENCH_MAX_QUEUE'];
  const rate = rateFromEnv();
  const created = new RunService(runner, {
    ...(maxConcurrent ? { maxConcurrent } : {}),
    ...(queue !== undefined && queue !== '' ? { maxQueue: Number(queue) } : {}),
    ...(rate ? { rate } : {}),
  });
  process.on('workbench:shutdown', (done: () => void) => {
    void created
      .drain(20_000)
      .then(() => runner.close())
      .then(done);
  });
  service = created;
  return created;
}
