/**
 * The hostile corpus: submissions a curious learner might send the local runner, each run
 * against the real server. For every one: the result is an error or a timeout with a message
 * that says what happened, another learner's run at the same time still passes and the server
 * keeps answering, nothing is left running, nothing outside the workspace changed, and the
 * temporary workspace is gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fingerprint,
  leftoverWorkspaces,
  repo,
  run,
  sandboxProcesses,
  slowestHealthCheckDuring,
  solution,
  startServer,
  warmAgents,
  type Server,
} from './harness.ts';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

let server: Server;
let before: string;

beforeAll(async () => {
  server = await startServer({ WORKBENCH_RATE: '1000:1000' });
  before = fingerprint();
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

const EXPORT =
  "\nimport { Transform } from 'node:stream';\nexport function lines(): Transform { return new Transform(); }\n";

interface Case {
  name: string;
  code: string;
  status: 'error' | 'timeout' | Array<'error' | 'timeout'>;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: 'busy loop',
    code: "import { Transform } from 'node:stream';\nexport function lines(): Transform { while (true) {} }\n",
    status: 'timeout',
    message: /Timed out after 5 s in "lines\(\) > /,
  },
  {
    name: 'async loop that never yields to timers',
    code: "import { Transform } from 'node:stream';\nexport function lines(): Transform {\n  void (async () => { for (;;) await Promise.resolve(); })();\n  return new Transform();\n}\n",
    status: 'timeout',
    message: /Timed out after 5 s/,
  },
  {
    name: 'while(true) inside a beforeAll',
    code: `import { beforeAll } from 'vitest';\nbeforeAll(() => { while (true) {} });${EXPORT}`,
    status: 'timeout',
    message: /Timed out after 5 s before any test started/,
  },
  {
    name: 'allocating until the heap dies',
    code: `const keep: unknown[] = [];\nfor (;;) keep.push({ block: new Array(100_000).fill(7) });${EXPORT}`,
    // V8 collects garbage again and again before it gives up, which on a busy machine takes
    // longer than the time limit: either ending is right, neither may take the server down.
    status: ['error', 'timeout'],
    message: /used more memory than a run may|Timed out after 5 s/,
  },
  {
    // allocUnsafe reserves without touching pages, so the memory cap is reached in
    // milliseconds on any machine and the result does not race the time limit.
    name: 'growing Buffers outside the V8 heap',
    code: `const keep: Buffer[] = [];\nfor (;;) keep.push(Buffer.allocUnsafe(64 * 1024 * 1024));${EXPORT}`,
    status: 'error',
    message: /used more memory than a run may/,
  },
  {
    // Filling 2 GB of pages takes 1 to 5 s depending on the machine, so either cap may stop
    // it first; both contain it.
    name: 'filling Buffers outside the V8 heap',
    code: `const keep: Buffer[] = [];\nfor (;;) keep.push(Buffer.alloc(64 * 1024 * 1024, 1));${EXPORT}`,
    status: ['error', 'timeout'],
    message: /used more memory than a run may|Timed out after 5 s/,
  },
  {
    name: 'fork bomb through child_process',
    code: `import { spawn } from 'node:child_process';\nfor (let i = 0; i < 5000; i += 1) spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });${EXPORT}`,
    // Either the process limit stops the forks or the time limit stops the run: both contain it.
    status: ['error', 'timeout'],
    message: /processes and threads a run may have|Timed out after 5 s/,
  },
  {
    name: 'a detached grandchild started with setsid',
    code: `import { spawn } from 'node:child_process';\nspawn('setsid', ['sleep', '1000'], { detached: true, stdio: 'ignore' }).unref();\nspawn('sh', ['-c', 'sleep 1000 &'], { detached: true, stdio: 'ignore' }).unref();\nwhile (true) {}${EXPORT}`,
    status: 'timeout',
    message: /Timed out after 5 s/,
  },
  {
    name: 'reading /etc/shadow',
    code: `import { readFileSync } from 'node:fs';\nconsole.log(readFileSync('/etc/shadow', 'utf8'));${EXPORT}`,
    status: 'error',
    message: /ENOENT.*\/etc\/shadow/,
  },
  {
    name: 'reading /root',
    code: `import { readdirSync } from 'node:fs';\nconsole.log(readdirSync('/root'));${EXPORT}`,
    status: 'error',
    message: /ENOENT.*\/root/,
  },
  {
    name: "reading the project's solutions",
    code: `import { readFileSync } from 'node:fs';\nconsole.log(readFileSync(${JSON.stringify(`${repo}/solutions/04-streams/lines/lines.ts`)}, 'utf8'));${EXPORT}`,
    status: 'error',
    message: /ENOENT/,
  },
  {
    name: "reading the project's .git",
    code: `import { readFileSync } from 'node:fs';\nconsole.log(readFileSync(${JSON.stringify(`${repo}/.git/HEAD`)}, 'utf8'));${EXPORT}`,
    status: 'error',
    message: /ENOENT/,
  },
  {
    name: 'writing outside the workspace',
    // Outside /tmp: inside the sandbox /tmp is its own scratch space, and a checkout may live there.
    code: `import { writeFileSync } from 'node:fs';\nwriteFileSync('/usr/local/workbench-pwned', 'gotcha');${EXPORT}`,
    status: 'error',
    message: /EROFS|ENOENT|EACCES/,
  },
  {
    name: 'symlinking out of the workspace and following it',
    code: `import { readdirSync, symlinkSync } from 'node:fs';\nsymlinkSync(${JSON.stringify(`${repo}/solutions`)}, '/tmp/escape');\nconsole.log(readdirSync('/tmp/escape/04-streams/lines'));${EXPORT}`,
    status: 'error',
    message: /ENOENT/,
  },
  {
    name: 'outbound TCP',
    code: `import { connect } from 'node:net';\nawait new Promise((resolve, reject) => connect(80, '1.1.1.1').on('connect', resolve).on('error', reject));${EXPORT}`,
    status: 'error',
    message: /ENETUNREACH|EHOSTUNREACH|ECONNREFUSED/,
  },
  {
    name: 'DNS',
    code: `import { lookup } from 'node:dns/promises';\nawait lookup('example.com');${EXPORT}`,
    status: 'error',
    message: /EAI_AGAIN|ENOTFOUND/,
  },
  {
    name: 'printing 200 MB to stdout',
    code: `const chunk = 'x'.repeat(1024 * 1024);\nfor (let i = 0; i < 200; i += 1) process.stdout.write(chunk);${EXPORT}`,
    status: 'error',
    message: /printed more than 1024 KB/,
  },
  {
    name: 'process.exit(0) before the tests report',
    code: `process.exit(0);${EXPORT}`,
    status: 'error',
    message: /process\.exit|ended before reporting|could not load/,
  },
  {
    // The parent is the sandbox's init, which ignores the signal; the process itself is not.
    name: 'killing its own parent, then itself',
    code: `process.kill(process.ppid, 'SIGKILL');\nprocess.kill(process.pid, 'SIGKILL');\nawait new Promise((r) => setTimeout(r, 2000));${EXPORT}`,
    status: 'error',
    message: /ended before reporting|died while your code was loading/,
  },
  {
    name: 'process.abort() inside a test',
    code: "import { Transform } from 'node:stream';\nexport function lines(): Transform { process.abort(); }\n",
    status: 'error',
    message: /died during "lines\(\) > /,
  },
  {
    name: 'overriding Object.is so every toBe passes',
    code: `Object.is = () => true;${EXPORT}`,
    status: 'error',
    message: /changed Object\.is, which the tests use to judge it/,
  },
  {
    name: 'overriding the matchers to fake a pass',
    code: `import { expect } from 'vitest';\nexpect.extend({ toEqual: () => ({ pass: true, message: () => '' }) });${EXPORT}`,
    status: 'error',
    message: /changed .*which the tests use to judge it/,
  },
  {
    name: 'editing the test file through the fs',
    code: `import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('./lines.test.ts', import.meta.url), "import { it } from 'vitest'; it('passes', () => {});");${EXPORT}`,
    status: 'error',
    message: /EROFS|EACCES/,
  },
];

describe('the local runner contains hostile submissions', () => {
  it('runs sandboxed on this machine', async () => {
    const ready = (await (await fetch(`${server.base}/api/ready`)).json()) as {
      sandbox: { available: boolean };
    };
    expect(
      ready.sandbox.available,
      'bubblewrap must be installed for these tests to mean anything',
    ).toBe(true);
  });

  it.each(cases)('$name', async ({ code, status, message }) => {
    const { value, slowestMs } = await slowestHealthCheckDuring(
      server,
      Promise.all([run(server, code), run(server, solution)]),
    );
    const [hostile, neighbour] = value;
    expect(hostile.status).toBe(200);
    expect([status].flat(), JSON.stringify(hostile.result).slice(0, 600)).toContain(
      hostile.result.status,
    );
    expect(hostile.result.message).toMatch(message);
    expect(hostile.result.hint?.length).toBeGreaterThan(10);
    expect(neighbour.result.status, 'another learner running at the same time').toBe('pass');
    expect(slowestMs, 'the server kept answering').toBeLessThan(1000);
    await expect.poll(sandboxProcesses, { timeout: 5_000 }).toEqual([]);
    await expect.poll(leftoverWorkspaces, { timeout: 5_000 }).toEqual([]);
    expect(warmAgents()).toBeLessThanOrEqual(2 * availableParallelism());
    expect(fingerprint()).toBe(before);
    expect(existsSync('/usr/local/workbench-pwned')).toBe(false);
  });
});
