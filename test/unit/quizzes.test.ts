import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitInlineCode, withoutBackticks } from '../../src/components/quiz/quiz-text.ts';
import { readLessonQuizzes } from '../../src/grading/lessons.ts';
import { readQuizzes } from '../../src/grading/quizzes.ts';

const FRONTMATTER = '---\ntitle: A lesson\n---\n\nSome text.\n\n';

const RIGHT = "{ text: '`9`', correct: true, why: 'subarray is a view onto the same memory.' }";
const WRONG = "{ text: 'What it was', why: 'That is what a copy made with slice would give.' }";

function lesson(...quizzes: string[]): string {
  return FRONTMATTER + quizzes.join('\n\n') + '\n';
}

function quiz(id: string, options: string, children = ''): string {
  const open = `<Quiz\n  id="${id}"\n  question="After \`b[0] = 9\`, what is \`a[0]\`?"\n  options={[\n    ${options}\n  ]}\n`;
  return children ? `${open}>\n\n${children}\n\n</Quiz>` : `${open}/>`;
}

const SNIPPET = "```ts runnable\nconsole.log(Buffer.from('é').length);\n```";

describe('readQuizzes', () => {
  it('reads a valid multiple-choice quiz and a predict quiz with its snippet', () => {
    const { quizzes, problems } = readQuizzes(
      lesson(
        quiz('shares-memory', `${RIGHT},\n    ${WRONG}`),
        quiz('utf8-length', `${WRONG}, ${RIGHT}`, SNIPPET),
      ),
    );
    expect(problems).toEqual([]);
    expect(quizzes.map((q) => [q.id, q.line, q.quiz?.options.length])).toEqual([
      ['shares-memory', 7, 2],
      ['utf8-length', 16, 2],
    ]);
    expect(quizzes[0]?.quiz?.options[0]).toEqual({
      text: '`9`',
      correct: true,
      why: 'subarray is a view onto the same memory.',
    });
    expect(quizzes[0]?.snippet).toBeUndefined();
    expect(quizzes[1]?.snippet).toEqual({
      source: "console.log(Buffer.from('é').length);",
      line: 24,
    });
  });

  it('rejects two correct options', () => {
    const { problems } = readQuizzes(lesson(quiz('two', `${RIGHT}, ${RIGHT}, ${WRONG}`)));
    expect(problems).toEqual([
      {
        line: 7,
        message:
          'Quiz "two": options: 2 options have correct: true; mark exactly one option as the right answer.',
        hint: expect.stringContaining('docs/authoring.md'),
      },
    ]);
  });

  it('rejects a quiz with no correct option', () => {
    const { problems } = readQuizzes(lesson(quiz('none', `${WRONG}, ${WRONG}`)));
    expect(problems.map((p) => p.message)).toEqual([
      'Quiz "none": options: No option has correct: true; mark exactly one option as the right answer.',
    ]);
  });

  it('rejects an option without a why, or with a why too short to explain anything', () => {
    const { problems } = readQuizzes(
      lesson(quiz('no-why', `${RIGHT}, { text: 'Zero' }, { text: 'One', why: 'Nope.' }`)),
    );
    expect(problems.map((p) => p.message)).toEqual([
      'Quiz "no-why": options[1].why: The explanation (why) is missing; it is required.',
      'Quiz "no-why": options[2].why: The explanation (why) needs at least 10 characters.',
    ]);
  });

  it('rejects a duplicate id, naming the line of the first one', () => {
    const { problems } = readQuizzes(
      lesson(quiz('same', `${RIGHT}, ${WRONG}`), quiz('same', `${WRONG}, ${RIGHT}`)),
    );
    expect(problems).toEqual([
      {
        line: 15,
        message: 'Quiz "same": the id is already used by the quiz on line 7',
        hint: expect.any(String),
      },
    ]);
  });

  it('rejects options that are not a literal, with the line of the offending piece', () => {
    const text = lesson(
      `export const why = 'Because it is a view.';\n\n` +
        quiz('computed', `${RIGHT},\n    { text: 'Zero', why }`),
    );
    const { quizzes, problems } = readQuizzes(text);
    expect(quizzes[0]?.quiz).toBeUndefined();
    expect(problems).toEqual([
      {
        line: 14,
        message:
          'Quiz "computed": options={...} must be a literal, but it contains a shorthand property (a variable)',
        hint: expect.stringContaining('plain strings'),
      },
    ]);
    expect(
      readQuizzes(lesson(quiz('call', `${RIGHT}, { text: String(1), why: 'a call is code.' }`)))
        .problems[0]?.message,
    ).toBe('Quiz "call": options={...} must be a literal, but it contains a CallExpression');
  });

  it('rejects a predict quiz whose child is not a runnable code block', () => {
    const plain = readQuizzes(
      lesson(quiz('plain-code', `${RIGHT}, ${WRONG}`, '```ts\nconsole.log(1);\n```')),
    );
    expect(plain.problems).toEqual([
      {
        line: 15,
        message: expect.stringMatching(
          /^Quiz "plain-code": holds content that is not a single runnable code block/,
        ),
        hint: expect.any(String),
      },
    ]);
    expect(plain.quizzes[0]?.snippet).toBeUndefined();
    const prose = readQuizzes(lesson(quiz('prose', `${RIGHT}, ${WRONG}`, 'What does it print?')));
    expect(prose.problems.map((p) => p.line)).toEqual([15]);
    const extra = readQuizzes(
      lesson(quiz('two-blocks', `${RIGHT}, ${WRONG}`, `${SNIPPET}\n\nAnd then?`)),
    );
    expect(extra.problems).toHaveLength(1);
  });

  it('rejects a bad id, too few options and an unmatched backtick', () => {
    const { problems } = readQuizzes(
      lesson(quiz('Not_Kebab', "{ text: 'one `tick', correct: true, why: 'long enough here.' }")),
    );
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^Quiz "Not_Kebab": id: A quiz id is kebab-case/),
      'Quiz "Not_Kebab": options[0].text: An option text has an unmatched backtick; backticks mark inline code and come in pairs.',
      'Quiz "Not_Kebab": options: A quiz needs 2 to 5 options.',
    ]);
  });

  it('reports MDX that does not parse instead of throwing', () => {
    const { problems } = readQuizzes(`${FRONTMATTER}<Quiz id="x" options={[ />\n`);
    expect(problems).toEqual([
      { message: expect.stringMatching(/^is not valid MDX/), hint: expect.any(String) },
    ]);
  });
});

describe('readLessonQuizzes', () => {
  it('names the lesson file of every problem', async () => {
    const root = mkdtempSync(join(tmpdir(), 'workbench-quizzes-'));
    try {
      mkdirSync(join(root, 'content', 'lessons', '01-demo'), { recursive: true });
      writeFileSync(
        join(root, 'content', 'lessons', '01-demo', '01-intro.mdx'),
        lesson(quiz('none', `${WRONG}, ${WRONG}`)),
      );
      const lessons = await readLessonQuizzes(root);
      expect(lessons.map((l) => [l.file, l.problems.map((p) => p.line)])).toEqual([
        [join('content', 'lessons', '01-demo', '01-intro.mdx'), [7]],
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('quiz text', () => {
  it('splits backtick spans into code and strips them for comparing with output', () => {
    expect(splitInlineCode('What is `a[0]` now?')).toEqual([
      { text: 'What is ', code: false },
      { text: 'a[0]', code: true },
      { text: ' now?', code: false },
    ]);
    expect(splitInlineCode('`<b>`')).toEqual([{ text: '<b>', code: true }]);
    expect(withoutBackticks('`1 2`')).toBe('1 2');
  });
});
