/**
 * The part of the WebContainer API the runner uses. Kept as an interface so the runner is
 * tested against one shared fake (test/fakes/fake-container.ts): a real WebContainer boots
 * from StackBlitz's servers, which tests (and offline machines) cannot reach.
 */
export interface ContainerProcess {
  exit: Promise<number>;
  /** Everything the process and its children print, stdout and stderr merged. */
  output: ReadableStream<string>;
  kill(): void;
}

export interface ContainerFs {
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
  readFile(path: string, encoding: 'utf-8'): Promise<string>;
  rm(path: string, options?: { recursive?: boolean; force?: boolean }): Promise<void>;
}

export interface Container {
  fs: ContainerFs;
  /** Absolute path of the working directory; every relative path is resolved against it. */
  workdir: string;
  mount(snapshot: Uint8Array | ArrayBuffer): Promise<void>;
  spawn(
    command: string,
    args: string[],
    options?: {
      cwd?: string;
      env?: Record<string, string>;
      terminal?: { cols: number; rows: number };
    },
  ): Promise<ContainerProcess>;
  teardown(): void;
}
