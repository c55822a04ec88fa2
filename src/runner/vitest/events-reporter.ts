/**
 * A vitest reporter, loaded by path (`--reporter=<this file>`) next to the JSON reporter. It
 * runs in vitest's main process and appends each event synchronously, so when the runner kills
 * the process tree at the time limit the file already holds every result that reached it.
 * Workers send results in batches, so a busy loop may hold back the last few; which test was
 * running comes from progress-setup.ts instead.
 *
 * Self-contained on purpose (type-only imports): the same file is mounted into WebContainers.
 */
import { appendFileSync } from 'node:fs';
import { relative, isAbsolute } from 'node:path';
import type { SerializedError } from 'vitest';
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';
import type { UserConsoleLog } from 'vitest';
import type { EventError, VitestEvent } from './events.ts';

const EVENTS_FILE_ENV = 'WORKBENCH_EVENTS_FILE';

export default class EventsReporter implements Reporter {
  private readonly file = process.env[EVENTS_FILE_ENV];
  private root = process.cwd();
  private readonly testIds = new Set<string>();
  /** Module task id → file relative to the root, to attribute top-level console output. */
  private readonly moduleFiles = new Map<string, string>();

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root;
  }

  onTestModuleQueued(module: TestModule): void {
    const file = this.relativeFile(module.moduleId);
    this.moduleFiles.set(module.id, file);
    this.write({ type: 'module-start', file, t: Date.now() });
  }

  onTestModuleEnd(module: TestModule): void {
    this.write({ type: 'module-end', file: this.relativeFile(module.moduleId) });
  }

  onTestModuleCollected(module: TestModule): void {
    const tests = [...module.children.allTests()].map((test) => {
      this.testIds.add(test.id);
      return { id: test.id, name: test.fullName };
    });
    this.write({ type: 'collected', file: this.relativeFile(module.moduleId), tests });
  }

  onTestCaseResult(test: TestCase): void {
    const result = test.result();
    const errors = 'errors' in result && result.errors ? result.errors : [];
    this.write({
      type: 'test-end',
      id: test.id,
      state: result.state,
      durationMs: test.diagnostic()?.duration ?? 0,
      errors: errors.map((error) => this.toEventError(error)),
    });
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    const testId =
      log.taskId !== undefined && this.testIds.has(log.taskId) ? log.taskId : undefined;
    this.write({
      type: 'log',
      ...(testId === undefined ? {} : { testId }),
      stream: log.type,
      content: log.content,
    });
  }

  onTestRunEnd(
    _modules: ReadonlyArray<TestModule>,
    unhandled: ReadonlyArray<SerializedError>,
  ): void {
    if (unhandled.length > 0) {
      this.write({ type: 'unhandled', errors: unhandled.map((e) => this.toEventError(e)) });
    }
  }

  private toEventError(error: SerializedError): EventError {
    const frame = error.stacks?.find((s) => this.isInWorkspace(s.file));
    return {
      message: String(error.message ?? ''),
      ...(typeof error.name === 'string' ? { name: error.name } : {}),
      ...(typeof error.diff === 'string' ? { diff: error.diff } : {}),
      ...(frame
        ? {
            location: {
              file: this.relativeFile(frame.file),
              line: frame.line,
              column: frame.column,
            },
          }
        : {}),
    };
  }

  private isInWorkspace(file: string): boolean {
    const rel = relative(this.root, file);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.includes('node_modules');
  }

  private relativeFile(file: string): string {
    return this.isInWorkspace(file) ? relative(this.root, file) : file;
  }

  private write(event: VitestEvent): void {
    if (this.file) appendFileSync(this.file, `${JSON.stringify(event)}\n`);
  }
}
