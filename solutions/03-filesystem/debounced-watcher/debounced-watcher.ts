import { watch } from 'node:fs';

export interface DebouncerOptions {
  /** How long a file must stay quiet before onChange runs for it, in milliseconds. */
  delayMs: number;
  /** Called once per burst of events for a file, after the burst. */
  onChange: (file: string) => void;
  /** Starts a timer; setTimeout when left out. Tests pass a fake clock. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  /** Cancels a timer that setTimer returned; clearTimeout when left out. */
  clearTimer?: (handle: unknown) => void;
}

export interface Debouncer {
  /** Reports one raw event for `file`. */
  event(file: string): void;
  /** Cancels every pending callback; later events are ignored. */
  close(): void;
}

/**
 * Coalesces bursts of events into one onChange(file) per file: the callback runs once a file
 * has had no event for delayMs (trailing edge), and each file has its own timer. Once a file's
 * callback has run, nothing is kept for it (a watcher runs for months, over files that come and
 * go), and its timer, which has fired, is never cleared again.
 */
export function createDebouncer(options: DebouncerOptions): Debouncer {
  const { delayMs, onChange } = options;
  // Looked up at call time, not import time, so a test can swap the global timers too.
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer =
    options.clearTimer ?? ((handle: unknown) => clearTimeout(handle as NodeJS.Timeout));
  // One timer per file: with a single shared timer, an event for b.txt would cancel (or
  // postpone) the callback that a.txt was owed.
  const pending = new Map<string, unknown>();
  let closed = false;

  return {
    event(file) {
      if (closed) return;
      // Trailing edge: every event restarts the wait, so the callback comes delayMs after the
      // last event of a burst, when the writer has (very probably) finished. Firing on the first
      // event would hand the caller a half-written file.
      if (pending.has(file)) clearTimer(pending.get(file));
      const handle = setTimer(() => {
        pending.delete(file);
        onChange(file);
      }, delayMs);
      pending.set(file, handle);
    },
    close() {
      closed = true;
      for (const handle of pending.values()) clearTimer(handle);
      pending.clear();
    },
  };
}

export interface WatchOptions extends DebouncerOptions {
  /** Receives the watcher's errors (the directory was deleted, say); the watch has stopped. */
  onError?: (error: Error) => void;
}

/**
 * Watches `dir` with fs.watch() (not its subdirectories) and calls onChange(name) once per burst
 * of changes to each entry, with `name` relative to `dir`; an event that comes without a name is
 * ignored. Returns a function that stops watching: it closes the watcher and cancels pending
 * callbacks. A watcher error stops the watch the same way, then goes to onError if given.
 */
export function watchDebounced(dir: string, options: WatchOptions): () => void {
  const debouncer = createDebouncer(options);
  const watcher = watch(dir, (_eventType, filename) => {
    // The event type is not worth reading: 'rename' and 'change' are reported inconsistently
    // across platforms and editors, and a write is often both. And filename can be null on
    // platforms that do not report it: there is nothing to debounce then.
    if (filename) debouncer.event(filename);
  });
  const stop = (): void => {
    watcher.close();
    // Closing the watcher stops new events, not the timers that earlier ones started.
    debouncer.close();
  };
  // An 'error' event with no listener would crash the process.
  watcher.on('error', (error) => {
    stop();
    options.onError?.(error);
  });
  return stop;
}
