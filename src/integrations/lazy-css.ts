/**
 * Astro adds the CSS of every module a page's scripts can reach to the page's <head>, including
 * modules behind a dynamic import() (withastro/astro#9495). For Monaco that is ~170 KB of CSS
 * on every lesson, for an editor that may never be shown, and xterm's for a terminal most
 * learners never open. Vite already loads that CSS together with the lazy chunks, so the static
 * <link>s are redundant: this removes them from the built pages. The stylesheets are
 * recognised by their selectors.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';

async function htmlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => join(e.parentPath, e.name));
}

/** Selectors that mark a stylesheet as belonging to a lazily loaded module. */
const LAZY_MARKERS = ['.monaco-', '.xterm'];

export function lazyCss(): AstroIntegration {
  return {
    name: 'workbench:lazy-css',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const clientDir = fileURLToPath(dir);
        const assets = join(clientDir, '_astro');
        const lazy = new Set<string>();
        for (const name of await readdir(assets).catch(() => [])) {
          if (!name.endsWith('.css')) continue;
          const css = await readFile(join(assets, name), 'utf8');
          if (LAZY_MARKERS.some((marker) => css.includes(marker))) lazy.add(name);
        }
        if (lazy.size === 0) return;
        const link = /<link rel="stylesheet" href="[^"]*\/_astro\/([^"/]+\.css)"\s*\/?>/g;
        let pages = 0;
        for (const file of await htmlFiles(clientDir)) {
          const html = await readFile(file, 'utf8');
          const stripped = html.replace(link, (tag, name: string) => (lazy.has(name) ? '' : tag));
          if (stripped !== html) {
            await writeFile(file, stripped);
            pages += 1;
          }
        }
        logger.info(`Editor and terminal CSS left to load on demand on ${pages} page(s).`);
      },
    },
  };
}
