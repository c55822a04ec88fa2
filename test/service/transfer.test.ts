/**
 * What a learner downloads, checked on the build as `npm start` serves it: the script a page
 * ships before anyone opens an editor, the WebContainer snapshot an exercise without PostgreSQL
 * needs, the compressed copies and how the server picks one, and which files browsers may cache
 * for good. Budgets are in bytes, never in time: they hold on any machine.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { get, type IncomingHttpHeaders } from 'node:http';
import { dirname, join, relative } from 'node:path';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { init, parse } from 'es-module-lexer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SNAPSHOT_MANIFEST_PATH,
  type SnapshotManifest,
} from '../../src/runner/webcontainer/snapshot-parts.ts';
import { repo, startServer, type Server } from './harness.ts';

const client = join(repo, 'dist', 'client');
const KB = 1024;
const MB = 1024 * KB;
/** Gzipped JavaScript a page may load before an editor is needed (issue 11). */
const PAGE_SCRIPT_BUDGET = 30 * KB;
/** Compressed snapshot an exercise without PostgreSQL needs. */
const CORE_SNAPSHOT_BUDGET = 10 * MB;

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/**
 * The scripts a page runs on load: its module scripts and, transitively, their static imports
 * (dynamic imports are what loads later: the editor, the runners, charts). Sizes gzipped.
 */
async function scriptsOnLoad(html: string): Promise<Map<string, number>> {
  await init;
  const loaded = new Map<string, number>();
  const visit = (code: string, from: string, name: string) => {
    if (loaded.has(name)) return;
    loaded.set(name, gzipSync(code).byteLength);
    const [imports] = parse(code);
    for (const { n: specifier, d: dynamic } of imports) {
      if (dynamic !== -1 || specifier === undefined) continue;
      const path = specifier.startsWith('/')
        ? join(client, specifier)
        : join(dirname(from), specifier);
      visit(readFileSync(path, 'utf8'), path, relative(client, path));
    }
  };
  for (const match of html.matchAll(/<script type="module" src="([^"]+)"/g)) {
    const path = join(client, match[1]!);
    visit(readFileSync(path, 'utf8'), path, relative(client, path));
  }
  for (const [index, match] of [
    ...html.matchAll(/<script type="module">([\s\S]*?)<\/script>/g),
  ].entries()) {
    visit(match[1]!, join(client, 'index.html'), `inline script ${index + 1}`);
  }
  return loaded;
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A GET that keeps the body as sent: fetch() would decompress it and hide the encoding. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    }).on('error', reject);
  });
}

describe('what a lesson page costs to load', () => {
  const pages = files(client).filter((f) => f.endsWith('.html'));

  it('finds the built pages', () => {
    expect(pages.length).toBeGreaterThan(30);
  });

  it(`every page ships at most ${PAGE_SCRIPT_BUDGET / KB} KB of gzipped script before an editor is needed`, async () => {
    const over: string[] = [];
    for (const page of pages) {
      const scripts = await scriptsOnLoad(readFileSync(page, 'utf8'));
      const total = [...scripts.values()].reduce((a, b) => a + b, 0);
      if (total > PAGE_SCRIPT_BUDGET) {
        const largest = [...scripts].sort((a, b) => b[1] - a[1]).slice(0, 3);
        over.push(
          `${relative(client, page)}: ${(total / KB).toFixed(1)} KB (largest: ${largest
            .map(([name, size]) => `${name} ${(size / KB).toFixed(1)} KB`)
            .join(', ')})`,
        );
      }
    }
    expect(over).toEqual([]);
  });

  it('the editor, the runners and zod are not among them', async () => {
    const lesson = pages.find((p) => p.includes(join('learn', '04-streams')))!;
    const names = [...(await scriptsOnLoad(readFileSync(lesson, 'utf8'))).keys()];
    expect(names.some((n) => /monaco|runner-choice|result-schema/.test(n))).toBe(false);
    const code = names
      .filter((n) => !n.startsWith('inline'))
      .map((n) => readFileSync(join(client, n), 'utf8'))
      .join('\n');
    // zod's error messages: present in any bundle that contains zod.
    expect(code).not.toContain('Invalid input');
  });
});

describe('the WebContainer snapshot', () => {
  const manifest = JSON.parse(
    readFileSync(join(client, SNAPSHOT_MANIFEST_PATH), 'utf8'),
  ) as SnapshotManifest;

  it('comes in two content-hashed parts: PostgreSQL only in the database part', () => {
    const { core, database } = manifest.parts;
    expect(core).toMatch(/^_astro\/webcontainer-core\.[\w-]+\.bin$/);
    expect(database).toMatch(/^_astro\/webcontainer-database\.[\w-]+\.bin$/);
    const partOf = (name: string) => manifest.packages.find((p) => p.name === name)?.part;
    expect(partOf('vitest')).toBe('core');
    expect(partOf('@workbench/exercise-kit')).toBe('core');
    expect(partOf('@electric-sql/pglite')).toBe('database');
    const databaseBytes = readFileSync(join(client, database!));
    // The prepared data folder travels with PGlite, so the browser skips initdb too.
    expect(databaseBytes.includes(Buffer.from('postgres-'))).toBe(true);
    expect(readFileSync(join(client, core!)).includes(Buffer.from('pglite.wasm'))).toBe(false);
  });

  it(`an exercise without PostgreSQL downloads at most ${CORE_SNAPSHOT_BUDGET / MB} MB`, () => {
    const core = join(client, manifest.parts.core!);
    for (const copy of [`${core}.br`, `${core}.gz`]) {
      expect(statSync(copy).size).toBeLessThanOrEqual(CORE_SNAPSHOT_BUDGET);
    }
  });
});

describe('compressed copies', () => {
  const compressible = files(client).filter(
    (f) => /\.(html|js|css|json|svg|bin)$/.test(f) && statSync(f).size >= 1024,
  );

  it('every text asset and snapshot has a brotli and a gzip copy with the same bytes inside', () => {
    expect(compressible.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    for (const file of compressible) {
      const original = readFileSync(file);
      for (const [ext, decompress] of [
        ['.br', brotliDecompressSync],
        ['.gz', gunzipSync],
      ] as const) {
        const copy = `${file}${ext}`;
        if (!existsSync(copy) || !decompress(readFileSync(copy)).equals(original)) {
          wrong.push(relative(client, copy));
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('the server (npm start)', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  const lesson = '/learn/04-streams/';
  const editorTypes = () =>
    `/_astro/${readdirSync(join(client, '_astro')).find((f) => /^node-types\.[\w-]+\.json$/.test(f))}`;

  it('sends the brotli copy to a browser that accepts it, gzip to one that takes only gzip', async () => {
    const page = readdirSync(join(client, 'learn', '04-streams'))[0]!;
    const url = `${server.base}${lesson}${page}/`;
    const original = readFileSync(join(client, 'learn', '04-streams', page, 'index.html'));

    const br = await rawGet(url, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['vary']).toMatch(/accept-encoding/i);
    expect(br.headers['content-type']).toMatch(/^text\/html/);
    expect(br.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(brotliDecompressSync(br.body).equals(original)).toBe(true);

    const gz = await rawGet(url, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(original)).toBe(true);

    const plain = await rawGet(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(original)).toBe(true);
  });

  it('pages are revalidated (a 304 when unchanged); hashed assets are cached for a year', async () => {
    const home = await rawGet(`${server.base}/`, { 'accept-encoding': 'br' });
    expect(home.headers['cache-control']).toBe('no-cache');
    const etag = home.headers['etag'];
    expect(etag).toBeDefined();
    const again = await rawGet(`${server.base}/`, {
      'accept-encoding': 'br',
      'if-none-match': etag!,
    });
    expect(again.status).toBe(304);

    const manifest = await rawGet(`${server.base}/${SNAPSHOT_MANIFEST_PATH}`);
    expect(manifest.headers['cache-control']).toBe('no-cache');
    const { parts } = JSON.parse(manifest.body.toString()) as SnapshotManifest;

    for (const path of [editorTypes(), `/${parts.core}`]) {
      const response = await rawGet(`${server.base}${path}`, { 'accept-encoding': 'br' });
      expect(response.status, path).toBe(200);
      expect(response.headers['cache-control'], path).toBe('public, max-age=31536000, immutable');
      expect(response.headers['content-encoding'], path).toBe('br');
    }
  });

  it('the editor type definitions are one compressed request of a few hundred kilobytes', async () => {
    const types = await rawGet(`${server.base}${editorTypes()}`, { 'accept-encoding': 'br' });
    expect(types.headers['content-type']).toMatch(/^application\/json/);
    expect(types.body.byteLength).toBeLessThan(600 * KB);
    const { files: declared } = JSON.parse(brotliDecompressSync(types.body).toString()) as {
      files: Record<string, string>;
    };
    expect(Object.keys(declared)).toContain('node_modules/@types/node/stream.d.ts');
  });

  it('answers what is not a file as before: the API and the 404 page', async () => {
    const health = await rawGet(`${server.base}/api/health`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString())).toMatchObject({ status: 'ok' });
    expect((await rawGet(`${server.base}/no-such-page`)).status).toBe(404);
  });
});
