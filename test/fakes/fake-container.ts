/**
 * The one fake of the WebContainer boundary (src/runner/webcontainer/container.ts). An
 * in-memory file system, and processes whose behaviour a test scripts: `node --version`,
 * `npm install`, and vitest runs, which play back artefacts recorded from real vitest runs
 * (test/fixtures/vitest-reports) with the workspace paths of the run they stand in for.
 */
import { readFileSync } from 'node:fs';
import type { Container, ContainerProcess } from '../../src/runner/webcontainer/container.ts';

export interface VitestInvocation {
  /** The run's workspace folder, absolute inside the container. */
  root: string;
  reportFile: string;
  eventsFile: string;
  files: Map<string, string>;
}

export type VitestBehaviour =
  { kind: 'recorded'; outcome: string; output?: string } | { kind: 'hang'; outcome: string };

export interface FakeContainerOptions {
  workdir?: string;
  nodeVersion?: string;
  npmInstallExitCode?: number;
  vitest?: (run: VitestInvocation) => VitestBehaviour;
}

interface Recorded {
  report?: string;
  events?: string;
}

function recorded(outcome: string): Recorded {
  const url = new URL(`../fixtures/vitest-reports/${outcome}/artifacts.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Recorded;
}

function outputStream(chunks: string[], until?: Promise<unknown>): ReadableStream<string> {
  return new ReadableStream<string>({
    async start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      await until;
      controller.close();
    },
  });
}

export class FakeContainer implements Container {
  readonly workdir: string;
  readonly files = new Map<string, string>();
  readonly mounted: Array<Uint8Array | ArrayBuffer> = [];
  readonly spawned: Array<{ command: string; args: string[]; env?: Record<string, string> }> = [];
  killed = 0;
  tornDown = false;
  private readonly options: FakeContainerOptions;

  constructor(options: FakeContainerOptions = {}) {
    this.options = options;
    this.workdir = options.workdir ?? '/home/workbench';
  }

  private abs(path: string): string {
    return path.startsWith('/') ? path : `${this.workdir}/${path}`;
  }

  fs = {
    mkdir: async (_path: string, _options: { recursive: true }) => undefined,
    writeFile: async (path: string, data: string | Uint8Array) => {
      this.files.set(
        this.abs(path),
        typeof data === 'string' ? data : new TextDecoder().decode(data),
      );
    },
    readFile: async (path: string, _encoding: 'utf-8') => {
      const content = this.files.get(this.abs(path));
      if (content === undefined)
        throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return content;
    },
    rm: async (path: string, _options?: { recursive?: boolean; force?: boolean }) => {
      const target = this.abs(path);
      for (const key of [...this.files.keys()]) {
        if (key === target || key.startsWith(`${target}/`)) this.files.delete(key);
      }
    },
  };

  async mount(snapshot: Uint8Array | ArrayBuffer): Promise<void> {
    this.mounted.push(snapshot);
  }

  async spawn(
    command: string,
    args: string[],
    options: { env?: Record<string, string> } = {},
  ): Promise<ContainerProcess> {
    this.spawned.push({ command, args, ...(options.env ? { env: options.env } : {}) });
    if (command === 'node' && args[0] === '--version') {
      return this.process(0, [`v${this.options.nodeVersion ?? '22.22.0'}\r\n`]);
    }
    if (command === 'node' && args[0]?.startsWith('examples/')) {
      return this.process(0, ['example output\n']);
    }
    if (command === 'npm' && args[0] === 'install') {
      const code = this.options.npmInstallExitCode ?? 0;
      return this.process(code, [
        code === 0 ? 'added 31 packages\n' : 'npm ERR! network request failed\n',
      ]);
    }
    return this.vitest(args, options.env ?? {});
  }

  teardown(): void {
    this.tornDown = true;
  }

  private process(code: number, chunks: string[]): ContainerProcess {
    return { exit: Promise.resolve(code), output: outputStream(chunks), kill: () => {} };
  }

  private vitest(args: string[], env: Record<string, string>): ContainerProcess {
    const root = args[args.indexOf('--root') + 1] ?? '';
    const reportFile =
      (args.find((a) => a.startsWith('--outputFile.json=')) ?? '').split('=')[1] ?? '';
    const eventsFile = env['WORKBENCH_EVENTS_FILE'] ?? '';
    const files = new Map(
      [...this.files]
        .filter(([path]) => path.startsWith(`${root}/`))
        .map(([p, c]) => [p.slice(root.length + 1), c]),
    );
    const behaviour = this.options.vitest?.({ root, reportFile, eventsFile, files }) ?? {
      kind: 'recorded',
      outcome: 'pass',
    };
    const artefacts = recorded(behaviour.outcome);
    const place = (text: string | undefined) =>
      text
        ?.replaceAll('/WORKSPACE', root)
        .replaceAll('/RUN', `${root}.run`)
        .replaceAll('/WORKBENCH', this.workdir);
    if (artefacts.events) this.files.set(eventsFile, place(artefacts.events)!);
    if (behaviour.kind === 'hang') {
      let kill!: () => void;
      const exit = new Promise<number>((resolve) => {
        kill = () => {
          this.killed += 1;
          resolve(130);
        };
      });
      return { exit, output: outputStream(['RUN  v5.1.1\n'], exit), kill };
    }
    if (artefacts.report) this.files.set(reportFile, place(artefacts.report)!);
    return this.process(behaviour.outcome === 'pass' ? 0 : 1, [
      behaviour.output ?? ' RUN  v5.1.1\n',
    ]);
  }
}
