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
 *
 * This version passes every event straight on, which is what fs.watch() gives you on its own:
 * two, three or more callbacks for a single save.
 */
export function createDebouncer(options: DebouncerOptions): Debouncer {
  const { onChange } = options;
  // TODO: wait until `file` has been quiet for options.delayMs before calling onChange, using
  // options.setTimer and options.clearTimer when they are given (the tests drive a fake clock
  // through them), and setTimeout / clearTimeout otherwise.
  return {
    event(file) {
      onChange(file);
    },
    close() {
      // TODO: nothing is pending yet, so there is nothing to cancel.
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
    // TODO: fs.watch() does not promise to tell you the file name.
    debouncer.event(String(filename));
  });
  // TODO: an 'error' event without a listener crashes the process.
  return () => {
    watcher.close();
    // TODO: callbacks that earlier events scheduled can still be pending.
  };
}
