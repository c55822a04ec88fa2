/**
 * Runs before `npm start` and `npm test` (their pre-scripts) and provides what they need beyond
 * node_modules, from package registries only, or stops with the exact command that would.
 *
 *   node scripts/provision.ts start   bubblewrap for the runner's sandbox, when it can be had;
 *                                     without it the server still starts, unsandboxed, on
 *                                     loopback only, and says so
 *   node scripts/provision.ts test    bubblewrap and a Chromium, both required: the service
 *                                     tests prove the sandbox, the browser tests need a browser
 *
 * Node.js itself comes with `npm install` (see scripts/check-node.mjs). Chromium comes from npm
 * too, on Linux x64 (test/e2e/chromium.ts). What only the system can provide, bubblewrap (and
 * Chromium elsewhere), is installed with apt-get when this runs as root on a machine that has it,
 * as in a container or on CI; otherwise the message says what to run.
 */
import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';
import { probeSandbox } from '../src/runner/local/sandbox/sandbox.ts';
import { CHROMIUM_HELP, findChromium, type Chromium } from '../test/e2e/chromium.ts';

const mode = process.argv[2];
if (mode !== 'start' && mode !== 'test') {
  console.error('Usage: node scripts/provision.ts start|test');
  process.exit(2);
}
const linux = process.platform === 'linux';
const sandboxWanted = process.env['WORKBENCH_SANDBOX'] !== 'off';

function onPath(command: string): boolean {
  return (process.env['PATH'] ?? '')
    .split(delimiter)
    .some((dir) => dir !== '' && existsSync(join(dir, command)));
}

function chromiumOrProblem(): { found?: Chromium; problem?: string } {
  try {
    const found = findChromium();
    if (found) return { found };
    return {
      problem: `No Chromium for the browser tests. To fix it, ${CHROMIUM_HELP.join(', ')}.`,
    };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/** Installs Debian packages when this runs as root where apt-get exists; false otherwise. */
function aptInstall(packages: string[]): boolean {
  if (!linux || process.getuid?.() !== 0 || !onPath('apt-get')) return false;
  console.log(`Installing ${packages.join(' and ')} with apt-get (Debian's packages)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...packages],
  ]) {
    // dpkg's progress is hundreds of lines: show it only when something went wrong.
    const done = spawnSync('apt-get', args, { env, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (done.status !== 0) {
      console.error(`apt-get ${args.join(' ')} failed:\n${done.stdout}${done.stderr}`);
      return false;
    }
  }
  console.log(`Installed ${packages.join(' and ')}.`);
  return true;
}

// 1. Install what is missing and comes from Debian's packages, where this process may.
const debian: string[] = [];
if (linux && sandboxWanted && !onPath('bwrap')) debian.push('bubblewrap');
if (mode === 'test' && linux && chromiumOrProblem().problem) debian.push('chromium');
// When this cannot install them, `npm start` goes on: the server's start-up warning names what
// is missing and it listens on loopback only.
if (debian.length > 0) aptInstall(debian);

// 2. `npm test` needs both; check them as they are now and say what to do about each.
if (mode === 'test') {
  const problems: string[] = [];
  if (sandboxWanted) {
    if (!linux) {
      problems.push(
        `The service tests prove the runner's sandbox, which needs Linux with bubblewrap; this is ${process.platform}. Run \`npm test\` on Linux (a VM or a container will do).`,
      );
    } else if (!onPath('bwrap')) {
      problems.push(
        'bubblewrap is not installed. On Debian or Ubuntu: sudo apt-get install bubblewrap (Fedora: sudo dnf install bubblewrap).',
      );
    } else {
      const sandbox = probeSandbox();
      if (!sandbox.available)
        problems.push(`The sandbox does not work here: ${sandbox.missing.join('; ')}.`);
      else
        console.log(
          `Sandbox: bubblewrap${sandbox.ownUid ? ', a uid of its own per run' : ', runs share your uid'}.`,
        );
    }
  }
  const chromium = chromiumOrProblem();
  if (chromium.problem) problems.push(chromium.problem);
  else console.log(`Chromium: ${chromium.found!.source}.`);

  if (problems.length > 0) {
    console.error(`\n\`npm test\` cannot run all its tests on this machine yet:\n`);
    for (const problem of problems) console.error(`  - ${problem.replaceAll('\n', '\n    ')}`);
    console.error('\nThen run `npm test` again.');
    process.exit(1);
  }
}
