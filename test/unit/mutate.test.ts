import { describe, expect, it } from 'vitest';
import { scoreReport } from '../../src/grading/mutate.ts';

const at = (line: number) => ({ start: { line, column: 3 } });

describe('scoreReport', () => {
  const report = {
    files: {
      'lines.ts': {
        mutants: [
          {
            mutatorName: 'EqualityOperator',
            replacement: 'a <= b',
            status: 'Killed',
            location: at(4),
          },
          { mutatorName: 'BlockStatement', replacement: '{}', status: 'Timeout', location: at(5) },
          { mutatorName: 'StringLiteral', replacement: '""', status: 'Survived', location: at(9) },
          {
            mutatorName: 'ConditionalExpression',
            replacement: 'true',
            status: 'NoCoverage',
            location: at(12),
          },
          {
            mutatorName: 'ArithmeticOperator',
            replacement: 'a - b',
            status: 'CompileError',
            location: at(13),
          },
        ],
      },
    },
  };

  it('counts timeouts as killed, code no test runs as survived, and leaves out mutants that never ran', () => {
    const score = scoreReport('04-streams/lines', report, []);
    expect(score).toMatchObject({ killed: 2, equivalent: 0, invalid: 1 });
    expect(score.survived.map((s) => `${s.file}:${s.line} ${s.mutator}`)).toEqual([
      'lines.ts:9 StringLiteral',
      'lines.ts:12 ConditionalExpression',
    ]);
    expect(score.score).toBe(0.5);
  });

  it('does not count a survivor listed as equivalent, matched by file, line, mutator and replacement', () => {
    const score = scoreReport('04-streams/lines', report, [
      {
        file: 'lines.ts',
        line: 9,
        mutator: 'StringLiteral',
        reason: 'only the error text changes',
      },
      {
        file: 'lines.ts',
        line: 12,
        mutator: 'ConditionalExpression',
        replacement: 'false',
        reason: 'a different replacement on that line',
      },
    ]);
    expect(score.equivalent).toBe(1);
    expect(score.survived.map((s) => s.line)).toEqual([12]);
    expect(score.score).toBeCloseTo(2 / 3);
  });
});
