/** Lesson examples run as plain scripts on the local runner (sandboxed where the machine can). */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalRunner } from '../../src/runner/local/local-runner.ts';
import { probeSandbox } from '../../src/runner/local/sandbox/sandbox.ts';
import { SCRIPT_TIME_LIMIT_SECONDS } from '../../src/runner/script-result.ts';

const repo = resolve(import.meta.dirname, '..', '..');
const sandbox = probeSandbox();
const runner = new LocalRunner({ courseRoot: repo, sandbox });

describe('LocalRunner.runScript', () => {
  it('runs a TypeScript module and returns what it printed', async () => {
    const result = await runner.runScript({
      source:
        "import { Readable } from 'node:stream';\nconst parts: string[] = [];\nfor await (const c of Readable.from(['a', 'b'])) parts.push(c);\nconsole.log(parts.join('+'));\n",
    });
    expect(result).toMatchObject({ status: 'pass', output: 'a+b', tests: [] });
  });

  it('reports a thrown error with its message', async () => {
    const result = await runner.runScript({ source: "throw new RangeError('out of range');\n" });
    expect(result).toMatchObject({ status: 'error', errorCode: 'process-crashed' });
    expect(result.message).toContain('RangeError: out of range');
    expect(result.output).not.toContain('/workbench-run-');
  });

  it('reports a syntax error', async () => {
    const result = await runner.runScript({ source: 'const = 1;\n' });
    expect(result).toMatchObject({ status: 'error', errorCode: 'syntax-error' });
  });

  it('stops an example that never ends', async () => {
    const result = await runner.runScript({ source: 'setInterval(() => {}, 1000);\n' });
    expect(result).toMatchObject({
      status: 'timeout',
      message: `Timed out after ${SCRIPT_TIME_LIMIT_SECONDS} s.`,
    });
  });

  it("does not count the exercise kit's set-up (opening a database) against the limit", async () => {
    const setUpMs = (SCRIPT_TIME_LIMIT_SECONDS + 1) * 1000;
    const result = await runner.runScript({
      source: `import { setUpSpan } from '@workbench/exercise-kit/set-up';
await setUpSpan(() => new Promise((resolve) => setTimeout(resolve, ${setUpMs})));
console.log('ready');
`,
    });
    expect(result, result.message).toMatchObject({ status: 'pass', output: 'ready' });
  });
});
