/**
 * Imported by every test file of a run (the workspace prepends the import on the file's first
 * line, so line numbers do not move), it records from inside the worker when each test starts
 * and finishes. The reporter cannot tell which test was running when a run hit its time limit:
 * workers send results in batches, and a worker stuck in a busy loop never sends the last one.
 * A synchronous append before and after each test always lands.
 *
 * vitest has no command-line flag for setup files, and a config file is out (see
 * local-runner.ts), hence the import.
 */
import { appendFileSync } from 'node:fs';
import { beforeEach } from 'vitest';

const file = process.env['WORKBENCH_EVENTS_FILE'];

function write(event: object): void {
  if (file) appendFileSync(file, `${JSON.stringify(event)}\n`);
}

beforeEach((context) => {
  write({ type: 'test-start', id: context.task.id });
  context.onTestFinished(({ task }) => {
    write({
      type: 'test-finish',
      id: task.id,
      state: task.result?.state === 'pass' ? 'pass' : 'fail',
    });
  });
});
