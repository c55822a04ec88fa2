/**
 * Cleans text that came out of a test process before a learner sees it: colour codes, the
 * absolute paths of the temporary workspace and of the installation, and the stack frames of
 * the test framework itself. Isomorphic (no Node built-ins).
 */
import stripAnsi from 'strip-ansi';

export interface SanitizeOptions {
  /**
   * Absolute directories to hide, most specific first. A path below the first one (the
   * workspace) becomes relative (`lines.ts:3:5`); any other becomes `<name>/...`.
   */
  workspaceDirs: readonly string[];
  /** Other absolute directories to hide, e.g. the install's node_modules. */
  hiddenDirs?: readonly { dir: string; label: string }[];
  /**
   * Relative prefixes to drop where a path starts (`w3/lines.ts` → `lines.ts`): in a batch,
   * vitest reports some paths relative to its root, which holds many workspaces.
   */
  relativePrefixes?: readonly string[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function withoutTrailingSlash(dir: string): string {
  return dir.length > 1 && dir.endsWith('/') ? dir.slice(0, -1) : dir;
}

export function createSanitizer(options: SanitizeOptions): (text: string) => string {
  const rules: Array<[RegExp, string]> = [];
  for (const raw of options.workspaceDirs) {
    const dir = escapeRegExp(withoutTrailingSlash(raw));
    rules.push([new RegExp(`(?:file://)?${dir}/`, 'g'), '']);
    rules.push([new RegExp(`(?:file://)?${dir}(?![\\w.-])`, 'g'), '.']);
  }
  for (const { dir: raw, label } of options.hiddenDirs ?? []) {
    const dir = escapeRegExp(withoutTrailingSlash(raw));
    rules.push([new RegExp(`(?:file://)?${dir}/`, 'g'), `${label}/`]);
  }
  for (const prefix of options.relativePrefixes ?? []) {
    rules.push([new RegExp(`(?<![\\w./-])${escapeRegExp(prefix)}(?=[\\w.-])`, 'g'), '']);
  }
  return (text: string) => {
    let out = stripAnsi(text);
    for (const [pattern, replacement] of rules) out = out.replace(pattern, replacement);
    return out;
  };
}

const STACK_FRAME = /^\s+at .*$/;

/**
 * Drops stack frames: the learner needs the assertion and where it is (reported separately as
 * a location), not forty lines of the runner's internals.
 */
export function withoutStackFrames(text: string): string {
  return text
    .split('\n')
    .filter((line) => !STACK_FRAME.test(line))
    .join('\n')
    .trimEnd();
}

/** Caps text at `max` characters, saying how much was cut so nobody mistakes it for the end. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.length - max;
  return `${text.slice(0, max)}\n… [${cut} more characters truncated]`;
}
