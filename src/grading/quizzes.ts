/**
 * Reads every `<Quiz>` of a lesson statically, for the course check and the examples test: the
 * MDX is parsed with satteri (the parser the site's MDX integration uses), the `options`
 * expression is evaluated from its syntax tree (literals only; nothing in a lesson is executed),
 * and the props are validated with the schema the component uses at build time.
 */
import { parseExpressionAt, type Node as AcornNode } from 'acorn';
import { mdxToMdast, type MdastNode } from 'satteri';
import { describeQuizIssues, quizSchema, type Quiz } from '../schemas/quiz.ts';

export interface QuizProblem {
  line?: number;
  message: string;
  hint: string;
}

export interface LessonQuiz {
  /** The id as written, when there is one (also for an invalid quiz). */
  id?: string;
  line: number;
  /** The validated quiz; absent when its props are invalid. */
  quiz?: Quiz;
  /** The runnable block of a predict-the-output quiz. */
  snippet?: { source: string; line: number };
}

export interface LessonQuizzes {
  quizzes: LessonQuiz[];
  problems: QuizProblem[];
}

const HINT = 'See "Quizzes" in docs/authoring.md for the props and rules.';

/** Thrown for the first piece of an expression that is not a literal. */
class NotLiteral extends Error {
  readonly node: AcornNode;
  constructor(node: AcornNode, what: string) {
    super(what);
    this.node = node;
  }
}

/** A plain object or array of strings, numbers, booleans and null; anything else throws. */
function literalValue(node: AcornNode): unknown {
  const n = node as AcornNode & Record<string, unknown>;
  switch (node.type) {
    case 'Literal':
      if ('regex' in n || 'bigint' in n)
        throw new NotLiteral(node, 'a regular expression or BigInt');
      return n['value'];
    case 'TemplateLiteral': {
      const quasis = n['quasis'] as Array<{ value: { cooked: string | null } }>;
      if ((n['expressions'] as unknown[]).length > 0)
        throw new NotLiteral(node, 'a template literal with ${} in it');
      return quasis[0]?.value.cooked ?? '';
    }
    case 'UnaryExpression':
      if (n['operator'] === '-' && (n['argument'] as AcornNode).type === 'Literal') {
        const value = literalValue(n['argument'] as AcornNode);
        if (typeof value === 'number') return -value;
      }
      throw new NotLiteral(node, `the operator ${String(n['operator'])}`);
    case 'ArrayExpression':
      return (n['elements'] as Array<AcornNode | null>).map((element) => {
        if (element === null) throw new NotLiteral(node, 'an array with a hole in it');
        if (element.type === 'SpreadElement') throw new NotLiteral(element, 'a spread (...)');
        return literalValue(element);
      });
    case 'ObjectExpression': {
      const object: Record<string, unknown> = {};
      for (const property of n['properties'] as Array<AcornNode & Record<string, unknown>>) {
        if (property.type !== 'Property') throw new NotLiteral(property, 'a spread (...)');
        if (property['computed'] || property['method'] || property['kind'] !== 'init')
          throw new NotLiteral(property, 'a computed key, method, getter or setter');
        if (property['shorthand'])
          throw new NotLiteral(property, 'a shorthand property (a variable)');
        const key = property['key'] as AcornNode & { name?: string; value?: unknown };
        const name = key.type === 'Identifier' ? key.name : String(key.value);
        object[name ?? ''] = literalValue(property['value'] as AcornNode);
      }
      return object;
    }
    case 'Identifier':
      if ((n['name'] as string) === 'undefined') return undefined;
      throw new NotLiteral(node, `the variable ${String(n['name'])}`);
    default:
      throw new NotLiteral(node, `a ${node.type}`);
  }
}

const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

interface JsxAttribute {
  type: string;
  name?: string;
  value?: string | null | { type: string; value: string };
}

/** One quiz element: its props as literals, or the problems that stop us reading them. */
function readQuiz(node: MdastNode, text: string): { quiz: LessonQuiz; problems: QuizProblem[] } {
  const start = node.position?.start.offset ?? 0;
  const end = node.position?.end.offset ?? text.length;
  const line = node.position?.start.line ?? 1;
  const source = text.slice(start, end);
  const problems: QuizProblem[] = [];
  const props: Record<string, unknown> = {};
  const attributes = ((node as { attributes?: JsxAttribute[] }).attributes ?? []).filter(
    (a): a is JsxAttribute => a !== undefined,
  );
  for (const attribute of attributes) {
    if (attribute.type !== 'mdxJsxAttribute' || attribute.name === undefined) {
      problems.push({
        line,
        message: 'spreads props into <Quiz> ({...}); the check cannot read them',
        hint: `Write id, question and options as props of their own. ${HINT}`,
      });
      continue;
    }
    const value = attribute.value;
    if (value === null || value === undefined) props[attribute.name] = true;
    else if (typeof value === 'string') props[attribute.name] = value;
    else {
      // The expression's place in the file, for a line number in the problem.
      const at = source.search(new RegExp(`\\b${attribute.name}\\s*=\\s*\\{`));
      const exprStart = start + (at < 0 ? 0 : source.indexOf('{', at) + 1);
      try {
        const expression = parseExpressionAt(value.value, 0, { ecmaVersion: 'latest' });
        if (value.value.slice(expression.end).trim() !== '')
          throw new SyntaxError('more than one expression');
        props[attribute.name] = literalValue(expression);
      } catch (error) {
        const node = error instanceof NotLiteral ? error.node : undefined;
        problems.push({
          line: lineAt(text, exprStart + (node?.start ?? 0)),
          message:
            error instanceof NotLiteral
              ? `${attribute.name}={...} must be a literal, but it contains ${error.message}`
              : `${attribute.name}={...} is not a valid expression (${(error as Error).message})`,
          hint: `Write ${attribute.name} as plain strings, true, arrays and objects, so it can be checked without running the lesson. ${HINT}`,
        });
      }
    }
  }
  const id = typeof props['id'] === 'string' ? props['id'] : undefined;
  const quiz: LessonQuiz = { line, ...(id === undefined ? {} : { id }) };
  if (problems.length === 0) {
    const parsed = quizSchema.safeParse(props);
    if (parsed.success) quiz.quiz = parsed.data;
    else
      for (const issue of describeQuizIssues(parsed.error))
        problems.push({ line, message: issue, hint: HINT });
  }

  const children = (node as { children?: MdastNode[] }).children ?? [];
  if (children.length > 0) {
    const code = children[0] as MdastNode & { lang?: string; meta?: string; value?: string };
    const runnable =
      children.length === 1 &&
      code.type === 'code' &&
      (code.meta ?? '').split(/\s+/).includes('runnable');
    if (runnable) {
      quiz.snippet = { source: code.value ?? '', line: code.position?.start.line ?? line };
    } else {
      problems.push({
        line: children[0]?.position?.start.line ?? line,
        message:
          'holds content that is not a single runnable code block; a predict-the-output quiz holds exactly one ```ts runnable block, a multiple-choice quiz nothing',
        hint: 'Put only the ```ts runnable block inside <Quiz>...</Quiz>, with a blank line before and after it, and the question and options in the props.',
      });
    }
  }
  return { quiz, problems };
}

function* quizElements(node: MdastNode): Generator<MdastNode> {
  const named = node as { type: string; name?: string | null };
  if (
    (named.type === 'mdxJsxFlowElement' || named.type === 'mdxJsxTextElement') &&
    named.name === 'Quiz'
  ) {
    yield node;
    return; // a quiz inside a quiz is reported as content that is not a code block
  }
  for (const child of (node as { children?: MdastNode[] }).children ?? [])
    yield* quizElements(child);
}

/** Every quiz of one lesson's MDX source, and what is wrong with them. */
export function readQuizzes(text: string): LessonQuizzes {
  let tree: MdastNode;
  try {
    tree = mdxToMdast(text);
  } catch (error) {
    return {
      quizzes: [],
      problems: [
        {
          message: `is not valid MDX, so its quizzes cannot be checked (${(error as Error).message})`,
          hint: 'Run npm run build for the full error, or see "MDX rules" in docs/authoring.md.',
        },
      ],
    };
  }
  const quizzes: LessonQuiz[] = [];
  const problems: QuizProblem[] = [];
  const seen = new Map<string, number>();
  for (const element of quizElements(tree)) {
    const read = readQuiz(element, text);
    quizzes.push(read.quiz);
    const name = read.quiz.id === undefined ? 'A quiz' : `Quiz "${read.quiz.id}"`;
    problems.push(...read.problems.map((p) => ({ ...p, message: `${name}: ${p.message}` })));
    const id = read.quiz.id;
    if (id === undefined) continue;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, read.quiz.line);
    else
      problems.push({
        line: read.quiz.line,
        message: `${name}: the id is already used by the quiz on line ${first}`,
        hint: "Give every quiz in a lesson its own id; the learner's answer is kept under it.",
      });
  }
  return { quizzes, problems };
}
