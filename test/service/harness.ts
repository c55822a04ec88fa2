/**
 * Starts the built server (`node src/server/serve.ts`, as `npm start` does) on a free loopback
 * port and gives tests what they need to judge containment from outside: runs over HTTP, the
 * server's responsiveness meanwhile, leftover processes and workspaces, and whether anything
 * outside a workspace changed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FIRST_SANDBOX_UID } from '../../src/runner/local/sandbox/uid-pool.ts';
import type { RunResult } from '../../src/runner/result.ts';

export const repo = resolve(import.meta.dirname, '..', '..');

export interface Server {
  base: string;
  process: ChildProcess;
  /** Everything the server printed so far. */
  log(): string;
  stop(): Promise<number | null>;
}

export async function startServer(env: Record<string, string> = {}): Promise<Server> {
  if (!existsSync(join(repo, 'dist', 'server', 'entry.mjs'))) {
    throw new Error('No build: run `npm run build` first (npm test does).');
  }
  const port = 4300 + Math.floor(Math.random() * 80);
  const child = spawn(process.execPath, [join(repo, 'src', 'server', 'serve.ts')], {
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
    if (child.exitCode !== null) throw new Error(`The server exited: ${log}`);
  }
  return {
    base,
    process: child,
    log: () => log,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done(child.exitCode);
        child.once('exit', (code) => done(code));
        child.kill('SIGTERM');
      }),
  };
}

export async function run(
  server: Server,
  code: string,
  exerciseId = '04-streams/lines',
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; result: RunResult }> {
  const response = await fetch(`${server.base}/api/run`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ exerciseId, files: { 'lines.ts': code } }),
  });
  const body = (await response.json()) as unknown;
  return { status: response.status, body, result: body as RunResult };
}

/** Polls /api/health while `work` runs; the slowest answer says whether the server stayed responsive. */
export async function slowestHealthCheckDuring<T>(
  server: Server,
  work: Promise<T>,
): Promise<{ value: T; slowestMs: number }> {
  let done = false;
  let slowestMs = 0;
  const polling = (async () => {
    while (!done) {
      const started = performance.now();
      const response = await fetch(`${server.base}/api/health`);
      await response.text();
      slowestMs = Math.max(slowestMs, performance.now() - started);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const value = await work;
  done = true;
  await polling;
  return { value, slowestMs };
}

/**
 * Processes under a sandbox uid that are not a warm sandbox waiting for its job (bubblewrap and
 * the agent): must be none once runs are over.
 */
export function sandboxProcesses(): string[] {
  const out = execFileSync('ps', ['-eo', 'uid=,pid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => Number(line.split(/\s+/)[0]) >= FIRST_SANDBOX_UID)
    .filter((line) => !/\bbwrap\b.*agent\.ts|sandbox\/agent\.ts/.test(line));
}

/** Warm sandboxes waiting for a job: at most one per run slot. */
export function warmAgents(): number {
  const out = execFileSync('ps', ['-eo', 'uid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => /^\s*\d+\s+\S*node\S* \S*sandbox\/agent\.ts/.test(line))
    .length;
}

/**
 * Run folders that still hold an exercise: a warm sandbox's folder holds only node_modules and
 * the progress module until its job comes, and is removed after.
 */
/** Run folders that existed before this test process started belong to someone else. */
const foreign = new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('workbench-')));

export function leftoverWorkspaces(): string[] {
  return readdirSync(tmpdir())
    .filter((name) => !foreign.has(name))
    .filter((name) => name.startsWith('workbench-run-') || name.startsWith('workbench-batch-'))
    .filter((name) => {
      const work = join(tmpdir(), name, 'workspace');
      if (!existsSync(work)) return true;
      return readdirSync(work).some(
        (file) => file !== 'node_modules' && file !== '.workbench-progress.ts',
      );
    });
}

/** A fingerprint of what a submission must never read or change. */
export function fingerprint(): string {
  const hash = createHash('sha256');
  for (const file of [
    'solutions/04-streams/lines/lines.ts',
    'exercises/04-streams/lines/lines.test.ts',
    'package.json',
    '.git/HEAD',
  ]) {
    hash.update(readFileSync(join(repo, file)));
  }
  hash.update(String(existsSync(join(repo, 'PWNED'))));
  return hash.digest('hex');
}

export const solution = readFileSync(
  join(repo, 'solutions', '04-streams', 'lines', 'lines.ts'),
  'utf8',
);
