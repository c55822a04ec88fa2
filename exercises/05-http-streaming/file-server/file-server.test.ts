import { createHash } from 'node:crypto';
import { fstatSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setUpSpan } from '@workbench/exercise-kit/set-up';
import { serveFile } from './file-server.ts';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const MB = 1024 * 1024;
const BIG_SIZE = 50 * MB;

let base: string;
let root: string;
let bigPath: string;
let bigSha256: string;
let medium: Buffer;
let server: Server;
let port: number;
let headBodyBytes: number;

beforeAll(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'file-server-')));
  root = join(base, 'public');
  await mkdir(join(root, 'docs', 'guides'), { recursive: true });
  await writeFile(join(root, 'hello.txt'), 'Hello, streams!\n');
  await writeFile(join(root, 'index.html'), '<h1>Hi</h1>\n');
  await writeFile(join(root, 'data.json'), '{"ok":true}\n');
  await writeFile(join(root, 'pixel.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
  for (const name of ['style.css', 'app.js', 'table.csv', 'logo.svg', 'photo.jpg', 'scan.jpeg']) {
    await writeFile(join(root, name), 'stand-in content');
  }
  await writeFile(join(root, 'report.pdf'), 'stand-in content');
  await writeFile(join(root, 'SHOUT.PNG'), 'stand-in content');
  await writeFile(join(root, 'archive.xyz'), 'opaque');
  await writeFile(join(root, 'LICENSE'), 'MIT\n');
  await writeFile(join(root, 'docs', 'guides', 'start here.txt'), 'nested, with a space\n');
  medium = Buffer.alloc(300 * 1024);
  for (let i = 0; i < medium.length; i++) medium[i] = (i * 31 + (i >> 8)) & 0xff;
  await writeFile(join(root, 'medium.bin'), medium);
  // Files outside the root that a path trick must not reach. public-secret/ shares the prefix
  // "public" with the root.
  await writeFile(join(base, 'secret.txt'), 'TOP SECRET\n');
  await mkdir(join(base, 'public-secret'));
  await writeFile(join(base, 'public-secret', 'key.txt'), 'TOP SECRET KEY\n');

  // 50 MB written 1 MB at a time from one reused block: building it as one big Buffer would
  // leave 50 MB of garbage that the garbage collector might free in the middle of a measurement.
  // Set-up, not the learner's time: it is slow on a busy machine.
  bigPath = join(root, 'big.bin');
  await setUpSpan(async () => {
    const block = Buffer.alloc(MB);
    const hash = createHash('sha256');
    const file = await open(bigPath, 'w');
    for (let i = 0; i < BIG_SIZE / MB; i++) {
      block.fill(i & 0xff);
      block.writeUInt32BE(i, 0);
      hash.update(block);
      await file.write(block);
    }
    await file.close();
    bigSha256 = hash.digest('hex');
  });
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

beforeEach(async () => {
  headBodyBytes = 0;
  const handler = serveFile(root);
  server = createServer((req, res) => {
    if (req.method === 'HEAD') countBodyBytes(res);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/**
 * Adds up the body bytes the handler hands to a response, in `headBodyBytes`. Node drops them
 * without a word when the request was HEAD, so the client cannot tell whether the handler read
 * the whole file for nothing; this can. Every way of sending a body ends in write() or end():
 * pipe() and pipeline() call write() for each chunk.
 */
function countBodyBytes(res: ServerResponse): void {
  const size = (chunk: unknown) =>
    typeof chunk === 'string' || chunk instanceof Uint8Array ? Buffer.byteLength(chunk) : 0;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((...args: unknown[]) => {
    headBodyBytes += size(args[0]);
    return write(...args);
  }) as ServerResponse['write'];
  res.end = ((...args: unknown[]) => {
    headBodyBytes += size(args[0]);
    return end(...args);
  }) as ServerResponse['end'];
}

/**
 * One real request. `path` goes on the wire exactly as given (fetch() would normalise "/../"
 * away before sending it), and `agent: false` gives every request its own connection. A body
 * always goes with its Content-Length: Node's client frames none for DELETE on its own, and the
 * server's parser would then read the body as the start of a second, malformed request and
 * answer 400 to whichever handler had not replied yet.
 */
function send(method: string, path: string, body?: string): Promise<Reply> {
  const headers = body === undefined ? {} : { 'content-length': Buffer.byteLength(body) };
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, method, path, headers, agent: false };
    const req = httpRequest(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The media type without parameters: 'text/plain; charset=utf-8' -> 'text/plain'. */
function mediaType(headers: IncomingHttpHeaders): string | undefined {
  return headers['content-type']?.split(';')[0]?.trim().toLowerCase();
}

/** How the body was framed, in words, for assertions that must name the difference. */
function framing(headers: IncomingHttpHeaders): string {
  if (headers['transfer-encoding']) return `Transfer-Encoding: ${headers['transfer-encoding']}`;
  return `Content-Length: ${headers['content-length'] ?? '(none)'}`;
}

/**
 * How many file descriptors of this process are open on `file`, by asking the operating system
 * rather than the handler: /proc/self/fd (Linux) or /dev/fd (macOS) lists every open descriptor,
 * and fstat() tells which file each one is. It works whatever API the handler opened the file
 * with. Where neither folder exists (a WebContainer, say), the first 1024 descriptor numbers are
 * tried one by one instead.
 */
async function openDescriptorsOn(file: string): Promise<number> {
  const { dev, ino } = await stat(file);
  const everyNumber = Array.from({ length: 1024 }, (_, fd) => String(fd));
  const fds = await readdir('/proc/self/fd').catch(() =>
    readdir('/dev/fd').catch(() => everyNumber),
  );
  let count = 0;
  for (const fd of fds) {
    try {
      const info = fstatSync(Number(fd));
      if (info.dev === dev && info.ino === ino) count++;
    } catch {
      // Not an open descriptor (or the one that listed the folder, already closed again).
    }
  }
  return count;
}

describe('serveFile()', () => {
  it('serves a file with 200, its exact bytes, Content-Length and Content-Type', async () => {
    const reply = await send('GET', '/hello.txt');
    expect(reply.status, 'GET of an existing file must answer 200').toBe(200);
    expect(reply.body.toString(), 'the body must be the file, byte for byte').toBe(
      'Hello, streams!\n',
    );
    expect(
      framing(reply.headers),
      'the response must carry Content-Length with the file size from stat(): without it Node ' +
        'falls back to chunked encoding, and the client cannot show progress or tell a ' +
        'complete download from one that broke off',
    ).toBe('Content-Length: 16');
    expect(mediaType(reply.headers), 'a .txt file is text/plain').toBe('text/plain');
  });

  it('picks Content-Type from the extension, application/octet-stream otherwise', async () => {
    const types: Record<string, string | undefined> = {};
    const expected = {
      '/index.html': 'text/html',
      '/style.css': 'text/css',
      '/app.js': 'text/javascript',
      '/data.json': 'application/json',
      '/hello.txt': 'text/plain',
      '/table.csv': 'text/csv',
      '/logo.svg': 'image/svg+xml',
      '/pixel.png': 'image/png',
      '/photo.jpg': 'image/jpeg',
      '/scan.jpeg': 'image/jpeg',
      '/report.pdf': 'application/pdf',
      '/archive.xyz': 'application/octet-stream',
      '/LICENSE': 'application/octet-stream',
    };
    for (const path of Object.keys(expected)) {
      types[path] = mediaType((await send('GET', path)).headers);
    }
    expect(
      types,
      'Content-Type comes from the file extension, with every type of the CONTENT_TYPES ' +
        'table as it stands; an unknown extension, or none, must be served as ' +
        'application/octet-stream (never guess text/html for unknown bytes)',
    ).toEqual(expected);
    expect(
      mediaType((await send('GET', '/SHOUT.PNG')).headers),
      'the extension is matched whatever its letter case: SHOUT.PNG is a .png file',
    ).toBe('image/png');
  });

  it('serves binary files intact, files in subfolders, and ignores the query string', async () => {
    const binary = await send('GET', '/medium.bin');
    expect(binary.status).toBe(200);
    expect(framing(binary.headers), 'a 300 KB file needs its Content-Length as well').toBe(
      `Content-Length: ${medium.length}`,
    );
    expect(
      binary.body.equals(medium),
      'a binary file must arrive byte for byte (do not decode it as text)',
    ).toBe(true);
    const nested = await send('GET', '/docs/guides/start%20here.txt?version=2');
    expect(
      [nested.status, nested.body.toString()],
      'the path is percent-decoded ("%20" is a space), subfolders work, and "?..." is the ' +
        'query string, not part of the file name',
    ).toEqual([200, 'nested, with a space\n']);
  });

  it('answers 404 for a missing file and for a directory', async () => {
    expect((await send('GET', '/nope.txt')).status, 'a missing file is 404').toBe(404);
    expect((await send('GET', '/docs/missing/deeper.txt')).status, 'a missing folder too').toBe(
      404,
    );
    expect(
      (await send('GET', '/docs')).status,
      'a directory is not a file to stream: answer 404 (check stat().isFile())',
    ).toBe(404);
    expect(
      (await send('GET', '/')).status,
      'the root itself is a directory inside the root, not a path that escapes it: 404, not 403',
    ).toBe(404);
    expect((await send('GET', '/hello.txt')).status, 'and the server keeps working').toBe(200);
  });

  it('refuses paths that escape the root, encoded or not', async () => {
    const attempts = [
      '/../secret.txt',
      '/docs/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/docs/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/../public-secret/key.txt',
    ];
    const leaks: string[] = [];
    for (const path of attempts) {
      const reply = await send('GET', path);
      if (![403, 404].includes(reply.status) || reply.body.includes('TOP SECRET')) {
        leaks.push(`${path} -> ${reply.status}`);
      }
    }
    expect(
      leaks,
      'a request path must never reach a file outside the root: decode it first (%2e%2e is ' +
        '"..", %2f is "/"), resolve it against the root, and answer 403 unless the result is ' +
        'the root or starts with root + path.sep (a bare startsWith(root) lets /public-secret ' +
        'pass for /public)',
    ).toEqual([]);
  });

  it('answers 400 to a malformed percent-encoding and keeps serving', async () => {
    expect(
      (await send('GET', '/%E0%A4%A.txt')).status,
      'decodeURIComponent() throws on a broken escape: catch it and answer 400, or the ' +
        'exception escapes the handler',
    ).toBe(400);
    expect((await send('GET', '/hello.txt')).status, 'the server must survive it').toBe(200);
    expect(
      (await send('GET', '/hello.txt%00.png')).status,
      'a NUL byte (%00) decodes fine but no file name can contain it: refuse it with 400 or ' +
        '404, and keep serving',
    ).toBeOneOf([400, 404]);
    expect((await send('GET', '/hello.txt')).status, 'the server must survive it').toBe(200);
  });

  it('answers 405 with an Allow header to methods other than GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const reply = await send(method, '/hello.txt', 'overwrite?');
      expect(
        [reply.status, reply.headers.allow?.replace(/\s/g, '').split(',').sort().join(',')],
        `${method} must be refused with 405 and an Allow header that lists GET and HEAD`,
      ).toEqual([405, 'GET,HEAD']);
    }
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const head = await send('HEAD', '/medium.bin');
    expect(
      [head.status, framing(head.headers), mediaType(head.headers)],
      'HEAD must send the same status, Content-Length and Content-Type as GET would',
    ).toEqual([200, `Content-Length: ${medium.length}`, 'application/octet-stream']);
    expect(head.body.length, 'HEAD has no body').toBe(0);
    expect((await send('HEAD', '/nope.txt')).status, 'HEAD of a missing file is 404').toBe(404);
  });

  it('answers HEAD from stat() without reading the file', async () => {
    const head = await send('HEAD', '/big.bin');
    expect(head.status).toBe(200);
    expect(
      headBodyBytes,
      'HEAD must be answered with the headers alone: end the response right after writeHead() ' +
        'and do not stream the file into it. Node drops those bytes before they reach the ' +
        'client, but only after the handler has read the whole file from disk for nothing ' +
        '(bytes of body written to the HEAD response)',
    ).toBe(0);
  });

  it('streams a 50 MB file with memory that does not grow with the file', async () => {
    const arrayBuffers = () => process.memoryUsage().arrayBuffers;
    const before = arrayBuffers();
    let peakWhilePaused = 0;
    const download = await new Promise<{ status: number; size: number; sha256: string }>(
      (resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, path: '/big.bin', agent: false },
          (res) => {
            const hash = createHash('sha256');
            let size = 0;
            let paused = false;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              hash.update(chunk);
              if (paused) return;
              // A slow client: stop reading after the first chunk, and watch what the server
              // holds while it waits. A streaming server stops reading the file once the
              // socket is full; a buffering one already has the whole file in memory.
              paused = true;
              res.pause();
              void (async () => {
                for (let i = 0; i < 15; i++) {
                  peakWhilePaused = Math.max(peakWhilePaused, arrayBuffers() - before);
                  await sleep(15);
                }
                res.resume();
              })();
            });
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, size, sha256: hash.digest('hex') }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
    expect(
      [download.status, download.size, download.sha256 === bigSha256],
      'the whole 50 MB file must arrive intact',
    ).toEqual([200, BIG_SIZE, true]);
    expect(
      Math.round(peakWhilePaused / MB),
      'while a slow client reads, the server must not buffer the file: readFile() + ' +
        'res.end(data) holds all 50 MB (a 5 GB file would crash the process), and so does ' +
        'res.write() in a loop that ignores backpressure. Stream it with createReadStream() and ' +
        'pipeline() (MB of ArrayBuffer memory held while the client waits; at most 16 allowed)',
    ).toBeLessThanOrEqual(16);
  });

  it('closes the file when the client disconnects in the middle of a download', async () => {
    await new Promise<void>((resolve) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/big.bin', agent: false },
        (res) => {
          res.once('data', () => {
            // The client gives up after the first chunk, with most of the 50 MB still unsent.
            req.destroy();
            resolve();
          });
        },
      );
      req.on('error', () => {}); // destroying our own request is not a failure
      req.end();
    });
    let stillOpen = await openDescriptorsOn(bigPath);
    for (let waited = 0; stillOpen > 0 && waited < 1000; waited += 20) {
      await sleep(20);
      stillOpen = await openDescriptorsOn(bigPath);
    }
    expect(
      stillOpen,
      'when the client goes away, the response closes early and nothing will ever read the ' +
        'rest of the file: with readStream.pipe(res) the file stream stays paused with its ' +
        'descriptor open forever (a leak per aborted download). Use pipeline(), or destroy the ' +
        'file stream on the response\'s "close" event (number of descriptors left open)',
    ).toBe(0);
  });
});
