/** Lesson examples run as plain scripts on the local runner (sandboxed where the machine can). */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalRunner } from '../../src/runner/local/local-runner.ts';
import { probeSandbox } from '../../src/runner/local/sandbox/sandbox.ts';

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
    expect(result).toMatchObject({ status: 'timeout', message: 'Timed out after 5 s.' });
  });
});
