/**
 * Imported by every test file of a run (the workspace prepends the import on the file's first
 * line, so line numbers do not move), before the learner's module. It does two jobs from inside
 * the test worker, writing synchronously to the events file so nothing is lost when a run is
 * killed:
 *
 * - It records when the file starts and finishes loading (the learner's module with it) and
 *   when each test starts and finishes. The reporter cannot tell which test was running at the
 *   time limit: workers send results in batches, and a worker stuck in a busy loop never sends
 *   the last one. The learner's clock (local/learner-clock.ts) starts at the first load: what
 *   came before was starting vitest.
 * - It notices a submission that tampers with what the tests use to judge it (matchers, chai's
 *   assertions, Object.is and the built-in prototypes) to fake a pass. It snapshots them before
 *   the learner's code loads and compares after every test.
 *
 * vitest has no command-line flag for setup files, and a config file is out (see
 * vitest/command.ts), hence the import.
 */
import { appendFileSync } from 'node:fs';
import { beforeEach, chai, expect } from 'vitest';

const file = process.env['WORKBENCH_EVENTS_FILE'];

function write(event: object): void {
  if (file) appendFileSync(file, `${JSON.stringify(event)}\n`);
}

// Evaluated first of the test file's imports: the learner's module is about to load.
write({ type: 'load-start', t: Date.now() });

/** Called by the test file once all its imports, the learner's module included, are evaluated. */
export function loaded(): void {
  write({ type: 'load-end', t: Date.now() });
}

const guarded: Record<string, object> = {
  expect,
  'chai.Assertion.prototype': chai.Assertion.prototype,
  Object,
  'Object.prototype': Object.prototype,
  'Array.prototype': Array.prototype,
  'Function.prototype': Function.prototype,
  'String.prototype': String.prototype,
  'Number.prototype': Number.prototype,
  'Map.prototype': Map.prototype,
  'Set.prototype': Set.prototype,
  Reflect,
  JSON,
};

type Snapshot = Map<string, Map<PropertyKey, unknown>>;

function identities(target: object): Map<PropertyKey, unknown> {
  const seen = new Map<PropertyKey, unknown>();
  for (const key of Reflect.ownKeys(target)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(target, key);
    seen.set(key, descriptor && ('value' in descriptor ? descriptor.value : descriptor.get));
  }
  return seen;
}

function snapshot(): Snapshot {
  return new Map(Object.entries(guarded).map(([name, target]) => [name, identities(target)]));
}

/** The first guarded property that is not what it was before the learner's code loaded. */
function firstChange(before: Snapshot): string | undefined {
  for (const [name, target] of Object.entries(guarded)) {
    const was = before.get(name)!;
    const now = identities(target);
    for (const [key, value] of now) {
      // chai keeps its assertion flags in `__flags`, created on `expect` the first time an
      // asymmetric matcher (expect.stringMatching...) fails: the framework's doing, not the
      // learner's, and a plain store that cannot fake a pass.
      if (name === 'expect' && key === '__flags' && !was.has(key)) continue;
      // Plain data (counters, flags) may change; functions and objects must not be replaced.
      const comparable =
        typeof value === 'function' || (typeof value === 'object' && value !== null);
      if (!was.has(key) || (comparable && was.get(key) !== value)) return `${name}.${String(key)}`;
    }
  }
  return undefined;
}

const before = snapshot();
let reported = false;

// Destructured, not `(context) =>`: in a file that extends `test` with fixtures (test.extend),
// vitest reads a hook's first parameter to find the fixtures it uses, and refuses anything but
// an object pattern, failing every test of that file.
beforeEach(({ task: started, onTestFinished }) => {
  write({ type: 'test-start', id: started.id });
  onTestFinished(({ task }) => {
    write({
      type: 'test-finish',
      id: task.id,
      state: task.result?.state === 'pass' ? 'pass' : 'fail',
    });
    const changed = reported ? undefined : firstChange(before);
    if (changed) {
      reported = true;
      write({ type: 'tamper', what: changed });
    }
  });
});
