import { describe, expect, it } from 'vitest';
import { statusFromTests } from '../../src/runner/result.ts';
import { parseRunResult } from '../../src/runner/result-schema.ts';

describe('parseRunResult', () => {
  it('accepts a valid result', () => {
    const value = {
      version: 1,
      status: 'pass',
      tests: [{ name: 'a', status: 'pass', durationMs: 1 }],
      durationMs: 5,
    };
    expect(parseRunResult(value)).toEqual(value);
  });

  it('turns a result of another version into an error that says so', () => {
    const result = parseRunResult({ version: 2, status: 'pass', tests: [], durationMs: 1 });
    expect(result).toMatchObject({ status: 'error', errorCode: 'runner-failure' });
    expect(result.message).toContain('version 2');
  });

  it('turns garbage into an error instead of throwing', () => {
    expect(parseRunResult('<html>502 Bad Gateway</html>')).toMatchObject({ status: 'error' });
  });
});

describe('statusFromTests', () => {
  it('is an error without tests, a failure if any test did not pass', () => {
    expect(statusFromTests([])).toBe('error');
    expect(
      statusFromTests([
        { name: 'a', status: 'pass', durationMs: 1 },
        { name: 'b', status: 'skip', durationMs: 0 },
      ]),
    ).toBe('fail');
  });
});
