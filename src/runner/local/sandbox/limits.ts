/**
 * Names the limit a sandboxed run hit, from how it ended and what it printed, so the learner
 * reads "used more than 60 s of CPU" rather than "the test process ended".
 */
import type { RunProblem } from '../../result.ts';
import type { ProcessOutcome } from '../run-process.ts';
import type { SandboxLimits } from './sandbox.ts';

const MEMORY_EXHAUSTED =
  /Reached heap limit|JavaScript heap out of memory|ERR_WORKER_OUT_OF_MEMORY|Array buffer allocation failed|Failed to allocate memory/;

/**
 * A run whose tests ended normally can still have hit the memory cap: an allocation that
 * failed inside a test surfaces as that test's error. Looks only at error messages, never at
 * what the code printed.
 */
export function memoryLimitIn(
  messages: readonly string[],
  limits: SandboxLimits,
): RunProblem | undefined {
  return messages.some((m) => MEMORY_EXHAUSTED.test(m))
    ? limitThatWasHit({ output: 'Array buffer allocation failed', signal: null }, limits)
    : undefined;
}

export function limitThatWasHit(
  outcome: Pick<ProcessOutcome, 'output' | 'signal'>,
  limits: SandboxLimits,
): RunProblem | undefined {
  const out = outcome.output;
  if (outcome.signal === 'SIGXCPU' || /SIGXCPU|CPU time limit exceeded/.test(out)) {
    return {
      code: 'cpu-limit',
      message: `Stopped: the run used more than ${limits.cpuSeconds} s of CPU time.`,
      hint: 'Look for a loop that does far more work than the input needs, or work started again and again.',
    };
  }
  if (MEMORY_EXHAUSTED.test(out)) {
    return {
      code: 'memory-limit',
      message: `Stopped: the code used more memory than a run may (${limits.heapMb} MB of JavaScript heap, ${Math.round(limits.memoryBytes / 1024 / 1024 / 1024)} GB in all).`,
      hint: 'Something keeps growing: an array or Buffer that is never emptied, or a whole file read at once where a stream would do.',
    };
  }
  if (
    /\bEAGAIN\b.*(spawn|fork)|(spawn|fork).*\bEAGAIN\b|Resource temporarily unavailable/.test(out)
  ) {
    return {
      code: 'process-limit',
      message: `Stopped: the code started more than the ${limits.maxProcesses} processes and threads a run may have.`,
      hint: 'Start child processes or workers a bounded number of times, and wait for them to exit.',
    };
  }
  if (outcome.signal === 'SIGXFSZ' || /\bEFBIG\b|File too large/.test(out)) {
    return {
      code: 'disk-limit',
      message: `Stopped: the code wrote a file larger than ${Math.round(limits.maxFileBytes / 1024 / 1024)} MB.`,
      hint: 'Exercises need small files: write less, or stream and discard.',
    };
  }
  if (/\bENOSPC\b|No space left on device/.test(out)) {
    return {
      code: 'disk-limit',
      message: `Stopped: the code filled the ${Math.round(limits.tmpBytes / 1024 / 1024)} MB of temporary space a run has.`,
      hint: 'Delete temporary files when done, and keep test data small.',
    };
  }
  return undefined;
}
