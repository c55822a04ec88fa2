import { readFile } from 'node:fs/promises';

/**
 * Loads a JSON config file and merges it over `defaults` (shallow: a key in the file replaces
 * the default value for that key, objects included).
 *
 * - A missing file is not an error: the result is a copy of the defaults.
 * - Invalid JSON rejects with a SyntaxError whose message contains `<path>:<line>`.
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
    const line = lineOfError(text, reason);
    const where = line === undefined ? path : `${path}:${line}`;
    // `file:line` is the format editors and terminals turn into a link to the exact spot.
    throw new SyntaxError(`${where}: ${reason}`, { cause: error });
  }
  return { ...defaults, ...parsed };
}

/** The 1-based line a JSON.parse error points at, or undefined if the message does not say. */
function lineOfError(text: string, reason: string): number | undefined {
  // V8 reports "... at position 22 ...": an offset into the string. Every "\n" before that
  // offset starts a new line ("\r\n" files count right too, because "\r" never ends a line here).
  const position = /at position (\d+)/.exec(reason);
  if (position) return text.slice(0, Number(position[1])).split('\n').length;
  // Other engines (Firefox's, for one) report the line themselves.
  const line = /line (\d+)/.exec(reason);
  return line ? Number(line[1]) : undefined;
}
