/**
 * Static hosts do not run serve.ts, so the build writes the cross-origin isolation headers, and
 * the caching of content-hashed assets and search index chunks, in the file the host reads:
 * `_headers` in the output folder (Netlify, Cloudflare Pages). Vercel reads vercel.json at the
 * repository root instead; a unit test keeps it in step with isolation-headers.ts and
 * static-files.ts. See docs/deploy.md.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { crossOriginIsolationHeaders } from '../server/isolation-headers.ts';
import { HASHED_FOLDERS, IMMUTABLE } from '../server/static-files.ts';

export function headersFile(): string {
  const lines = Object.entries(crossOriginIsolationHeaders).map(
    ([name, value]) => `  ${name}: ${value}`,
  );
  // Hashed names (static-files.ts): the same year-long caching the Node server gives them.
  const hashed = HASHED_FOLDERS.map((folder) => `${folder}*\n  Cache-Control: ${IMMUTABLE}\n`);
  return `/*\n${lines.join('\n')}\n${hashed.join('')}`;
}

export function staticHeaders(): AstroIntegration {
  return {
    name: 'workbench:static-headers',
    hooks: {
      'astro:build:done': async ({ dir }) => {
        await writeFile(join(fileURLToPath(dir), '_headers'), headersFile());
      },
    },
  };
}
