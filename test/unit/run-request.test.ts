import { describe, expect, it } from 'vitest';
import { MAX_SUBMISSION_BYTES, validateRunRequest } from '../../src/runner/run-request.ts';

const exercises: Record<string, string[]> = { '04-streams/lines': ['lines.ts'] };
const editableFor = async (id: string) => exercises[id];

async function rejection(body: string) {
  const result = await validateRunRequest(body, editableFor);
  if (result.ok) throw new Error('expected a rejection');
  return result.rejection;
}

const body = (value: unknown) => JSON.stringify(value);

describe('validateRunRequest', () => {
  it('accepts a known exercise with its editable files', async () => {
    const result = await validateRunRequest(
      body({ exerciseId: '04-streams/lines', files: { 'lines.ts': 'export {}' } }),
      editableFor,
    );
    expect(result).toEqual({
      ok: true,
      request: { exerciseId: '04-streams/lines', files: { 'lines.ts': 'export {}' } },
    });
  });

  it('rejects malformed JSON with 400 and says what to send', async () => {
    const r = await rejection('{"exerciseId": ');
    expect(r).toMatchObject({ status: 400, code: 'bad-json' });
    expect(r.hint).toContain('exerciseId');
  });

  it.each([
    ['a missing files field', { exerciseId: '04-streams/lines' }],
    ['an extra field', { exerciseId: '04-streams/lines', files: {}, admin: true }],
    ['a malformed exercise id', { exerciseId: '../../etc', files: { 'lines.ts': '' } }],
    ['a path in a file name', { exerciseId: '04-streams/lines', files: { '../lines.ts': '' } }],
    ['a dot file', { exerciseId: '04-streams/lines', files: { '.npmrc': '' } }],
    ['a non-string file', { exerciseId: '04-streams/lines', files: { 'lines.ts': 42 } }],
  ])('rejects %s with 400', async (_case, value) => {
    expect(await rejection(body(value))).toMatchObject({ status: 400, code: 'bad-shape' });
  });

  it('rejects an unknown exercise with 404', async () => {
    const r = await rejection(body({ exerciseId: '04-streams/nope', files: { 'lines.ts': '' } }));
    expect(r).toMatchObject({ status: 404, code: 'unknown-exercise' });
  });

  it('rejects a file the exercise does not let the learner edit, naming the editable ones', async () => {
    const r = await rejection(
      body({ exerciseId: '04-streams/lines', files: { 'lines.test.ts': 'it.skip()' } }),
    );
    expect(r).toMatchObject({ status: 422, code: 'not-editable' });
    expect(r.message).toContain('lines.test.ts');
    expect(r.hint).toContain('lines.ts');
  });

  it('rejects an empty submission', async () => {
    const r = await rejection(body({ exerciseId: '04-streams/lines', files: {} }));
    expect(r).toMatchObject({ status: 422 });
  });

  it('rejects text that is not valid Unicode (a lone surrogate)', async () => {
    const r = await rejection('{"exerciseId":"04-streams/lines","files":{"lines.ts":"x\\ud800y"}}');
    expect(r).toMatchObject({ status: 422, code: 'bad-encoding' });
  });

  it('counts the limit in UTF-8 bytes, not characters', async () => {
    const justUnder = 'é'.repeat(MAX_SUBMISSION_BYTES / 2);
    const ok = await validateRunRequest(
      body({ exerciseId: '04-streams/lines', files: { 'lines.ts': justUnder } }),
      editableFor,
    );
    expect(ok.ok).toBe(true);
    const r = await rejection(
      body({ exerciseId: '04-streams/lines', files: { 'lines.ts': `${justUnder}é` } }),
    );
    expect(r).toMatchObject({ status: 413, code: 'too-large' });
  });

  it('rejects an oversized body before parsing it', async () => {
    const r = await rejection(`"${'x'.repeat(MAX_SUBMISSION_BYTES * 3)}"`);
    expect(r).toMatchObject({ status: 413, code: 'too-large' });
  });
});

describe('validateRunRequest limits the number of files', () => {
  it('rejects more files than any exercise has, before looking the exercise up', async () => {
    const files = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`f${i}.ts`, '']));
    const r = await rejection(JSON.stringify({ exerciseId: '04-streams/lines', files }));
    expect(r).toMatchObject({ status: 413, code: 'too-large' });
    expect(r.message).toContain('17 files');
  });
});
