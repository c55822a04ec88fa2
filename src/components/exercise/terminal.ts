/**
 * The raw terminal output of in-browser runs, for learners who want to see what vitest printed.
 * xterm.js and its CSS load with this module, the first time there is output to show.
 */
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';

export function createTerminal(host: HTMLElement): { write(chunk: string): void } {
  const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  const terminal = new Terminal({
    convertEol: true,
    disableStdin: true,
    rows: 16,
    fontSize: 13,
    theme: dark ? { background: '#0c0e11' } : { background: '#ffffff', foreground: '#1d1f23' },
  });
  terminal.open(host);
  return { write: (chunk) => terminal.write(chunk) };
}
