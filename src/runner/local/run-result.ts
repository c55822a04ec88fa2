/**
 * The "report → result" stage of a local run: what the process left behind (vitest's report,
 * the events, its output and how it ended) becomes one RunResult, with paths hidden and, for a
 * sandboxed run that died, the limit it hit named.
 */
import { readFile } from 'node:fs/promises';
import { problemResult, type RunResult } from '../result.ts';
import { createSanitizer } from '../sanitize.ts';
import { scriptResult } from '../script-result.ts';
import { buildRunResult, type RunArtifacts } from '../vitest/vitest-report.ts';
import type { ProcessOutcome } from './run-process.ts';
import { limitThatWasHit, memoryLimitIn } from './sandbox/limits.ts';
import { SANDBOX_OUT, SANDBOX_WORK, type SandboxLimits } from './sandbox/sandbox.ts';
import type { Workspace } from './workspace.ts';

export async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

export interface ResultContext {
  outcome: ProcessOutcome;
  workspace: Pick<Workspace, 'base' | 'dir' | 'outDir' | 'reportFile' | 'eventsFile'>;
  /** The installation, shown as `<workbench>` wherever a message would name it. */
  installRoot: string;
  timeLimitSeconds: number;
  maxOutputBytes: number;
  /** The sandbox's limits when the run was sandboxed: a run that died is explained by them. */
  sandboxLimits: SandboxLimits | undefined;
}

function sanitizerFor(context: ResultContext): (text: string) => string {
  const { workspace } = context;
  return createSanitizer({
    workspaceDirs: [SANDBOX_WORK, SANDBOX_OUT, workspace.dir, workspace.outDir, workspace.base],
    hiddenDirs: [{ dir: context.installRoot, label: '<workbench>' }],
  });
}

function outputLimitResult(
  context: ResultContext,
  sanitize: (text: string) => string,
  what: 'the code' | 'the example',
  hint: string,
): RunResult {
  return problemResult(
    {
      code: 'output-limit',
      message: `Stopped: ${what} printed more than ${Math.round(context.maxOutputBytes / 1024)} KB.`,
      hint,
    },
    {
      durationMs: context.outcome.durationMs,
      output: `${sanitize(context.outcome.output.slice(0, 4000))}\n… [output truncated at the limit]`,
    },
  );
}

/** The result of a test run. `onArtifacts` sees the raw material first (fixture recording). */
export async function testRunResult(
  context: ResultContext,
  onArtifacts?: (artifacts: RunArtifacts, workspaceDir: string) => void,
): Promise<RunResult> {
  const { outcome, workspace } = context;
  const sanitize = sanitizerFor(context);
  if (outcome.outputLimited) {
    return outputLimitResult(
      context,
      sanitize,
      'the code',
      'Remove the console.log inside a loop, or print a summary instead of every item.',
    );
  }
  const artifacts: RunArtifacts = {
    report: await readIfPresent(workspace.reportFile),
    events: await readIfPresent(workspace.eventsFile),
    processOutput: outcome.output,
    exitCode: outcome.exitCode,
    timedOut: outcome.timedOut,
    ...(outcome.timeUp ? { timeUp: outcome.timeUp } : {}),
    timeLimitSeconds: context.timeLimitSeconds,
    durationMs: outcome.durationMs,
    sanitize,
  };
  onArtifacts?.(artifacts, workspace.dir);
  const result = buildRunResult(artifacts);
  const limits = context.sandboxLimits;
  // Only a run that died is explained by a limit: a test may well print "ENOSPC" on purpose.
  const limit = !limits
    ? undefined
    : result.errorCode === 'process-crashed'
      ? limitThatWasHit(
          { ...outcome, output: `${outcome.output}\n${result.message ?? ''}` },
          limits,
        )
      : memoryLimitIn([result.message ?? '', ...result.tests.map((t) => t.message ?? '')], limits);
  return limit
    ? problemResult(limit, { durationMs: outcome.durationMs, tests: result.tests })
    : result;
}

/** The result of a lesson's example run as a plain script. */
export function scriptRunResult(context: ResultContext): RunResult {
  const { outcome } = context;
  const sanitize = sanitizerFor(context);
  if (outcome.outputLimited) {
    return outputLimitResult(
      context,
      sanitize,
      'the example',
      'Print a summary instead of every item.',
    );
  }
  const result = scriptResult({
    exitCode: outcome.exitCode,
    timedOut: outcome.timedOut,
    ...(outcome.timeUp ? { timeUp: outcome.timeUp } : {}),
    output: outcome.output,
    durationMs: outcome.durationMs,
    timeLimitSeconds: context.timeLimitSeconds,
    sanitize,
  });
  const limit =
    context.sandboxLimits && result.errorCode === 'process-crashed'
      ? limitThatWasHit(outcome, context.sandboxLimits)
      : undefined;
  return limit ? problemResult(limit, { durationMs: outcome.durationMs }) : result;
}
