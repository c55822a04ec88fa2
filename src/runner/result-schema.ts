/**
 * Checks a result that comes from another process or over the network against the result model
 * (result.ts). Apart from result.ts so that pages which only show results do not ship zod; the
 * type assertions below keep the two in step.
 */
import { z } from 'zod';
import {
  errorCodes,
  problemResult,
  RESULT_VERSION,
  runStatuses,
  testStatuses,
  type RunResult,
  type SourceLocation,
  type TestResult,
} from './result.ts';

const locationSchema = z.strictObject({
  file: z.string(),
  line: z.number().int().min(1),
  column: z.number().int().min(1).optional(),
});

export const testResultSchema = z.strictObject({
  name: z.string(),
  status: z.enum(testStatuses),
  message: z.string().optional(),
  output: z.string().optional(),
  durationMs: z.number().min(0),
  location: locationSchema.optional(),
});

export const runResultSchema = z.strictObject({
  version: z.literal(RESULT_VERSION),
  status: z.enum(runStatuses),
  message: z.string().optional(),
  hint: z.string().optional(),
  errorCode: z.enum(errorCodes).optional(),
  location: locationSchema.optional(),
  tests: z.array(testResultSchema),
  output: z.string().optional(),
  durationMs: z.number().min(0),
  runner: z.string().optional(),
});

/** Compiles only when A and B are the same type, so schema and model cannot drift apart. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const inStep: [
  Same<z.infer<typeof locationSchema>, SourceLocation>,
  Same<z.infer<typeof testResultSchema>, TestResult>,
  Same<z.infer<typeof runResultSchema>, RunResult>,
] = [true, true, true];
void inStep;

/**
 * Parses a result received from another process or over the network. Anything that does not
 * match becomes an error result rather than an exception, so a runner from a newer or older
 * release shows a clear message instead of a blank panel.
 */
export function parseRunResult(value: unknown): RunResult {
  const parsed = runResultSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const version =
    typeof value === 'object' && value !== null && 'version' in value ? value.version : undefined;
  return problemResult({
    code: 'runner-failure',
    message:
      version !== undefined && version !== RESULT_VERSION
        ? `The runner answered with result format version ${String(version)}; this page understands version ${RESULT_VERSION}.`
        : 'The runner answered with a result this page cannot read.',
    hint: 'Reload the page; if it persists, restart the local runner (npm start) so both come from the same release.',
  });
}
