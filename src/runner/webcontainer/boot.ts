/**
 * Boots the real WebContainer (browser only). @webcontainer/api is imported on first use, and
 * the container is booted once per tab: the promise lives in this module, which the site's
 * client-side navigation keeps alive from lesson to lesson.
 */
import type { Container } from './container.ts';

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

/** The dependency snapshot built with the site, or undefined when this build has none. */
export async function fetchDependencySnapshot(base: string): Promise<Uint8Array | undefined> {
  const response = await fetch(`${base}webcontainer/dependencies.bin`);
  if (!response.ok) return undefined;
  return new Uint8Array(await response.arrayBuffer());
}
