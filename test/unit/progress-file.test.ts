/**
 * The progress file: what Export writes, and what Import accepts. A file that is not ours, from
 * a newer release, damaged or too big is refused with a message saying what to do.
 */
import { describe, expect, it } from 'vitest';
import {
  collectProgress,
  exportFileName,
  readProgressFile,
} from '../../src/components/progress/progress-transfer.ts';
import {
  PROGRESS_FORMAT,
  PROGRESS_MAX_BYTES,
  type ProgressFile,
} from '../../src/schemas/progress-file.ts';
import { MapStore } from '../fakes/map-store.ts';

const DAY = Date.UTC(2026, 11, 1, 9, 30);
const draft = (code: string, savedAt: number) =>
  JSON.stringify({ files: { 'lines.ts': code }, savedAt });

function read(file: unknown) {
  const text = JSON.stringify(file);
  return readProgressFile(text, text.length);
}

function validFile(): ProgressFile {
  return {
    format: PROGRESS_FORMAT,
    version: 1,
    exportedAt: new Date(DAY).toISOString(),
    passed: { '04-streams/lines': DAY },
    drafts: { '04-streams/lines': { files: { 'lines.ts': 'mine' }, savedAt: DAY } },
    other: { 'runner-mode': 'local' },
  };
}

describe('export', () => {
  it('holds every workbench:v1 key: passes, drafts and the rest as stored', () => {
    const store = new MapStore({
      'workbench:v1:passed:04-streams/lines': String(DAY),
      'workbench:v1:draft:04-streams/lines': draft('mine', DAY + 1),
      'workbench:v1:runner-mode': 'local',
      'workbench:v1:hints:04-streams/lines': '2',
      'workbench:v1:quiz:01-bytes/what-is-a-byte': '{"q1":"b"}',
      'workbench:v1:last-lesson': JSON.stringify({ href: '/learn/04-streams/x/', at: DAY }),
      'someone-else': 'not ours',
    });
    const file = collectProgress(store, new Date(DAY + 5));
    expect(file).toEqual({
      format: 'node-internals-workbench/progress',
      version: 1,
      exportedAt: '2026-12-01T09:30:00.005Z',
      passed: { '04-streams/lines': DAY },
      drafts: { '04-streams/lines': { files: { 'lines.ts': 'mine' }, savedAt: DAY + 1 } },
      other: {
        'runner-mode': 'local',
        'hints:04-streams/lines': '2',
        'quiz:01-bytes/what-is-a-byte': '{"q1":"b"}',
        'last-lesson': JSON.stringify({ href: '/learn/04-streams/x/', at: DAY }),
      },
    });
    // And it imports back as it is.
    expect(read(file)).toEqual({ ok: true, file });
  });

  it('leaves out what this machine found about itself and what it cannot read', () => {
    const store = new MapStore({
      'workbench:v1:webcontainer-failure': '{"reason":"offline","at":1}',
      'workbench:v1:draft:04-streams/lines': '{not json',
      'workbench:v1:draft:04-streams/empty': JSON.stringify({ files: { 'a.ts': 1 }, savedAt: DAY }),
      'workbench:v1:passed:04-streams/lines': 'yesterday',
      'workbench:v1:runner-mode': 'on the moon',
    });
    const file = collectProgress(store, new Date(DAY));
    expect(file.passed).toEqual({});
    expect(file.drafts).toEqual({});
    expect(file.other).toEqual({});
    expect(read(file).ok).toBe(true);
  });

  it('keeps the code of a draft saved without a usable date, as the oldest possible', () => {
    const store = new MapStore({
      'workbench:v1:draft:04-streams/lines': JSON.stringify({ files: { 'lines.ts': 'old' } }),
      'workbench:v1:draft:04-streams/pipes': draft('older', 5),
    });
    const undated = Date.UTC(2020, 0, 1);
    expect(collectProgress(store).drafts).toEqual({
      '04-streams/lines': { files: { 'lines.ts': 'old' }, savedAt: undated },
      '04-streams/pipes': { files: { 'lines.ts': 'older' }, savedAt: undated },
    });
  });

  it('names the file by the local date', () => {
    expect(exportFileName(new Date(2026, 0, 5, 23, 59))).toBe('workbench-progress-2026-01-05.json');
  });
});

describe('import checks', () => {
  it('accepts a valid file', () => {
    expect(read(validFile())).toEqual({ ok: true, file: validFile() });
  });

  it('refuses a file that is not JSON', () => {
    const outcome = readProgressFile('PK\u0003\u0004 zip', 10);
    expect(outcome).toEqual({ ok: false, message: expect.stringMatching(/not JSON/) });
    expect(outcome.ok || outcome.message).toMatch(/Nothing was imported/);
  });

  it('refuses JSON that is not a progress file', () => {
    for (const other of [[], null, 42, { name: 'package' }, { ...validFile(), format: 'x' }]) {
      expect(read(other)).toEqual({
        ok: false,
        message: expect.stringMatching(/not a Workbench progress file/),
      });
    }
  });

  it('refuses a file from a newer release, saying so', () => {
    expect(read({ ...validFile(), version: 2, somethingNew: true })).toEqual({
      ok: false,
      message: expect.stringMatching(/newer version of the Workbench \(file format version 2/),
    });
  });

  it('refuses a file too big, before parsing it', () => {
    expect(readProgressFile('{}', PROGRESS_MAX_BYTES + 1)).toEqual({
      ok: false,
      message: expect.stringMatching(/too big for a progress file/),
    });
    expect(read(validFile()).ok).toBe(true);
  });

  it.each([
    ['a draft without files', { drafts: { '04-streams/lines': { files: {}, savedAt: DAY } } }],
    [
      'a draft with a non-string file',
      { drafts: { '04-streams/lines': { files: { x: 1 }, savedAt: DAY } } },
    ],
    ['a pass dated as text', { passed: { '04-streams/lines': 'today' } }],
    ['a pass from 1970', { passed: { '04-streams/lines': 5 } }],
    ['an exercise id that is a path', { passed: { '../../etc': DAY } }],
    ['an unknown runner mode', { other: { 'runner-mode': 'cloud' } }],
    ['a last lesson on another site', { other: { 'last-lesson': '{"href":"//evil","at":1}' } }],
    ['a pass hidden among the other keys', { other: { 'passed:04-streams/lines': '1' } }],
    ['an unknown field', { extra: true }],
  ])('refuses a damaged file: %s', (_, change) => {
    expect(read({ ...validFile(), ...change })).toEqual({
      ok: false,
      message: expect.stringMatching(/damaged \(".+"|damaged \(the file/),
    });
  });

  it('keeps unknown keys of colleagues’ features (hints, quiz answers) as strings', () => {
    const file = { ...validFile(), other: { 'quiz:01-bytes/q': '{"a":1}', 'hints:x/y': '3' } };
    expect(read(file)).toEqual({ ok: true, file });
  });
});
