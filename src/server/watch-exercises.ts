/**
 * `npm run dev`: lesson pages read exercise files at render time, but Vite only watches what
 * it imports. This plugin watches exercises/ and solutions/ and reloads the browser when an
 * author saves one, so a preview never shows a stale starter or test file.
 */
import { resolve } from 'node:path';
import type { Plugin } from 'vite';

export function watchExercises(): Plugin {
  return {
    name: 'workbench:watch-exercises',
    apply: 'serve',
    configureServer(server) {
      const dirs = ['exercises', 'solutions'].map((dir) => resolve(server.config.root, dir));
      server.watcher.add(dirs);
      const reload = (file: string) => {
        if (dirs.some((dir) => file.startsWith(dir))) server.ws.send({ type: 'full-reload' });
      };
      server.watcher.on('change', reload);
      server.watcher.on('add', reload);
      server.watcher.on('unlink', reload);
    },
  };
}
