import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dedent, extractTestCode, testNamesInOrder } from '../../src/grading/test-code.ts';

const NESTED = `import { describe, expect, it, test } from 'vitest';

it('top level', () => {
  expect(1).toBe(1);
});

describe('outer', () => {
  describe(\`inner\`, () => {
    it('deep test', async () => {
      const value = await Promise.resolve(2);
      if (value > 1) {
        expect(value).toBe(2);
      }
    });
  });

  test(\`template title\`, function () {
    expect(true).toBe(true);
  });

  it('expression body', () => expect(1 + 1).toBe(2));

  it('multi-line expression body', () =>
    expect({
      a: 1,
    }).toEqual({ a: 1 }));

  it('takes options before the callback', { timeout: 100 }, () => {
    expect(3).toBe(3);
  });

  it.only('with a modifier', () => {
    expect(4).toBe(4);
  });
});
`;

describe('extractTestCode', () => {
  it('names tests as vitest does, through any number of describes', () => {
    expect(testNamesInOrder(NESTED, 'nested.test.ts')).toEqual([
      'top level',
      'outer > inner > deep test',
      'outer > template title',
      'outer > expression body',
      'outer > multi-line expression body',
      'outer > takes options before the callback',
      'outer > with a modifier',
    ]);
  });

  it('keeps the body inside the braces, dedented, nested blocks included', () => {
    const code = extractTestCode(NESTED, 'nested.test.ts');
    expect(code['top level']).toBe('expect(1).toBe(1);');
    expect(code['outer > inner > deep test']).toBe(
      [
        'const value = await Promise.resolve(2);',
        'if (value > 1) {',
        '  expect(value).toBe(2);',
        '}',
      ].join('\n'),
    );
    expect(code['outer > template title']).toBe('expect(true).toBe(true);');
    expect(code['outer > takes options before the callback']).toBe('expect(3).toBe(3);');
  });

  it('keeps the expression of an expression-bodied arrow, dedented like a block', () => {
    const code = extractTestCode(NESTED, 'nested.test.ts');
    expect(code['outer > expression body']).toBe('expect(1 + 1).toBe(2)');
    expect(code['outer > multi-line expression body']).toBe(
      ['expect({', '  a: 1,', '}).toEqual({ a: 1 })'].join('\n'),
    );
  });

  it('skips titles that are not literals, with everything under such a describe', () => {
    const source = `
const name = 'dynamic';
describe(name, () => {
  it('hidden', () => {});
});
describe('visible', () => {
  it(\`with \${name}\`, () => {});
  it.each([1, 2])('case %i', (n) => {});
  it('kept', () => {});
});
`;
    expect(testNamesInOrder(source, 'dynamic.test.ts')).toEqual(['visible > kept']);
  });

  it('keeps the first body when two tests share a name, and is safe for any name', () => {
    const source = `
it('twice', () => { first(); });
it('twice', () => { second(); });
it('__proto__', () => { proto(); });
`;
    const code = extractTestCode(source, 'dup.test.ts');
    expect(code['twice']).toBe('first();');
    expect(Object.hasOwn(code, '__proto__')).toBe(true);
    expect(code['__proto__']).toBe('proto();');
    expect(testNamesInOrder(source, 'dup.test.ts')).toEqual(['twice', 'twice', '__proto__']);
  });

  it('finds the names vitest reported for the recorded sum exercise', () => {
    const artifacts = JSON.parse(
      readFileSync('test/fixtures/vitest-reports/fail/assertion/artifacts.json', 'utf8'),
    ) as { events: string };
    const reported = artifacts.events
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as { type: string; tests?: Array<{ name: string }> })
      .flatMap((event) => (event.type === 'collected' ? (event.tests ?? []) : []))
      .map((test) => test.name);
    const file = 'test/fixtures/course/exercises/01-demo/sum/sum.test.ts';
    const source = readFileSync(file, 'utf8');

    expect(reported).toHaveLength(3);
    expect(testNamesInOrder(source, file)).toEqual(reported);
    expect(extractTestCode(source, file)['sum() > adds two numbers']).toBe(
      "console.log('adding 2 + 3');\nexpect(sum([2, 3]), 'sum of 2 and 3').toBe(5);",
    );
  });

  it('reads the real lines() tests', () => {
    const file = 'exercises/04-streams/lines/lines.test.ts';
    const source = readFileSync(file, 'utf8');
    const names = testNamesInOrder(source, file);
    const code = extractTestCode(source, file);

    // Every `it(` of the file, counted plainly, so adding a test to the exercise keeps this true.
    expect(names).toHaveLength(source.match(/^\s*it\(/gm)?.length ?? -1);
    expect(names.every((name) => name.startsWith('lines() > '))).toBe(true);
    expect(names).toContain('lines() > joins a line that is split across two chunks');
    expect(Object.keys(code)).toEqual(names);
    const body = code['lines() > handles many lines fed one byte at a time'] ?? '';
    expect(body.startsWith('const expected = Array.from(')).toBe(true);
    expect(body.endsWith(").toBe('none');")).toBe(true);
    // Dedented: the body's own lines start at column 0, its nested lines stay indented.
    expect(body.split('\n').some((line) => line.startsWith('  firstDifference('))).toBe(true);
    expect(body).not.toMatch(/^ {4}const/m);
  });
});

describe('dedent', () => {
  it('removes only the shared indentation, ignoring blank lines', () => {
    expect(dedent('\n    a\n\n      b\n    c\n  ')).toBe('a\n\n  b\nc');
  });
});
