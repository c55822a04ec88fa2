/**
 * Picks where a learner's code runs, per the "Run code" setting: in the browser
 * (WebContainer), on the local runner (`npm start`), or automatically. Automatic tries the
 * browser first when the page can host a WebContainer, and falls back to the local runner when
 * the container cannot start, saying why in one sentence. Without either, it says clearly that
 * this browser cannot run exercises and what to use instead. Isomorphic; the browser wiring is
 * components/exercise/runner-choice.ts.
 */
import { problemResult, type RunResult } from './result.ts';
import type { RunOptions, RunRequest, Runner, ScriptRequest } from './runner.ts';

export const runnerModes = ['auto', 'webcontainer', 'local'] as const;
export type RunnerMode = (typeof runnerModes)[number];

/** The WebContainer runner as seen from here. */
export interface BrowserRunner extends Runner {
  prepare(): Promise<unknown>;
}

export interface AutoRunnerOptions {
  mode: () => RunnerMode;
  /** Why this page cannot host a WebContainer, or undefined when it can. */
  browserUnsupported: () => string | undefined;
  browser: () => BrowserRunner;
  local: Runner;
  /** Whether this site was served with the local runner (GET /api/health). */
  localAvailable: () => Promise<boolean>;
  /** One sentence for the learner when the runner in use is not the one they might expect. */
  onNotice: (notice: string) => void;
}

const NO_RUNNER_HINT =
  'Open the course in a current Chrome, Edge or Firefox, or run it on your computer with `npm install && npm start`.';

export class AutoRunner implements Runner {
  private readonly options: AutoRunnerOptions;
  /** Set once automatic mode has given up on the browser for this tab. */
  private browserFailure: string | undefined;
  private lastLabel = 'Automatic';

  constructor(options: AutoRunnerOptions) {
    this.options = options;
  }

  get label(): string {
    return this.lastLabel;
  }

  async run(request: RunRequest, options: RunOptions = {}): Promise<RunResult> {
    const runner = await this.choose();
    if ('status' in runner) return runner;
    const result = await runner.run(request, options);
    this.lastLabel = runner.label;
    return result;
  }

  async runScript(request: ScriptRequest, options: RunOptions = {}): Promise<RunResult> {
    const runner = await this.choose();
    if ('status' in runner) return runner;
    const result = await runner.runScript(request, options);
    this.lastLabel = runner.label;
    return result;
  }

  /** The runner to use now, or the result that explains why there is none. */
  private async choose(): Promise<Runner | RunResult> {
    const mode = this.options.mode();
    if (mode === 'local') return this.options.local;
    const unsupported = this.options.browserUnsupported();
    if (mode === 'webcontainer') {
      if (unsupported) {
        return problemResult({
          code: 'runner-unavailable',
          message: `This browser cannot run Node in the page: ${unsupported}`,
          hint: `${NO_RUNNER_HINT} Or set "Run code" to the local runner.`,
        });
      }
      return this.options.browser();
    }
    // Automatic.
    if (!unsupported && !this.browserFailure) {
      const browser = this.options.browser();
      try {
        await browser.prepare();
        return browser;
      } catch (error) {
        this.browserFailure = (error as Error).message;
      }
    }
    const why = this.browserFailure ?? `This browser cannot run Node in the page (${unsupported}).`;
    if (await this.options.localAvailable()) {
      this.options.onNotice(
        `${why.replace(/\.$/, '')}, so your code runs on the local runner instead.`,
      );
      return this.options.local;
    }
    return problemResult({
      code: 'runner-unavailable',
      message: `${why.replace(/\.$/, '')}, and this site has no local runner, so exercises cannot run here.`,
      hint: NO_RUNNER_HINT,
    });
  }
}
