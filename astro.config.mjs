// @ts-check
import mdx from '@astrojs/mdx';
import node from '@astrojs/node';
import { defineConfig } from 'astro/config';
import { lazyMonacoCss } from './src/integrations/lazy-monaco-css.ts';
import { crossOriginIsolationHeaders } from './src/server/isolation-headers.ts';
import { watchExercises } from './src/server/watch-exercises.ts';

export default defineConfig({
  // Pages are prerendered; only the runner API (src/pages/api/) is rendered on demand.
  output: 'static',
  adapter: node({ mode: 'standalone' }),
  integrations: [mdx(), lazyMonacoCss()],
  trailingSlash: 'ignore',
  server: {
    host: '127.0.0.1',
    port: 4321,
    headers: crossOriginIsolationHeaders,
  },
  markdown: {
    shikiConfig: {
      themes: { light: 'github-light', dark: 'github-dark' },
      wrap: false,
    },
  },
  vite: {
    plugins: [watchExercises()],
    worker: { format: 'es' },
  },
});
