import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { headersFile } from '../../src/integrations/static-headers.ts';
import { crossOriginIsolationHeaders } from '../../src/server/isolation-headers.ts';
import { cacheControlFor, HASHED_FOLDERS, IMMUTABLE } from '../../src/server/static-files.ts';

describe('static host header files', () => {
  it('_headers (Netlify, Cloudflare Pages) applies every isolation header to every path', () => {
    const text = headersFile();
    expect(text.split('\n')[0]).toBe('/*');
    for (const [name, value] of Object.entries(crossOriginIsolationHeaders)) {
      expect(text).toContain(`  ${name}: ${value}\n`);
    }
  });

  it('vercel.json sends the same headers as the Node server', () => {
    const config = JSON.parse(
      readFileSync(new URL('../../vercel.json', import.meta.url), 'utf8'),
    ) as {
      outputDirectory: string;
      headers: Array<{ source: string; headers: Array<{ key: string; value: string }> }>;
    };
    expect(config.outputDirectory).toBe('dist/client');
    const all = config.headers.find((h) => h.source === '/(.*)');
    expect(Object.fromEntries(all!.headers.map((h) => [h.key, h.value]))).toEqual(
      crossOriginIsolationHeaders,
    );
    for (const folder of HASHED_FOLDERS) {
      const hashed = config.headers.find((h) => h.source === `${folder}(.*)`);
      expect(hashed?.headers, folder).toEqual([{ key: 'Cache-Control', value: IMMUTABLE }]);
    }
  });

  it('content-hashed assets are cached for good everywhere, everything else is revalidated', () => {
    expect(cacheControlFor('/_astro/webcontainer-core.abc.bin')).toBe(IMMUTABLE);
    expect(cacheControlFor('/learn/04-streams/lines/')).toBe('no-cache');
    expect(cacheControlFor('/webcontainer/manifest.json')).toBe('no-cache');
    expect(headersFile()).toContain(`/_astro/*\n  Cache-Control: ${IMMUTABLE}\n`);
  });

  it('search index chunks are cached for good, the files that name them are revalidated', () => {
    expect(cacheControlFor('/pagefind/fragment/en_2a406e6.pf_fragment')).toBe(IMMUTABLE);
    expect(cacheControlFor('/pagefind/index/en_1fddd31.pf_index')).toBe(IMMUTABLE);
    expect(cacheControlFor('/pagefind/pagefind.js')).toBe('no-cache');
    expect(cacheControlFor('/pagefind/pagefind-entry.json')).toBe('no-cache');
    expect(cacheControlFor('/pagefind/wasm.en.pagefind')).toBe('no-cache');
    expect(headersFile()).toContain(`/pagefind/fragment/*\n  Cache-Control: ${IMMUTABLE}\n`);
    expect(headersFile()).toContain(`/pagefind/index/*\n  Cache-Control: ${IMMUTABLE}\n`);
  });
});
