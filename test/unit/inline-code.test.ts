import { describe, expect, it } from 'vitest';
import { splitInlineCode } from '../../src/components/exercise/inline-code.ts';

describe('splitInlineCode()', () => {
  it('turns text between backticks into code parts', () => {
    expect(splitInlineCode('Start it with `npm start` in the project folder.')).toEqual([
      { text: 'Start it with ', code: false },
      { text: 'npm start', code: true },
      { text: ' in the project folder.', code: false },
    ]);
  });

  it('handles code at either end and several spans', () => {
    expect(splitInlineCode('`a` and `b`')).toEqual([
      { text: 'a', code: true },
      { text: ' and ', code: false },
      { text: 'b', code: true },
    ]);
  });

  it('leaves a lone or empty backtick pair as text', () => {
    expect(splitInlineCode('a ` b')).toEqual([{ text: 'a ` b', code: false }]);
    expect(splitInlineCode('a `` b')).toEqual([{ text: 'a `` b', code: false }]);
  });
});
