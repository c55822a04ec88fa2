// @ts-check
import mdx from '@astrojs/mdx';
import node from '@astrojs/node';
import { defineConfig } from 'astro/config';
import { readFileSync } from 'node:fs';
import { editorTypes } from './src/integrations/editor-types.ts';
import { lazyCss } from './src/integrations/lazy-css.ts';
import { precompress } from './src/integrations/precompress.ts';
import { runnableCode } from './src/integrations/runnable-code.ts';
import { solutionFiles } from './src/integrations/solution-files.ts';
import { searchIndex } from './src/integrations/search-index.ts';
import { staticHeaders } from './src/integrations/static-headers.ts';
import { webcontainerSnapshot } from './src/integrations/webcontainer-snapshot.ts';
import { crossOriginIsolationHeaders } from './src/server/isolation-headers.ts';
import { watchExercises } from './src/server/watch-exercises.ts';

export default defineConfig({
  // Pages are prerendered; only the runner API (src/pages/api/) is rendered on demand.
  output: 'static',
  adapter: node({ mode: 'standalone' }),
  integrations: [
    mdx(),
    lazyCss(),
    editorTypes(import.meta.dirname),
    staticHeaders(),
    solutionFiles(import.meta.dirname),
    searchIndex(),
    webcontainerSnapshot(import.meta.dirname),
    // Last: it compresses what the others wrote.
    precompress(),
  ],
  trailingSlash: 'ignore',
  server: {
    host: '127.0.0.1',
    port: 4321,
    headers: crossOriginIsolationHeaders,
  },
  markdown: {
    shikiConfig: {
      // High-contrast variants: the plain GitHub light theme's orange fails WCAG AA on white.
      themes: { light: 'github-light-high-contrast', dark: 'github-dark-high-contrast' },
      transformers: [runnableCode()],
      wrap: false,
    },
  },
  vite: {
    plugins: [watchExercises()],
    define: {
      // The vitest the WebContainer installs when it has no snapshot: the one the local runner uses.
      __VITEST_VERSION__: JSON.stringify(
        JSON.parse(
          readFileSync(new URL('./node_modules/vitest/package.json', import.meta.url), 'utf8'),
        ).version,
      ),
    },
    worker: { format: 'es' },
  },
});
