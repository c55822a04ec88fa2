import { describe, expect, it } from 'vitest';
import { capText, createSanitizer, withoutStackFrames } from '../../src/runner/sanitize.ts';

describe('createSanitizer', () => {
  const sanitize = createSanitizer({
    workspaceDirs: ['/tmp/workbench-run-abc/workspace', '/tmp/workbench-run-abc'],
    hiddenDirs: [{ dir: '/srv/workbench', label: '<workbench>' }],
  });

  it('makes workspace paths relative and hides the installation path', () => {
    expect(sanitize('at file:///tmp/workbench-run-abc/workspace/lines.ts:3:5')).toBe(
      'at lines.ts:3:5',
    );
    expect(sanitize('wrote /tmp/workbench-run-abc/report.json')).toBe('wrote report.json');
    expect(sanitize('/srv/workbench/node_modules/vitest/x.js')).toBe(
      '<workbench>/node_modules/vitest/x.js',
    );
  });

  it('does not touch a path that merely starts with the same characters', () => {
    expect(sanitize('/tmp/workbench-run-abcdef/x')).toBe('/tmp/workbench-run-abcdef/x');
  });

  it('strips ANSI colour codes', () => {
    expect(sanitize('\u001b[31m- Expected\u001b[39m')).toBe('- Expected');
  });
});

describe('withoutStackFrames', () => {
  it('keeps the message and drops the frames', () => {
    expect(
      withoutStackFrames('AssertionError: nope\n    at a (x.ts:1:1)\n    at b (y.ts:2:2)'),
    ).toBe('AssertionError: nope');
  });
});

describe('capText', () => {
  it('says how much it cut', () => {
    expect(capText('abcdef', 4)).toBe('abcd\n… [2 more characters truncated]');
    expect(capText('abc', 4)).toBe('abc');
  });
});

describe('createSanitizer with relative prefixes', () => {
  it('drops a batch workspace prefix only where a path starts', () => {
    const sanitize = createSanitizer({ workspaceDirs: [], relativePrefixes: ['w2/'] });
    expect(sanitize('[ w2/sum.ts:2:33 ] and (w2/sum.ts)')).toBe('[ sum.ts:2:33 ] and (sum.ts)');
    expect(sanitize('aw2/sum.ts and lw2/x')).toBe('aw2/sum.ts and lw2/x');
  });
});
