import { readFileSync } from 'node:fs';

/**
 * Loads a JSON config file and merges it over `defaults` (shallow: a key in the file replaces
 * the default value for that key, objects included).
 *
 * - A missing file is not an error: the result is a copy of the defaults.
 * - Invalid JSON rejects with a SyntaxError whose message contains `<path>:<line>` and the
 *   parser's own message, for example
 *   "/etc/app/config.json:4: Expected double-quoted property name ...". Every syntax error
 *   names a line, also where V8's message gives no position:
 *   - a file that ends too early (an empty one, too) has its error at the very end of the text,
 *     so after a final "\n" that is the empty line following it;
 *   - "Unexpected token 'u', ... is not valid JSON" (undefined, NaN, 'single quotes') is on the
 *     line of the character the parser rejected, the first one it could not accept.
 * - Any other failure (a directory, no permission, ...) rejects with the original error.
 *
 * This is the synchronous loader from the app's start-up script, wrapped in a Promise so it
 * can be called at run time too. The wrapping changes the type, not the behaviour.
 */
export function loadConfig(
  path: string,
  defaults: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  try {
    // TODO: readFileSync stops the whole process until the disk answers: no timer, request or
    // socket is served in the meantime, and the Promise is already settled when it is returned.
    const text = readFileSync(path, 'utf8');
    // TODO: a JSON.parse error says neither which file was wrong nor on which line.
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return Promise.resolve({ ...defaults, ...parsed });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve({ ...defaults });
    return Promise.reject(error);
  }
}
