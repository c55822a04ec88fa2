/**
 * Boots the real WebContainer (browser only). @webcontainer/api is imported on first use, and
 * the container is booted once per tab: the promise lives in this module, which the site's
 * client-side navigation keeps alive from lesson to lesson.
 */
import type { Container } from './container.ts';
import {
  isSnapshotManifest,
  SNAPSHOT_MANIFEST_PATH,
  type SnapshotManifest,
  type SnapshotPart,
} from './snapshot-parts.ts';

let booting: Promise<Container> | undefined;

export function bootWebContainer(): Promise<Container> {
  booting ??= import('@webcontainer/api')
    .then(({ WebContainer }) =>
      WebContainer.boot({ coep: 'require-corp', workdirName: 'workbench' }),
    )
    .then((wc): Container => ({
      fs: wc.fs,
      workdir: wc.workdir,
      mount: (snapshot) => wc.mount(snapshot),
      spawn: (command, args, options) => wc.spawn(command, args, options),
      teardown: () => {
        booting = undefined;
        wc.teardown();
      },
    }))
    .catch((error: unknown) => {
      booting = undefined;
      throw error;
    });
  return booting;
}

/**
 * The dependency snapshot's parts as the build named them (snapshot-parts.ts). A part is
 * fetched when first asked for, once per tab; undefined when this build has none (`astro dev`),
 * and the runner then installs with npm instead.
 */
export function dependencySnapshots(
  base: string,
): (part: SnapshotPart) => Promise<Uint8Array | undefined> {
  let manifest: Promise<SnapshotManifest | undefined> | undefined;
  const parts = new Map<SnapshotPart, Promise<Uint8Array | undefined>>();
  const readManifest = async (): Promise<SnapshotManifest | undefined> => {
    // no-cache: the manifest is the one file that changes name-for-name between releases.
    const response = await fetch(`${base}${SNAPSHOT_MANIFEST_PATH}`, { cache: 'no-cache' });
    if (!response.ok) return undefined;
    const body: unknown = await response.json();
    return isSnapshotManifest(body) ? body : undefined;
  };
  const fetchPart = async (part: SnapshotPart): Promise<Uint8Array | undefined> => {
    manifest ??= readManifest().catch((error: unknown) => {
      manifest = undefined;
      throw error;
    });
    const path = (await manifest)?.parts[part];
    if (path === undefined) return undefined;
    const response = await fetch(`${base}${path}`);
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  };
  return (part) => {
    let fetched = parts.get(part);
    if (!fetched) {
      fetched = fetchPart(part).catch((error: unknown) => {
        parts.delete(part);
        throw error;
      });
      parts.set(part, fetched);
    }
    return fetched;
  };
}

/** Where @webcontainer/api loads the runtime from, in an iframe (its DEFAULT_EDITOR_ORIGIN). */
const SERVICE_ORIGIN = 'https://stackblitz.com';
const PROBE_TIMEOUT_MS = 4000;

/**
 * Why the service a WebContainer boots from cannot be reached, or undefined when it answers.
 * Offline, behind a proxy that blocks it, or with third-party requests disabled, a boot never
 * fails: it only never finishes. This says so within a few seconds. `no-cors` makes the answer
 * opaque, which is enough: only whether one came matters. The page the boot loads is made to be
 * embedded in cross-origin isolated pages, so the page's own isolation does not block it.
 */
export async function webContainerServiceProblem(): Promise<string | undefined> {
  try {
    await fetch(`${SERVICE_ORIGIN}/headless`, {
      mode: 'no-cors',
      credentials: 'omit',
      cache: 'no-store',
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    return undefined;
  } catch (error) {
    const host = new URL(SERVICE_ORIGIN).host;
    return (error as Error).name === 'TimeoutError'
      ? `Node in the browser starts from StackBlitz's servers (${host}), which did not answer within ${PROBE_TIMEOUT_MS / 1000} s.`
      : `Node in the browser starts from StackBlitz's servers (${host}), which this browser cannot reach.`;
  }
}
