import { parse, type TestCase, type TestSuite, type TestSuites } from 'junit2json';
import { describe, expect, it } from 'vitest';
import { escapeXml, toJUnitXml } from '../../src/grading/formats/junit.ts';
import type { GradedExercise } from '../../src/grading/graded.ts';
import { problemResult, type RunResult, type TestResult } from '../../src/runner/result.ts';

function run(status: RunResult['status'], tests: TestResult[], extra: Partial<RunResult> = {}) {
  return { version: 1, status, tests, durationMs: 1234, ...extra } satisfies RunResult;
}

function graded(id: string, result: RunResult, extra: Partial<GradedExercise> = {}) {
  return {
    id,
    result,
    testCode: {},
    weights: {},
    dir: `submissions/${id}`,
    editable: ['solution.ts'],
    testFiles: [],
    ...extra,
  } satisfies GradedExercise;
}

const HOSTILE_NAME = `echo <&"'\u0001 🚀`;
const HOSTILE_MESSAGE = `expected "<a & b>" to be 'c' \u0001 🚀\n  ]]> second line\r\nthird`;

const passing = graded(
  '01-demo/sum',
  run('pass', [
    { name: 'sum() > returns 0', status: 'pass', durationMs: 1.5 },
    { name: 'sum() > adds', status: 'pass', output: 'adding 2 + 3\n', durationMs: 2 },
  ]),
);

const partial = graded(
  '04-streams/lines',
  run('fail', [
    { name: 'lines() > splits', status: 'pass', durationMs: 3 },
    {
      name: 'lines() > joins',
      status: 'fail',
      message:
        "expected [ 'hello wo' ] to deeply equal [ 'hello world' ]\n\n- Expected\n+ Received",
      location: { file: 'lines.test.ts', line: 12, column: 5 },
      durationMs: 4,
    },
    {
      name: 'lines() > throws',
      status: 'fail',
      message: 'TypeError: chunk.split is not a function',
      durationMs: 1,
    },
  ]),
  { editable: ['lines.ts', 'helpers.ts'], dir: 'submissions/04-streams/lines/' },
);

const timedOut = graded(
  '04-streams/tee',
  problemResult(
    { code: 'time-limit', message: 'Timed out after 5 s.', hint: 'Look for a loop.' },
    {
      durationMs: 5000,
      tests: [
        { name: 'tee() > copies', status: 'pass', durationMs: 2 },
        {
          name: 'tee() > ends',
          status: 'timeout',
          message: 'Still running when the time limit of 5 s was reached.',
          durationMs: 5000,
        },
        {
          name: 'tee() > errors',
          status: 'skip',
          message: 'Not run: the run was stopped.',
          durationMs: 0,
        },
      ],
    },
  ),
);

const syntaxError = graded(
  '02-files/copy',
  problemResult(
    {
      code: 'syntax-error',
      message: 'Your code could not be parsed (copy.ts, line 3):\n\nExpected ";" but found "}"',
      hint: 'Fix the syntax at copy.ts:3:5, then run again.',
      location: { file: 'copy.ts', line: 3, column: 5 },
    },
    { durationMs: 80, output: 'loaded\n' },
  ),
);

const crashedAfterPassing = graded(
  '01-demo/exit',
  problemResult(
    {
      code: 'process-crashed',
      message: 'Your code called process.exit().',
      hint: 'Return instead.',
    },
    { tests: [{ name: 'exit() > returns', status: 'pass', durationMs: 1 }] },
  ),
);

const hostile = graded(
  '05-http/echo',
  run(
    'fail',
    [
      {
        name: HOSTILE_NAME,
        status: 'fail',
        message: HOSTILE_MESSAGE,
        output: `<&"'\u0001 🚀\u{FFFE}\uD800 lone`,
        durationMs: 1,
      },
    ],
    { output: 'printed outside tests\n' },
  ),
);

const all = [passing, partial, timedOut, syntaxError, crashedAfterPassing, hostile];

async function parsed(xml: string): Promise<TestSuites> {
  expect(xml).toMatch(/^<\?xml [^>]*\?>\n<testsuites[ >]/);
  const doc = await parse(xml);
  if (!doc) throw new Error('nothing parsed');
  return doc as TestSuites;
}

function suiteNamed(doc: TestSuites, name: string): TestSuite {
  const found = doc.testsuite?.find((s) => s.name === name);
  if (!found) throw new Error(`no suite ${name}`);
  return found;
}

function cases(suite: TestSuite): TestCase[] {
  return suite.testcase ?? [];
}

describe('toJUnitXml', () => {
  it('parses back with a JUnit parser, with every count right', async () => {
    const xml = toJUnitXml(all, { name: 'Course grading' });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    const doc = await parsed(xml);

    // 2 + 3 + 3 + 1 (could not run) + 2 (1 test + run stopped) + 1
    expect(doc).toMatchObject({ name: 'Course grading', tests: 12, failures: 3, errors: 3 });
    expect(doc.testsuite?.map((s) => [s.name, s.tests, s.failures, s.errors, s.skipped])).toEqual([
      ['01-demo/sum', 2, 0, 0, 0],
      ['04-streams/lines', 3, 2, 0, 0],
      ['04-streams/tee', 3, 0, 1, 1],
      ['02-files/copy', 1, 0, 1, 0],
      ['01-demo/exit', 2, 0, 1, 0],
      ['05-http/echo', 1, 1, 0, 0],
    ]);
  });

  it('writes times in seconds with three decimals, and names, classnames and files', async () => {
    const xml = toJUnitXml([passing, partial]);
    expect(xml).toContain('time="0.002"');
    expect(xml).toContain('<testsuite name="01-demo/sum" tests="2" failures="0" errors="0"');
    expect(xml).toMatch(/<testsuites name="Node Internals Workbench" [^>]*time="2\.468"/);
    const doc = await parsed(xml);
    const [first] = cases(suiteNamed(doc, '01-demo/sum'));
    expect(first).toMatchObject({
      name: 'sum() > returns 0',
      classname: '01-demo.sum',
      time: 0.002,
    });
    expect(xml).toContain('file="submissions/01-demo/sum/solution.ts"');
    expect(xml).toContain('file="submissions/04-streams/lines/lines.ts"');
    expect(cases(suiteNamed(doc, '01-demo/sum'))[1]?.['system-out']).toEqual(['adding 2 + 3\n']);
  });

  it('keeps failure messages whole: first line as the attribute, all of it as the text', async () => {
    const doc = await parsed(toJUnitXml([partial]));
    const [, joins, throws] = cases(suiteNamed(doc, '04-streams/lines'));
    expect(joins?.failure).toEqual([
      {
        message: "expected [ 'hello wo' ] to deeply equal [ 'hello world' ]",
        type: 'AssertionError',
        inner:
          "expected [ 'hello wo' ] to deeply equal [ 'hello world' ]\n\n- Expected\n+ Received",
      },
    ]);
    expect(throws?.failure?.[0]).toMatchObject({ type: 'TypeError' });
  });

  it('reports timeouts as errors and tests that never ran as skipped', async () => {
    const doc = await parsed(toJUnitXml([timedOut]));
    const [copies, ends, errors] = cases(suiteNamed(doc, '04-streams/tee'));
    expect(copies).not.toHaveProperty('error');
    expect(ends?.error).toEqual([
      {
        message: 'Still running when the time limit of 5 s was reached.',
        type: 'timeout',
        inner: 'Still running when the time limit of 5 s was reached.',
      },
    ]);
    expect(errors?.skipped).toEqual([{ message: 'Not run: the run was stopped.' }]);
  });

  it('gives an exercise that could not run one errored testcase with message and hint', async () => {
    const doc = await parsed(toJUnitXml([syntaxError]));
    const only = cases(suiteNamed(doc, '02-files/copy'));
    expect(only).toHaveLength(1);
    expect(only[0]).toMatchObject({
      name: '(exercise could not run)',
      classname: '02-files.copy',
      time: 0.08,
      'system-out': ['loaded\n'],
    });
    expect(only[0]?.error?.[0]).toEqual({
      message: 'Your code could not be parsed (copy.ts, line 3):',
      type: 'error',
      inner:
        'Your code could not be parsed (copy.ts, line 3):\n\nExpected ";" but found "}"\n\n' +
        'Fix the syntax at copy.ts:3:5, then run again.',
    });
  });

  it('adds an errored testcase when a run failed after tests passed, so CI is not green', async () => {
    const doc = await parsed(toJUnitXml([crashedAfterPassing]));
    const [returns, stopped] = cases(suiteNamed(doc, '01-demo/exit'));
    expect(returns).not.toHaveProperty('error');
    expect(stopped).toMatchObject({ name: '(exercise run stopped)' });
    expect(stopped?.error?.[0]?.message).toBe('Your code called process.exit().');
  });

  it('escapes XML-hostile characters and drops those XML cannot carry', async () => {
    const xml = toJUnitXml([hostile]);
    // eslint-disable-next-line no-control-regex -- a raw control character is what must be absent
    expect(xml).not.toMatch(/[\u0001\uFFFE]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(xml).not.toContain(']]>');
    const doc = await parsed(xml);
    const suite = suiteNamed(doc, '05-http/echo');
    const [test] = cases(suite);
    expect(test?.name).toBe(`echo <&"' 🚀`);
    expect(test?.failure?.[0]).toEqual({
      message: `expected "<a & b>" to be 'c'  🚀`,
      type: 'AssertionError',
      inner: `expected "<a & b>" to be 'c'  🚀\n  ]]> second line\r\nthird`,
    });
    expect(test?.['system-out']).toEqual([`<&"' 🚀 lone`]);
    expect(suite['system-out']).toEqual(['printed outside tests\n']);
  });

  it('adds a timestamp only when asked, in the format JUnit readers expect', async () => {
    expect(toJUnitXml([passing])).not.toContain('timestamp=');
    const doc = await parsed(
      toJUnitXml([passing], { timestamp: new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678)) }),
    );
    expect(doc.testsuite?.[0]?.timestamp).toBe('2025-01-02T03:04:05');
  });

  it('produces a valid empty report', async () => {
    expect(await parsed(toJUnitXml([]))).toMatchObject({ tests: 0, failures: 0, errors: 0 });
  });
});

describe('escapeXml', () => {
  it('escapes markup and keeps newlines in attributes as references', () => {
    expect(escapeXml(`a<b>&"c"'d'\n\te\r`)).toBe(
      'a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#10;&#9;e&#13;',
    );
  });

  it('keeps emoji and drops unpaired surrogates and control characters', () => {
    expect(escapeXml('🚀\uDC00x\u0000\u000By\u000C\u001F\uFFFF')).toBe('🚀xy');
  });
});
