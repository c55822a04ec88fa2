/**
 * Picks where a learner's code runs, per the "Run code" setting: in the browser
 * (WebContainer), on the local runner (`npm start`), or automatically. Automatic never makes
 * the learner wait for a runtime that may not start: where a local runner answers, runs go there
 * at once while the WebContainer boots in the background, and later runs switch over when it is
 * ready. Without a local runner it waits for the boot, after a quick check that the service a
 * WebContainer boots from answers at all (offline, a boot never fails, it only never finishes).
 * A failed boot is remembered for a while across pages, and the fallback says why in one
 * sentence. Isomorphic; the browser wiring is components/exercise/runner-choice.ts.
 */
import { problemResult, type RunResult } from './result.ts';
import type { RunOptions, RunRequest, Runner, ScriptRequest } from './runner.ts';
import type { RunnerMode } from './runner-mode.ts';

export { runnerModes, type RunnerMode } from './runner-mode.ts';

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
  /**
   * Why the service a WebContainer boots from cannot be reached, or undefined when it answers;
   * asked, in automatic mode only, before booting.
   */
  browserReachable?: () => Promise<string | undefined>;
  /** Keeps a failed boot in mind across pages for a while (localStorage in the browser). */
  failures?: BootFailureMemory;
}

export interface BootFailureMemory {
  recall(): string | undefined;
  remember(reason: string): void;
  forget(): void;
}

const NO_RUNNER_HINT =
  'Open the course in a current Chrome, Edge or Firefox, or run it on your computer with `npm install && npm start`.';

export class AutoRunner implements Runner {
  private readonly options: AutoRunnerOptions;
  /** Set once automatic mode has given up on the browser (this tab, or remembered). */
  private browserFailure: string | undefined;
  private booting: Promise<BrowserRunner> | undefined;
  private booted: BrowserRunner | undefined;
  private lastLabel = 'Automatic';

  constructor(options: AutoRunnerOptions) {
    this.options = options;
    this.browserFailure = options.failures?.recall();
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

  /** Starts the WebContainer once, in the background; remembers why when it cannot. */
  private bootBrowser(): Promise<BrowserRunner> {
    this.booting ??= (async () => {
      const unreachable = await this.options.browserReachable?.();
      if (unreachable) throw new Error(unreachable);
      const browser = this.options.browser();
      await browser.prepare();
      return browser;
    })().then(
      (browser) => {
        this.booted = browser;
        this.options.failures?.forget();
        return browser;
      },
      (error: unknown) => {
        this.browserFailure = (error as Error).message;
        this.options.failures?.remember(this.browserFailure);
        throw error;
      },
    );
    return this.booting;
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
      if (this.booted) return this.booted;
      const booting = this.bootBrowser();
      // Whoever answers first: the local runner now, the browser from the run after it boots.
      if (await this.options.localAvailable()) {
        booting.catch(() => undefined);
        return this.options.local;
      }
      try {
        return await booting;
      } catch {
        // browserFailure says why.
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
