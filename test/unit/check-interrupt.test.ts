/**
 * Killing `workbench check` (Ctrl+C, a CI job's timeout) must take its test processes with it:
 * they lead process groups of their own, which a signal to the CLI does not reach. An exercise
 * whose test starts a grandchild and then waits is checked; once that grandchild runs, the CLI
 * gets SIGTERM, and afterwards nothing of its process groups may be left, nor its temp folders.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..', '..');
const cli = join(repo, 'src', 'grading', 'cli.ts');
const fixture = join(repo, 'test', 'fixtures', 'course');
const scratch = mkdtempSync(join(tmpdir(), 'workbench-interrupt-'));
const marker = `workbench-interrupt-probe-${process.pid}`;

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Proc {
  pid: number;
  pgrp: number;
  state: string;
  cmdline: string;
}

function processes(): Proc[] {
  const found: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      found.push({ pid: Number(name), pgrp: Number(pgrp), state: state!, cmdline });
    } catch {
      // Exited while being read.
    }
  }
  return found;
}

/** Polls without a deadline of its own: the test's timeout bounds it. */
async function until<T>(look: () => T | undefined): Promise<T> {
  for (;;) {
    const found = look();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function courseWithAHangingTest(): string {
  const root = join(scratch, 'course');
  for (const part of ['exercises', 'solutions']) {
    cpSync(join(fixture, part, '01-demo', 'sum'), join(root, part, '01-demo', 'sum'), {
      recursive: true,
    });
  }
  const meta = join(root, 'exercises', '01-demo', 'sum', 'exercise.json');
  writeFileSync(
    meta,
    JSON.stringify({ ...JSON.parse(readFileSync(meta, 'utf8')), timeLimitSeconds: 60 }),
  );
  writeFileSync(
    join(root, 'exercises', '01-demo', 'sum', 'sum.test.ts'),
    `import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { sum } from './sum.ts';

it('adds, slowly', async () => {
  spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000) // ${marker}'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 55_000));
  expect(sum([2, 3])).toBe(5);
});
`,
  );
  return root;
}

it('SIGTERM stops the check, its vitest processes and what the tests started', async () => {
  const root = courseWithAHangingTest();
  const child = spawn(process.execPath, [cli, 'check', '--root', root], {
    env: { ...process.env, TMPDIR: scratch },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const probe = await until(() => processes().find((p) => p.cmdline.includes(marker)));
  // The groups the check started: the CLI itself stays in ours, which is not one of them.
  const ours = processes().find((p) => p.pid === child.pid)!.pgrp;
  const groups = new Set(
    processes()
      .filter((p) => p.pid !== child.pid && (p.cmdline.includes(scratch) || p.pid === probe.pid))
      .map((p) => p.pgrp)
      .filter((group) => group !== ours),
  );
  expect(groups.size).toBeGreaterThan(0);

  child.kill('SIGTERM');
  expect(await exited, output).toBe(143);
  expect(output).toContain('Stopped by SIGTERM');
  expect(output).not.toContain('Course check');

  // SIGKILL is immediate, but the kernel tears a process down on its own time: allow for it.
  const left = () => processes().filter((p) => groups.has(p.pgrp) && p.state !== 'Z');
  for (let i = 0; i < 200 && left().length > 0; i += 1)
    await new Promise((r) => setTimeout(r, 100));
  expect(left().map((p) => p.cmdline)).toEqual([]);
  expect(readdirSync(scratch).filter((name) => name.startsWith('workbench-'))).toEqual([]);
}, 60_000);
