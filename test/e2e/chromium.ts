/**
 * The Chromium the browser tests drive. Playwright's own browser download fetches from a CDN,
 * which closed networks (and this project's rule: package registries only) do not allow, so the
 * browser comes from one of these, first match wins:
 *
 *   1. CHROMIUM_PATH, when set: any Chrome or Chromium the user points at;
 *   2. on Linux x64, the headless shell that @sparticuz/chromium carries inside its npm tarball
 *      (a devDependency), unpacked once into node_modules/.cache together with the NSS
 *      libraries it ships, so it needs nothing from the system but glibc;
 *   3. a system Chromium at /usr/bin/chromium (Debian's package; `npm test` installs it with
 *      apt when it runs as root and nothing above applies, see scripts/provision.ts).
 *
 * Unpacking is synchronous because playwright.config.ts needs the path while it is loaded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';

export interface Chromium {
  executablePath: string;
  /** Environment the browser needs on top of the test's own (the bundled libraries). */
  env: Record<string, string>;
  /** Where it came from, in words, for the test log. */
  source: string;
}

const repo = resolve(import.meta.dirname, '..', '..');
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** What the user can do when no Chromium is found: one line per way. */
export const CHROMIUM_HELP = [
  'set CHROMIUM_PATH to a Chrome or Chromium binary (for example CHROMIUM_PATH="/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")',
  'or, on Debian or Ubuntu, install one: sudo apt-get install chromium',
];

export class ChromiumNotFound extends Error {
  constructor(why: string) {
    super(`No Chromium for the browser tests: ${why}.\nTo fix it, ${CHROMIUM_HELP.join(',\n')}.`);
  }
}

/** The folder @sparticuz/chromium's compressed files are in, when it is installed. */
function bundledPackage(): { bin: string; version: string } | undefined {
  // A direct devDependency, so npm puts it at the top of node_modules. (Its exports map hides
  // package.json from require.resolve.)
  const dir = join(repo, 'node_modules', '@sparticuz', 'chromium');
  try {
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      version: string;
    };
    return { bin: join(dir, 'bin'), version };
  } catch {
    return undefined;
  }
}

/** Brotli-compressed tarball → files under `dir`, with the system's tar. */
function untarBrotli(archive: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const done = spawnSync('tar', ['-x', '-C', dir], {
    input: brotliDecompressSync(readFileSync(archive)),
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  if (done.status !== 0) {
    throw new Error(`Could not unpack ${archive}: ${done.stderr.toString().trim()}`);
  }
}

/**
 * Unpacks the bundled headless shell (once per version) and returns its path. The binary is
 * renamed into place last, so its presence means the whole folder is complete, also after an
 * interrupted run.
 */
function unpackBundled(pkg: { bin: string; version: string }): Chromium {
  const dir = join(repo, 'node_modules', '.cache', 'workbench', `chromium-${pkg.version}`);
  const executablePath = join(dir, 'chromium');
  const libDir = join(dir, 'lib');
  // Chromium reads fonts through fontconfig. Use the system's fonts where there is a
  // configuration for them; a bare machine gets the font the package ships.
  const fontsConf = existsSync('/etc/fonts/fonts.conf') ? undefined : join(dir, 'fonts.conf');
  if (!existsSync(executablePath) || (fontsConf && !existsSync(fontsConf))) {
    rmSync(dir, { recursive: true, force: true });
    untarBrotli(join(pkg.bin, 'al2023.tar.br'), dir); // lib/: NSS, NSPR, expat
    if (fontsConf) {
      untarBrotli(join(pkg.bin, 'fonts.tar.br'), dir); // fonts/Open_Sans
      writeFileSync(
        fontsConf,
        `<?xml version="1.0"?>\n<fontconfig><dir>${join(dir, 'fonts')}</dir><cachedir>${join(dir, 'fonts-cache')}</cachedir></fontconfig>\n`,
      );
    }
    const partial = `${executablePath}.partial`;
    writeFileSync(partial, brotliDecompressSync(readFileSync(join(pkg.bin, 'chromium.br'))), {
      mode: 0o755,
    });
    renameSync(partial, executablePath);
  }
  const inherited = process.env['LD_LIBRARY_PATH'];
  return {
    executablePath,
    env: {
      LD_LIBRARY_PATH: inherited ? `${libDir}:${inherited}` : libDir,
      ...(fontsConf ? { FONTCONFIG_FILE: fontsConf } : {}),
    },
    source: `@sparticuz/chromium ${pkg.version} (headless shell from the npm registry)`,
  };
}

/** The Chromium to use on this machine, or undefined when there is none. */
export function findChromium(): Chromium | undefined {
  const chosen = process.env['CHROMIUM_PATH'];
  if (chosen) {
    if (!existsSync(chosen)) throw new ChromiumNotFound(`CHROMIUM_PATH=${chosen} does not exist`);
    return { executablePath: chosen, env: {}, source: `CHROMIUM_PATH (${chosen})` };
  }
  const pkg = process.platform === 'linux' && process.arch === 'x64' ? bundledPackage() : undefined;
  if (pkg) return unpackBundled(pkg);
  if (existsSync(SYSTEM_CHROMIUM)) {
    return { executablePath: SYSTEM_CHROMIUM, env: {}, source: `system (${SYSTEM_CHROMIUM})` };
  }
  return undefined;
}

/** The same, or an error that says what to do. */
export function requireChromium(): Chromium {
  const found = findChromium();
  if (found) return found;
  throw new ChromiumNotFound(
    process.platform === 'linux' && process.arch === 'x64'
      ? '@sparticuz/chromium is not installed (run npm install) and there is no system Chromium'
      : `npm ships no Chromium for ${process.platform}-${process.arch} and there is none at ${SYSTEM_CHROMIUM}`,
  );
}
