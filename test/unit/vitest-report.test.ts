import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSanitizer } from '../../src/runner/sanitize.ts';
import { SETUP_LIMIT_SECONDS } from '../../src/runner/time-limits.ts';
import {
  buildRunResult,
  parseEvents,
  type RunArtifacts,
} from '../../src/runner/vitest/vitest-report.ts';

/** Artefacts recorded from real vitest runs by test/fixtures/vitest-reports/record.ts. */
function recorded(outcome: string): RunArtifacts {
  const url = new URL(`../fixtures/vitest-reports/${outcome}/artifacts.json`, import.meta.url);
  const stored = JSON.parse(readFileSync(url, 'utf8')) as Omit<
    RunArtifacts,
    'sanitize' | 'durationMs'
  >;
  return {
    ...stored,
    durationMs: 700,
    sanitize: createSanitizer({
      workspaceDirs: ['/WORKSPACE', '/RUN'],
      hiddenDirs: [{ dir: '/WORKBENCH', label: '<workbench>' }],
    }),
  };
}

describe('buildRunResult on recorded vitest runs', () => {
  it('reports a passing run with every test in file order', () => {
    const result = buildRunResult(recorded('pass'));
    expect(result).toMatchObject({ version: 1, status: 'pass', durationMs: 700 });
    expect(result.tests.map((t) => [t.name, t.status])).toEqual([
      ['sum() > returns 0 for an empty list', 'pass'],
      ['sum() > adds two numbers', 'pass'],
      ['sum() > adds negative numbers', 'pass'],
    ]);
    expect(result.tests[1]?.output).toBe('adding 2 + 3\n');
    expect(result.tests.every((t) => t.message === undefined)).toBe(true);
  });

  it('reports assertion failures with expected vs actual, location, and no stack or paths', () => {
    const result = buildRunResult(recorded('fail/assertion'));
    expect(result.status).toBe('fail');
    expect(result.tests.map((t) => t.status)).toEqual(['pass', 'fail', 'fail']);
    const failed = result.tests[1];
    expect(failed?.message).toContain('sum of 2 and 3: expected 2 to be 5');
    expect(failed?.message).toContain('- Expected');
    expect(failed?.message).toContain('+ Received');
    expect(failed?.location).toEqual({ file: 'sum.test.ts', line: 11, column: expect.any(Number) });
    const everything = JSON.stringify(result);
    // eslint-disable-next-line no-control-regex -- an ANSI escape is exactly what must not be there
    expect(everything).not.toMatch(/\u001b\[/);
    expect(everything).not.toMatch(/WORKSPACE|WORKBENCH|\/RUN|node_modules/);
    expect(everything).not.toMatch(/^\s+at /m);
  });

  it('reports a syntax error with the parser message and line, and no tests', () => {
    const result = buildRunResult(recorded('error/syntax'));
    expect(result).toMatchObject({
      status: 'error',
      errorCode: 'syntax-error',
      location: { file: 'sum.ts', line: 2 },
      tests: [],
    });
    expect(result.message).toContain('sum.ts, line 2');
    expect(result.message).toContain('Unexpected token');
    expect(result.hint).toContain('sum.ts:2:');
  });

  it('names the test that was running when the time limit hit, keeping earlier results', () => {
    const artifacts = recorded('timeout/busy-loop');
    expect(artifacts.report).toBeUndefined();
    const result = buildRunResult(artifacts);
    expect(result).toMatchObject({ status: 'timeout', errorCode: 'time-limit' });
    expect(result.message).toBe('Timed out after 3 s in "sum() > adds two numbers".');
    expect(result.tests.map((t) => t.status)).toEqual(['pass', 'timeout', 'skip']);
  });

  it('says a timeout came from set-up, not the learner, when the set-up budget ran out', () => {
    const events = [
      { type: 'load-start', t: 1 },
      { type: 'load-end', t: 2 },
      { type: 'setup-start', t: 2 },
    ];
    const result = buildRunResult({
      ...recorded('timeout/busy-loop'),
      events: events.map((e) => JSON.stringify(e)).join('\n'),
      timeUp: 'setup',
    });
    expect(result).toMatchObject({ status: 'timeout', errorCode: 'time-limit' });
    expect(result.message).toBe(
      `Stopped after ${SETUP_LIMIT_SECONDS} s of set-up (starting the tests, opening a database), before any test started.`,
    );
    expect(result.hint).toContain('run again');
  });

  it('reports a test file without tests as an exercise problem, not as a pass', () => {
    const result = buildRunResult(recorded('error/no-tests'));
    expect(result).toMatchObject({ status: 'error', errorCode: 'no-tests', tests: [] });
  });

  it('reports a process that died without a report, with what it printed', () => {
    const result = buildRunResult({
      ...recorded('pass'),
      report: undefined,
      events: undefined,
      exitCode: 137,
      processOutput: 'FATAL ERROR: Reached heap limit\n    at /WORKSPACE/sum.ts:1:1',
    });
    expect(result).toMatchObject({ status: 'error', errorCode: 'process-crashed' });
    expect(result.message).toContain('exit code 137');
    expect(result.output).toContain('Reached heap limit');
    expect(result.output).not.toContain('/WORKSPACE');
  });

  it('names the test during which a process died part-way (no report, only events), keeping earlier results', () => {
    // The busy-loop run's events, as if process.abort() had ended it instead of the time limit:
    // with the in-process pool, the agent and its report die with the learner's code.
    const result = buildRunResult({
      ...recorded('timeout/busy-loop'),
      timedOut: false,
      exitCode: null,
      processOutput: 'node[1]: abort() called\n    at /WORKSPACE/sum.ts:3:9',
    });
    expect(result).toMatchObject({ status: 'error', errorCode: 'process-crashed' });
    expect(result.message).toBe(
      'The process running the tests died during "sum() > adds two numbers", so no later test could run.',
    );
    expect(result.hint).toContain('process.abort()');
    expect(result.tests.map((t) => t.status)).toEqual(['pass', 'fail', 'skip']);
    expect(result.tests[1]?.message).toContain('died while this test was running');
    expect(result.output).toContain('abort() called');
    expect(result.output).not.toContain('/WORKSPACE');
  });

  it('says a process died while the code was loading when no test had started', () => {
    const result = buildRunResult({
      ...recorded('pass'),
      report: undefined,
      events: JSON.stringify({ type: 'load-start', t: 1 }),
      exitCode: null,
    });
    expect(result.errorCode).toBe('process-crashed');
    expect(result.message).toContain('while your code was loading, before any test started');
  });

  it('treats a corrupt report like a missing one', () => {
    const result = buildRunResult({ ...recorded('pass'), report: '{"testResults": [' });
    expect(result.errorCode).toBe('process-crashed');
  });
});

describe('parseEvents', () => {
  it('keeps every complete line and skips one cut short by a kill', () => {
    const text =
      '{"type":"test-start","id":"a"}\n{"type":"test-finish","id":"a","state":"pass"}\n{"type":"te';
    expect(parseEvents(text)).toEqual([
      { type: 'test-start', id: 'a' },
      { type: 'test-finish', id: 'a', state: 'pass' },
    ]);
  });
});
