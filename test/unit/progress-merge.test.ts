/**
 * Importing merges, and never replaces newer work without asking: passes are a union keeping
 * the earliest date, a draft edited here after the file's is a conflict for the learner to
 * decide, settings already made here stay, and a refused write leaves everything as it was.
 */
import { describe, expect, it } from 'vitest';
import {
  applyImport,
  planImport,
  type KeyValueStore,
} from '../../src/components/progress/progress-transfer.ts';
import { PROGRESS_FORMAT, type ProgressFile } from '../../src/schemas/progress-file.ts';
import { MapStore } from '../fakes/map-store.ts';

const T = Date.UTC(2026, 11, 1);
const HOUR = 3_600_000;
const LINES = '04-streams/lines';
const PASSED = `workbench:v1:passed:${LINES}`;
const DRAFT = `workbench:v1:draft:${LINES}`;

function file(change: Partial<ProgressFile>): ProgressFile {
  return {
    format: PROGRESS_FORMAT,
    version: 1,
    exportedAt: new Date(T).toISOString(),
    passed: {},
    drafts: {},
    other: {},
    ...change,
  };
}

const draftOf = (code: string, savedAt: number) => ({ files: { 'lines.ts': code }, savedAt });
const stored = (store: KeyValueStore, key: string) => JSON.parse(store.getItem(key) ?? 'null');

function importInto(store: MapStore, imported: ProgressFile, choice = 'keep-mine' as const) {
  return applyImport(store, planImport(store, imported), choice);
}

describe('passes', () => {
  it('are a union: new ones are added, none removed', () => {
    const store = new MapStore({ 'workbench:v1:passed:01-bytes/a': String(T) });
    const outcome = importInto(store, file({ passed: { [LINES]: T + HOUR } }));
    expect(store.getItem('workbench:v1:passed:01-bytes/a')).toBe(String(T));
    expect(store.getItem(PASSED)).toBe(String(T + HOUR));
    expect(outcome).toMatchObject({ ok: true, passed: 1 });
  });

  it('keep the earliest date of the two', () => {
    const later = new MapStore({ [PASSED]: String(T + HOUR) });
    importInto(later, file({ passed: { [LINES]: T } }));
    expect(later.getItem(PASSED)).toBe(String(T));

    const earlier = new MapStore({ [PASSED]: String(T) });
    const outcome = importInto(earlier, file({ passed: { [LINES]: T + HOUR } }));
    expect(earlier.getItem(PASSED)).toBe(String(T));
    expect(outcome).toMatchObject({ ok: true, passed: 0 });
  });
});

describe('drafts', () => {
  it('are added where this browser has none, or an older one', () => {
    const store = new MapStore({ [DRAFT]: JSON.stringify(draftOf('old here', T)) });
    const pipes = 'workbench:v1:draft:04-streams/pipes';
    const plan = planImport(
      store,
      file({
        drafts: {
          [LINES]: draftOf('newer in file', T + HOUR),
          '04-streams/pipes': draftOf('p', T),
        },
      }),
    );
    expect(plan.conflicts).toEqual([]);
    expect(applyImport(store, plan, 'keep-mine')).toMatchObject({ ok: true, drafts: 2 });
    expect(stored(store, DRAFT)).toEqual(draftOf('newer in file', T + HOUR));
    expect(stored(store, pipes)).toEqual(draftOf('p', T));
  });

  it('edited here later than the file’s are conflicts, and "keep mine" keeps them', () => {
    const mine = draftOf('newer here', T + HOUR);
    const store = new MapStore({ [DRAFT]: JSON.stringify(mine) });
    const imported = draftOf('older in file', T);
    const plan = planImport(store, file({ drafts: { [LINES]: imported }, passed: { [LINES]: T } }));
    expect(plan.conflicts).toEqual([{ exerciseId: LINES, mine, imported }]);
    // Planning alone changes nothing.
    expect(stored(store, DRAFT)).toEqual(mine);
    expect(store.getItem(PASSED)).toBeNull();

    const outcome = applyImport(store, plan, 'keep-mine');
    expect(stored(store, DRAFT)).toEqual(mine);
    // The rest of the file is imported either way.
    expect(store.getItem(PASSED)).toBe(String(T));
    expect(outcome).toEqual({ ok: true, passed: 1, drafts: 0, other: 0, kept: 1 });
  });

  it('"use imported" replaces them, dated after the draft it replaces so open tabs take it up', () => {
    const store = new MapStore({ [DRAFT]: JSON.stringify(draftOf('newer here', T + HOUR)) });
    const outcome = importInto(
      store,
      file({ drafts: { [LINES]: draftOf('older', T) } }),
      'use-imported' as 'keep-mine',
    );
    expect(stored(store, DRAFT)).toEqual(draftOf('older', T + HOUR + 1));
    expect(outcome).toEqual({ ok: true, passed: 0, drafts: 1, other: 0, kept: 0 });
  });

  it('saved at the same moment with different code are a conflict too', () => {
    const store = new MapStore({ [DRAFT]: JSON.stringify(draftOf('this', T)) });
    expect(
      planImport(store, file({ drafts: { [LINES]: draftOf('that', T) } })).conflicts,
    ).toHaveLength(1);
  });

  it('with the same code as here are nothing to ask about or write', () => {
    const store = new MapStore({ [DRAFT]: JSON.stringify(draftOf('same', T + HOUR)) });
    const plan = planImport(store, file({ drafts: { [LINES]: draftOf('same', T) } }));
    expect(plan.conflicts).toEqual([]);
    expect(plan.writes.size).toBe(0);
  });

  it('replace a stored draft this release cannot read', () => {
    const store = new MapStore({ [DRAFT]: '{garbage' });
    importInto(store, file({ drafts: { [LINES]: draftOf('good', T) } }));
    expect(stored(store, DRAFT)).toEqual(draftOf('good', T));
  });
});

describe('other keys', () => {
  it('are added when missing; a setting made here stays', () => {
    const store = new MapStore({ 'workbench:v1:runner-mode': 'webcontainer' });
    importInto(store, file({ other: { 'runner-mode': 'local', 'hints:04-streams/lines': '2' } }));
    expect(store.getItem('workbench:v1:runner-mode')).toBe('webcontainer');
    expect(store.getItem('workbench:v1:hints:04-streams/lines')).toBe('2');
  });

  it('the last lesson is the later of the two', () => {
    const at = (href: string, when: number) => JSON.stringify({ href, at: when });
    const store = new MapStore({ 'workbench:v1:last-lesson': at('/learn/a/here/', T) });
    importInto(store, file({ other: { 'last-lesson': at('/learn/a/older/', T - HOUR) } }));
    expect(store.getItem('workbench:v1:last-lesson')).toBe(at('/learn/a/here/', T));
    importInto(store, file({ other: { 'last-lesson': at('/learn/a/newer/', T + HOUR) } }));
    expect(store.getItem('workbench:v1:last-lesson')).toBe(at('/learn/a/newer/', T + HOUR));
  });
});

describe('a refused write', () => {
  it('puts back everything already written and says nothing was imported', () => {
    const before = {
      [PASSED]: String(T + HOUR),
      [DRAFT]: JSON.stringify(draftOf('old', T)),
    };
    const store = new MapStore(before);
    // Room for the passes, not for the longer draft written after them.
    store.quota = [...store.map].reduce((sum, [k, v]) => sum + k.length + v.length, 0) + 50;
    const outcome = importInto(
      store,
      file({
        passed: { [LINES]: T, '01-bytes/a': T },
        drafts: { [LINES]: draftOf('a much longer new draft', T + HOUR) },
      }),
    );
    expect(outcome).toEqual({ ok: false, message: expect.stringMatching(/Nothing was imported/) });
    expect(Object.fromEntries(store.map)).toEqual(before);
  });
});
