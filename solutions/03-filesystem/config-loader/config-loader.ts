import { readFile } from 'node:fs/promises';

/**
 * Loads a JSON config file and merges it over `defaults` (shallow: a key in the file replaces
 * the default value for that key, objects included).
 *
 * - A missing file is not an error: the result is a copy of the defaults.
 * - Invalid JSON rejects with a SyntaxError whose message contains `<path>:<line>` and the
 *   parser's own message. Every syntax error names a line, also where V8's message gives no
 *   position:
 *   - a file that ends too early (an empty one, too) has its error at the very end of the text,
 *     so after a final "\n" that is the empty line following it;
 *   - "Unexpected token 'u', ... is not valid JSON" (undefined, NaN, 'single quotes') is on the
 *     line of the character the parser rejected, the first one it could not accept.
 * - Any other failure (a directory, no permission, ...) rejects with the original error.
 */
export async function loadConfig(
  path: string,
  defaults: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  let text: string;
  try {
    // fs/promises does the read on libuv's thread pool, so timers, sockets and other requests
    // keep being served while the disk (or a network share) takes its time.
    text = await readFile(path, 'utf8');
  } catch (error) {
    // Only "there is no such file" means "use the defaults". EISDIR or EACCES mean the config
    // exists but is broken, and starting with the defaults would hide that from the operator.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...defaults };
    throw error;
  }

  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    const reason = (error as Error).message;
    // `file:line` is the format editors and terminals turn into a link to the exact spot.
    throw new SyntaxError(`${path}:${lineOfError(text, reason)}: ${reason}`, { cause: error });
  }
  return { ...defaults, ...parsed };
}

/** The 1-based line a JSON.parse error points at. */
function lineOfError(text: string, reason: string): number {
  // Other engines (Firefox's, for one) report the line themselves. V8 quotes the text around some
  // errors, so only the engine's own wording counts, not any "line 5" inside the quoted text.
  const line = /at line (\d+) column \d+ of the JSON data$/.exec(reason);
  if (line) return Number(line[1]);
  return lineAt(text, positionOfError(text, reason));
}

/** The offset into `text` of the character JSON.parse stopped at. */
function positionOfError(text: string, reason: string): number {
  // V8 usually reports "... at position 22 ...": an offset into the string.
  const position = /at position (\d+)/.exec(reason);
  if (position) return Number(position[1]);
  // An empty file, or one cut off in the middle of a value: nothing is wrong until the text runs
  // out, so the error is at its end.
  if (/end of JSON input/.test(reason)) return text.length;
  // "Unexpected token 'u', ... is not valid JSON" (undefined, NaN, 'single quotes') quotes the
  // text around the character instead of saying where it is. The parser reads from left to
  // right, so a prefix of the text fails before its own end exactly when it contains that
  // character: the shortest such prefix ends right after it.
  let valid = 0;
  let invalid = text.length;
  while (invalid - valid > 1) {
    const middle = Math.floor((valid + invalid) / 2);
    if (failsBeforeItsEnd(text.slice(0, middle))) invalid = middle;
    else valid = middle;
  }
  return invalid - 1;
}

/** Whether JSON.parse rejects `prefix` for a reason other than running out of text. */
function failsBeforeItsEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (error) {
    const reason = (error as Error).message;
    if (/end of JSON input/.test(reason)) return false;
    const position = /at position (\d+)/.exec(reason);
    return position === null || Number(position[1]) < prefix.length;
  }
}

/** The 1-based line of the character at `position`. */
function lineAt(text: string, position: number): number {
  // Every "\n" before the offset starts a new line ("\r\n" files count right too, because "\r"
  // never ends a line here).
  return text.slice(0, position).split('\n').length;
}
