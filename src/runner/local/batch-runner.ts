/**
 * Runs many exercise workspaces in one vitest process: the course check grades every starter
 * and every reference solution, and a cold vitest start per run would dominate its time.
 *
 *   <tmp>/workbench-batch-XXXX/
 *     workspaces/            vitest's root; node_modules linked once here
 *       w0/ w1/ ...          one exercise each, written exactly as for a single run
 *     report.json, events.ndjson
 *
 * Workers are reused across test files (`--no-isolate`): each workspace has its own paths, so
 * no module is shared between exercises, and not starting a worker per file is most of the
 * speed-up. Built-in modules and globals are shared, which is acceptable for the course's own
 * code and is why learner submissions never go through a batch. What a shared process cannot do is stop one exercise at its own time limit: a
 * watchdog reads the events as they arrive and, when a file has run longer than its exercise's
 * limit, kills the batch. Workspaces that finished keep their results; the rest are run again
 * one by one, where each gets its own limit and its own timeout result. A batch is therefore
 * never less correct than single runs, only faster when nothing hangs.
 *
 * For trusted code (the course's own starters and solutions): all workspaces of a batch can
 * see each other. Learner submissions are graded one run each (see grading/grade.ts).
 */
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { REUSE_DATABASES_ENV } from '../../exercise-kit/env.js';
import type { Exercise } from '../../exercises/catalog.ts';
import type { RunResult } from '../result.ts';
import { createSanitizer } from '../sanitize.ts';
import { buildRunResult, parseEvents } from '../vitest/vitest-report.ts';
import type { LocalRunner } from './local-runner.ts';
import { runProcess } from './run-process.ts';
import { readIfPresent } from './run-result.ts';
import { planProcess } from './sandboxed-process.ts';
import { testTimeoutFor, vitestArgs, vitestEnv } from '../vitest/command.ts';
import { writeExerciseFiles } from './workspace.ts';

export interface BatchJob {
  exercise: Exercise;
  files: Readonly<Record<string, string>>;
}

export interface BatchOptions {
  tmpDir?: string;
  maxWorkers?: number;
  /** How often the watchdog reads the events file. */
  pollMs?: number;
}

export interface BatchOutcome {
  results: RunResult[];
  /** How many jobs had to be run again on their own (a hang, a crash of the batch). */
  rerun: number;
}

/** Keeps only the lines of a JSON report and an events file that belong to one workspace. */
function sliceArtifacts(
  report: string | undefined,
  events: string | undefined,
  dir: string,
  rel: string,
): { report: string | undefined; events: string; durationMs: number } | undefined {
  if (!report) return undefined;
  let parsed: { testResults?: Array<{ name: string; startTime?: number; endTime?: number }> };
  try {
    parsed = JSON.parse(report) as typeof parsed;
  } catch {
    return undefined;
  }
  const files = (parsed.testResults ?? []).filter((f) => f.name.startsWith(`${dir}/`));
  if (files.length === 0) return undefined;
  const all = parseEvents(events);
  const testIds = new Set<string>();
  for (const event of all) {
    if (event.type === 'collected' && event.file.startsWith(`${rel}/`)) {
      for (const test of event.tests) testIds.add(test.id);
    }
  }
  const mine = all.filter((event) => {
    switch (event.type) {
      case 'collected':
      case 'module-start':
      case 'module-end':
        return event.file.startsWith(`${rel}/`);
      case 'test-start':
      case 'test-finish':
      case 'test-end':
        return testIds.has(event.id);
      case 'log':
        return event.testId
          ? testIds.has(event.testId)
          : (event.file?.startsWith(`${rel}/`) ?? false);
      // Nothing a single workspace's result needs (a batch keeps no learner's clock either).
      case 'unhandled':
      case 'tamper':
      case 'load-start':
      case 'load-end':
      case 'setup-start':
      case 'setup-end':
        return false;
    }
  });
  const durationMs = files.reduce(
    (sum, f) => sum + Math.max(0, (f.endTime ?? 0) - (f.startTime ?? 0)),
    0,
  );
  return {
    report: JSON.stringify({ ...parsed, testResults: files }),
    events: mine.map((e) => JSON.stringify(e)).join('\n'),
    durationMs: Math.round(durationMs),
  };
}

export async function runBatch(
  runner: LocalRunner,
  jobs: readonly BatchJob[],
  options: BatchOptions = {},
): Promise<BatchOutcome> {
  if (jobs.length === 0) return { results: [], rerun: 0 };
  await runner.prepareFor(
    jobs.flatMap((job) => [...job.exercise.tests, ...job.exercise.support].map((f) => f.content)),
  );
  const install = runner.vitestInstall;
  const parent = options.tmpDir ?? tmpdir();
  await mkdir(parent, { recursive: true });
  const base = await mkdtemp(join(parent, 'workbench-batch-'));
  const root = join(base, 'workspaces');
  const reportFile = join(base, 'report.json');
  const eventsFile = join(base, 'events.ndjson');
  try {
    await mkdir(join(base, 'tmp'), { recursive: true });
    await mkdir(root);
    await symlink(install.nodeModulesDir, join(root, 'node_modules'), 'dir');
    const rels = jobs.map((_, index) => `w${index}`);
    for (const [index, job] of jobs.entries()) {
      const dir = join(root, rels[index]!);
      await mkdir(dir);
      await writeExerciseFiles(dir, job.exercise, job.files, install.progressModule);
    }

    const limitFor = new Map(rels.map((rel, i) => [rel, jobs[i]!.exercise.meta.timeLimitSeconds]));
    const maxLimit = Math.max(...limitFor.values());
    const workers = Math.max(1, options.maxWorkers ?? availableParallelism());
    // Generous overall bound: every file at its full limit, spread over the workers.
    const totalLimitMs =
      ([...limitFor.values()].reduce((a, b) => a + b, 0) / workers + maxLimit + 5) * 1000;

    const watchdog = new AbortController();
    const started = new Map<string, number>();
    const ended = new Set<string>();
    let offset = 0;
    const timer = setInterval(() => {
      void readFile(eventsFile, 'utf8')
        .then((text) => {
          const complete = text.lastIndexOf('\n') + 1;
          for (const event of parseEvents(text.slice(offset, complete))) {
            const rel = 'file' in event && event.file ? event.file.split('/')[0] : undefined;
            if (!rel) continue;
            if (event.type === 'module-start') started.set(rel, Date.now());
            if (event.type === 'module-end') ended.add(rel);
          }
          offset = complete;
          for (const [rel, since] of started) {
            const limit = (limitFor.get(rel) ?? maxLimit) * 1000;
            if (!ended.has(rel) && Date.now() - since > limit) watchdog.abort();
          }
        })
        .catch(() => {});
    }, options.pollMs ?? 200);

    // Trusted course code: a plain process, never a sandbox (see the top of this file).
    const plan = planProcess({
      folders: { base, dir: root, outDir: base, scratchDir: join(base, 'tmp') },
      sandbox: undefined,
      command: () => [
        process.execPath,
        ...vitestArgs(install, {
          root,
          reportFile,
          testTimeoutMs: testTimeoutFor(maxLimit),
          maxWorkers: workers,
          isolate: false,
        }),
      ],
      // Trusted code one file after another: databases are reset and reused (exercise-kit/db.js).
      env: () => ({ ...vitestEnv(eventsFile), [REUSE_DATABASES_ENV]: '1' }),
    });
    const outcome = await runProcess(plan.command, plan.args, {
      cwd: plan.cwd,
      env: plan.env,
      limits: { timeLimitMs: totalLimitMs, maxOutputBytes: 16 * 1024 * 1024 },
      signal: watchdog.signal,
    });
    clearInterval(timer);

    if (watchdog.signal.aborted || outcome.timedOut) {
      // Something hung. The files that were running when the batch was stopped run alone, with
      // their own limits; everything else goes into a fresh batch.
      const stuck = new Set(rels.filter((rel) => started.has(rel) && !ended.has(rel)));
      if (stuck.size === 0) rels.forEach((rel) => stuck.add(rel));
      const alone = jobs.filter((_, i) => stuck.has(rels[i]!));
      const rest = jobs.filter((_, i) => !stuck.has(rels[i]!));
      const again = await runBatch(runner, rest, options);
      const aloneResults = [];
      for (const job of alone) aloneResults.push(await runner.runExercise(job.exercise, job.files));
      const results: RunResult[] = [];
      let fromRest = 0;
      let fromAlone = 0;
      for (const rel of rels) {
        results.push(stuck.has(rel) ? aloneResults[fromAlone++]! : again.results[fromRest++]!);
      }
      return { results, rerun: again.rerun + alone.length };
    }

    const report = await readIfPresent(reportFile);
    const events = await readIfPresent(eventsFile);
    const unhandled = parseEvents(events).some((e) => e.type === 'unhandled');
    const results: RunResult[] = [];
    let rerun = 0;
    for (const [index, job] of jobs.entries()) {
      const rel = rels[index]!;
      const dir = join(root, rel);
      const slice = unhandled ? undefined : sliceArtifacts(report, events, dir, rel);
      if (slice) {
        results.push(
          buildRunResult({
            ...slice,
            processOutput: '',
            exitCode: outcome.exitCode,
            timedOut: false,
            timeLimitSeconds: job.exercise.meta.timeLimitSeconds,
            sanitize: createSanitizer({
              workspaceDirs: [dir, base],
              relativePrefixes: [`${rel}/`],
              hiddenDirs: [{ dir: install.nodeModulesDir, label: '<workbench>/node_modules' }],
            }),
          }),
        );
      } else {
        // No result that can be attributed to this workspace (an error escaped a test, or the
        // batch died): run it alone.
        rerun += 1;
        results.push(await runner.runExercise(job.exercise, job.files));
      }
    }
    return { results, rerun };
  } finally {
    await rm(base, { recursive: true, force: true, maxRetries: 3 });
  }
}
