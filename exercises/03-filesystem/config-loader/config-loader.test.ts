import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { loadConfig } from './config-loader.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'config-loader-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `text` to a file in the temp dir and returns its path. */
async function configFile(text: string, name = 'config.json'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** How a call ended, as one short string, so a failure shows one line instead of a stack. */
async function howItEnded(result: Promise<unknown>): Promise<string> {
  try {
    return `resolved with ${JSON.stringify(await result)}`;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string') return `rejected with ${code}`;
    return `rejected with ${(error as Error).name}: ${(error as Error).message}`;
  }
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(result: Promise<unknown>): Promise<Error> {
  try {
    await result;
  } catch (error) {
    return error as Error;
  }
  expect.fail('loadConfig() resolved, but a file with invalid JSON must make it reject');
}

describe('loadConfig()', () => {
  it('merges the keys of the file over the defaults', async () => {
    const path = await configFile('{ "port": 8080, "name": "api" }');
    expect(
      await loadConfig(path, { port: 80, debug: false }),
      'every key of the file must override its default, and defaults the file does not ' +
        'mention must stay',
    ).toEqual({ port: 8080, debug: false, name: 'api' });
  });

  it('merges shallowly: an object in the file replaces the default object', async () => {
    const path = await configFile('{ "db": { "host": "db.internal" } }');
    expect(
      await loadConfig(path, { db: { host: 'localhost', port: 5432 }, debug: false }),
      'the merge is shallow: a top-level key in the file replaces the whole default value',
    ).toEqual({ db: { host: 'db.internal' }, debug: false });
  });

  it('does not modify the defaults object', async () => {
    const defaults = { port: 80, debug: false };
    const path = await configFile('{ "port": 8080 }');
    await loadConfig(path, defaults);
    expect(
      defaults,
      'the defaults belong to the caller: build a new object instead of assigning into them',
    ).toEqual({ port: 80, debug: false });
  });

  it('resolves to the defaults when the file does not exist', async () => {
    expect(
      await howItEnded(loadConfig(join(dir, 'missing.json'), { port: 80 })),
      'a missing file (ENOENT) is not an error: the defaults apply',
    ).toBe('resolved with {"port":80}');
    expect(
      await howItEnded(loadConfig(join(dir, 'no-such-dir', 'config.json'), { port: 80 })),
      'a missing parent directory is ENOENT too: the defaults apply',
    ).toBe('resolved with {"port":80}');
  });

  it('resolves to a copy of the defaults, not the defaults object itself', async () => {
    const defaults = { port: 80 };
    const config = await loadConfig(join(dir, 'missing.json'), defaults);
    config.port = 8080;
    expect(
      defaults,
      "with no file, loadConfig() returned the caller's defaults object itself, so changing " +
        'the config changed the defaults too: return a new object ({ ...defaults })',
    ).toEqual({ port: 80 });
  });

  it('does not block the event loop while it reads the file', async () => {
    const path = await configFile('{ "port": 8080 }');
    const events: string[] = [];
    // A callback queued before the call runs on the next turn of the event loop. A loader that
    // reads synchronously has finished (and settled its Promise) before that turn comes.
    setImmediate(() => events.push('event loop turned'));
    await loadConfig(path, {}).then(() => events.push('config loaded'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(
      events.join(', then '),
      'the config was loaded before the event loop could run anything else: the file is read ' +
        'synchronously (readFileSync, even inside an async function or a Promise) and blocks ' +
        'the whole process while the disk answers; read it with fs/promises',
    ).toBe('event loop turned, then config loaded');
  });

  it('rejects bad JSON with a SyntaxError that names the file and the line', async () => {
    const path = await configFile('{\n  "port": 8080,\n  "debug": true,\n}\n');
    const error = await rejection(loadConfig(path, {}));
    expect(error, 'bad JSON must reject with a SyntaxError').toBeInstanceOf(SyntaxError);
    expect(
      error.message,
      'the message must contain "<path>:<line>" so the operator can open the file at the ' +
        'error: the trailing comma makes line 4 invalid',
    ).toMatch(fileAndLine(path, 4));
  });

  it('counts lines from the position of the error, also for one-line and CRLF files', async () => {
    const oneLine = await configFile('{ "port": 8080, }', 'one-line.json');
    expect(
      (await rejection(loadConfig(oneLine, {}))).message,
      'an error in a file with a single line is on line 1',
    ).toMatch(fileAndLine(oneLine, 1));

    const crlf = await configFile('{\r\n  "a": 1,\r\n  "b": 2\r\n  "c": 3\r\n}\r\n', 'crlf.json');
    expect(
      (await rejection(loadConfig(crlf, {}))).message,
      'in a file with "\\r\\n" line endings the missing comma after "b" is only noticed at "c", on line 4 ' +
        '(count "\\n" characters before the error position)',
    ).toMatch(fileAndLine(crlf, 4));
  });

  it("keeps the parser's message after <path>:<line>", async () => {
    const text = '{\n  "port": 8080,\n  "debug": true,\n}\n';
    const path = await configFile(text);
    const reason = parserMessage(text);
    expect(
      (await rejection(loadConfig(path, {}))).message,
      'the message names the file and the line but no longer says what is wrong there: keep ' +
        'the parser\'s own message after "<path>:<line>: "',
    ).toContain(reason);
  });

  it('names a line when the file ends too early, where V8 gives no position', async () => {
    const empty = await configFile('', 'empty.json');
    expect(
      (await rejection(loadConfig(empty, {}))).message,
      'an empty file gives "Unexpected end of JSON input", with no position to count lines ' +
        'from: the input ended, so the error is at the end of the text, here line 1',
    ).toMatch(fileAndLine(empty, 1));

    const cutShort = await configFile('{\n  "port": 8080,\n  "debug": tru', 'cut-short.json');
    expect(
      (await rejection(loadConfig(cutShort, {}))).message,
      'a file that stops in the middle of a value gives "Unexpected end of JSON input", with no ' +
        'position to count lines from: the input ended, so the error is at the end of the ' +
        'text, on its last line (3)',
    ).toMatch(fileAndLine(cutShort, 3));

    const openArray = await configFile('{\n  "hosts": [\n    "a",\n    "b",', 'open-array.json');
    expect(
      (await rejection(loadConfig(openArray, {}))).message,
      'a file cut off inside an array also ends in "Unexpected end of JSON input": the error ' +
        'is on its last line (4)',
    ).toMatch(fileAndLine(openArray, 4));
  });

  it('puts the end of a file that ends in "\\n" on the empty line after it', async () => {
    const cutAfterNewline = await configFile(
      '{\n  "port": 8080,\n  "hosts": [\n',
      'cut-after-newline.json',
    );
    expect(
      (await rejection(loadConfig(cutAfterNewline, {}))).message,
      'the file is cut off after the "\\n" that ends line 3 ("Unexpected end of JSON input"): the ' +
        'text runs out on line 4, the empty line after that "\\n", the same line V8 names when ' +
        'it gives a position at the end of such a file; count every "\\n" in the text',
    ).toMatch(fileAndLine(cutAfterNewline, 4));

    const cutAfterComma = await configFile('{\n  "port": 8080,\n', 'cut-after-comma.json');
    expect(
      (await rejection(loadConfig(cutAfterComma, {}))).message,
      'cut off after "8080,\\n", V8 says "Expected double-quoted property name in JSON at ' +
        'position 18": the end of the text, on line 3 after the last "\\n"',
    ).toMatch(fileAndLine(cutAfterComma, 3));

    const blank = await configFile('\n', 'blank.json');
    expect(
      (await rejection(loadConfig(blank, {}))).message,
      'a file holding only "\\n" ends on line 2, after its one "\\n"',
    ).toMatch(fileAndLine(blank, 2));
  });

  it('names the line of a character V8 quotes instead of giving its position', async () => {
    const undefinedValue = await configFile(
      '{\n  "url": "http://localhost",\n  "port": 8080,\n  "debug": undefined\n}\n',
      'undefined.json',
    );
    expect(
      (await rejection(loadConfig(undefinedValue, {}))).message,
      `V8 says "Unexpected token 'u', ... is not valid JSON" with no position: the "u" it ` +
        'rejects starts `undefined` on line 4 (the "u" of "url" on line 2 is fine: find the ' +
        'first character the parser cannot accept, not the first one that looks the same)',
    ).toMatch(fileAndLine(undefinedValue, 4));

    const singleQuotes = await configFile(
      `{\n  "name": "api",\n  "mode": 'production',\n  "port": 8080\n}\n`,
      'single-quotes.json',
    );
    expect(
      (await rejection(loadConfig(singleQuotes, {}))).message,
      `the single-quoted string on line 3 gives "Unexpected token ''', ..." with no position: ` +
        'the error is on line 3',
    ).toMatch(fileAndLine(singleQuotes, 3));

    const notANumber = await configFile(
      '{\n  "hosts": [\n    "a",\n    "b"\n  ],\n  "ratio": NaN\n}\n',
      'nan.json',
    );
    expect(
      (await rejection(loadConfig(notANumber, {}))).message,
      `NaN on line 6 gives "Unexpected token 'N', ..." with no position: the error is on line 6 ` +
        '(the array above it, cut off anywhere, only ends too early: a part of the text that ' +
        'runs out is not where the parser failed)',
    ).toMatch(fileAndLine(notANumber, 6));

    const typo = await configFile('{\n  "port": 8080,\n  "debug": tru\n}\n', 'typo.json');
    expect(
      (await rejection(loadConfig(typo, {}))).message,
      `"tru" at the end of line 3 makes V8 reject the "\\n" after it ("Unexpected token '\\n'"): ` +
        'that "\\n" ends line 3, so the error is on line 3, not 4',
    ).toMatch(fileAndLine(typo, 3));
  });

  it('rethrows errors other than ENOENT instead of falling back to the defaults', async () => {
    const directory = join(dir, 'config.d');
    await mkdir(directory);
    expect(
      await howItEnded(loadConfig(directory, { port: 80 })),
      'a directory where the config file should be (EISDIR) is a broken setup, not a missing ' +
        'file: rethrow it instead of silently using the defaults',
    ).toBe('rejected with EISDIR');

    const notADirectory = join(await configFile('{}', 'plain-file'), 'config.json');
    expect(
      await howItEnded(loadConfig(notADirectory, { port: 80 })),
      'a path through a regular file (ENOTDIR) must be rethrown, not treated as missing',
    ).toBe('rejected with ENOTDIR');
  });
});

/** What JSON.parse itself says about `text`. */
function parserMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`the test's JSON is valid: ${text}`);
}

/** Matches "<path>:<line>" anywhere in a message, not followed by more digits. */
function fileAndLine(path: string, line: number): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${escaped}:${line}(?!\\d)`);
}
