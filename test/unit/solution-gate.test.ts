import { describe, expect, it } from 'vitest';
import {
  accessAfterRun,
  compareFiles,
  initialAccess,
  languageOf,
  loadFailureMessage,
} from '../../src/components/exercise/solution-gate.ts';

describe('when the solution is offered', () => {
  it('is hidden until a run, unless the exercise passed on an earlier visit', () => {
    expect(initialAccess(false)).toBe('hidden');
    expect(initialAccess(true)).toBe('open');
  });

  it('asks first after a failed run, and not after a pass', () => {
    expect(accessAfterRun('hidden', { status: 'fail' })).toBe('confirm');
    expect(accessAfterRun('hidden', { status: 'timeout', errorCode: 'time-limit' })).toBe(
      'confirm',
    );
    expect(accessAfterRun('hidden', { status: 'error', errorCode: 'syntax-error' })).toBe(
      'confirm',
    );
    expect(accessAfterRun('hidden', { status: 'pass' })).toBe('open');
    expect(accessAfterRun('confirm', { status: 'pass' })).toBe('open');
  });

  it('keeps the open door after a pass even when a later run fails', () => {
    expect(accessAfterRun('open', { status: 'fail' })).toBe('open');
  });

  it('does not count a run that never reached the code (runner down or not loaded)', () => {
    for (const errorCode of ['runner-unavailable', 'runner-failure'] as const) {
      expect(accessAfterRun('hidden', { status: 'error', errorCode })).toBe('hidden');
      expect(accessAfterRun('confirm', { status: 'error', errorCode })).toBe('confirm');
    }
  });
});

describe('what is compared', () => {
  it('pairs every editable file in order, even one the solution lacks', () => {
    expect(
      compareFiles(
        ['b.ts', 'a.ts'],
        { 'a.ts': 'mine a', 'b.ts': 'mine b' },
        { 'a.ts': 'ref a', 'x.ts': 'not editable' },
      ),
    ).toEqual([
      { name: 'b.ts', yours: 'mine b', solution: '' },
      { name: 'a.ts', yours: 'mine a', solution: 'ref a' },
    ]);
  });

  it('highlights JS and TS as TypeScript and the rest as plain text', () => {
    expect(languageOf('lines.ts')).toBe('typescript');
    expect(languageOf('server.mjs')).toBe('typescript');
    expect(languageOf('data.json')).toBe('plaintext');
    expect(languageOf('notes.txt')).toBe('plaintext');
  });
});

describe('messages when the solution cannot be loaded', () => {
  it('say what to do and that the code is safe', () => {
    const messages = [
      loadFailureMessage({ kind: 'offline' }),
      loadFailureMessage({ kind: 'http', status: 404 }),
      loadFailureMessage({ kind: 'http', status: 503 }),
      loadFailureMessage({ kind: 'invalid' }),
    ];
    for (const message of messages) expect(message).toMatch(/unchanged\.$/);
    expect(messages[0]).toMatch(/offline.*Check your connection/);
    expect(messages[1]).toMatch(/404.*Reload the page/);
    expect(messages[2]).toMatch(/503.*Try again/);
    expect(messages[3]).toMatch(/Reload the page/);
  });
});
