/**
 * Reads a vitest file statically to find each test's full name and the code of its body, so a
 * report can show the learner what a failing test does (Exercism's `test_code`) and the grader
 * knows every test an exercise has even when a run never got to them.
 */
import ts from 'typescript';

interface FoundTest {
  name: string;
  body: string;
}

const SUITE_FUNCTIONS = new Set(['describe', 'suite']);
const TEST_FUNCTIONS = new Set(['it', 'test']);
/**
 * Modifiers that keep the title as written. `each`/`for` are left out on purpose: their titles
 * are formats (`adds %i`) whose real names only exist at run time.
 */
const MODIFIERS = new Set(['only', 'skip', 'todo', 'concurrent', 'sequential', 'fails', 'shuffle']);

type CallKind = 'suite' | 'test';

/** `describe`, `it.only`, `test.concurrent.skip`, … ; anything else is not a test call. */
function callKind(callee: ts.Expression): CallKind | undefined {
  let node = callee;
  while (ts.isPropertyAccessExpression(node)) {
    if (!MODIFIERS.has(node.name.text)) return undefined;
    node = node.expression;
  }
  if (!ts.isIdentifier(node)) return undefined;
  if (SUITE_FUNCTIONS.has(node.text)) return 'suite';
  if (TEST_FUNCTIONS.has(node.text)) return 'test';
  return undefined;
}

function literalTitle(node: ts.Expression | undefined): string | undefined {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) {
    return node.text;
  }
  return undefined;
}

/** The callback may come second or, after an options object, third (`it(name, opts, fn)`). */
function testFunction(
  call: ts.CallExpression,
): ts.ArrowFunction | ts.FunctionExpression | undefined {
  return call.arguments
    .slice(1)
    .find((arg) => ts.isArrowFunction(arg) || ts.isFunctionExpression(arg));
}

function leadingWhitespace(line: string): number {
  return line.length - line.trimStart().length;
}

/** Removes the indentation every non-blank line shares, then surrounding blank lines. */
export function dedent(text: string): string {
  const lines = text.split('\n').map((line) => line.trimEnd());
  const indents = lines.filter((line) => line.length > 0).map(leadingWhitespace);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines
    .map((line) => line.slice(common))
    .join('\n')
    .trim();
}

/**
 * The body's text as it sits in the file. It starts at the beginning of its first line, with
 * whatever precedes it blanked out, so the first line is indented like the others and dedents
 * with them (an expression body starts mid-line, after the `=>`).
 */
function bodyText(fn: ts.ArrowFunction | ts.FunctionExpression, file: ts.SourceFile): string {
  const body = fn.body;
  const [start, end] = ts.isBlock(body)
    ? [body.getStart(file) + 1, body.getEnd() - 1]
    : [body.getStart(file), body.getEnd()];
  const lineStart = file.getPositionOfLineAndCharacter(
    file.getLineAndCharacterOfPosition(start).line,
    0,
  );
  const padding = ' '.repeat(start - lineStart);
  return dedent(padding + file.text.slice(start, end));
}

function collect(node: ts.Node, titles: readonly string[], file: ts.SourceFile, out: FoundTest[]) {
  if (ts.isCallExpression(node)) {
    const kind = callKind(node.expression);
    if (kind !== undefined) {
      const title = literalTitle(node.arguments[0]);
      // Without its title nothing inside can be named as vitest names it, so it is skipped whole.
      if (title === undefined) return;
      const fn = testFunction(node);
      if (kind === 'test') {
        out.push({ name: [...titles, title].join(' > '), body: fn ? bodyText(fn, file) : '' });
        return;
      }
      if (fn) collect(fn.body, [...titles, title], file, out);
      return;
    }
  }
  ts.forEachChild(node, (child) => collect(child, titles, file, out));
}

function findTests(source: string, fileName: string): FoundTest[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false);
  const out: FoundTest[] = [];
  collect(file, [], file, out);
  return out;
}

/**
 * The body of every test, keyed by the full name vitest reports (`lines() > joins a line`).
 * Should two tests share a name, the first one's code is kept.
 */
export function extractTestCode(source: string, fileName: string): Record<string, string> {
  const code = new Map<string, string>();
  for (const { name, body } of findTests(source, fileName)) {
    if (!code.has(name)) code.set(name, body);
  }
  // fromEntries defines own properties, so a test named `__proto__` or `toString` is safe.
  return Object.fromEntries(code);
}

/** Every test's full name in file order, which is the order vitest runs and reports them. */
export function testNamesInOrder(source: string, fileName: string): string[] {
  return findTests(source, fileName).map((test) => test.name);
}
