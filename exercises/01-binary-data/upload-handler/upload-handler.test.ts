import { watch } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test as base, describe, expect } from 'vitest';
import { handleUpload, type SavedFile, type UploadOptions } from './upload-handler.ts';

interface Answer {
  status: number;
  body: unknown;
}

interface UploadBody {
  files: SavedFile[];
  fields: Record<string, string>;
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff, 0xe0];
const PDF = [...'%PDF-1.7\n'].map((c) => c.charCodeAt(0));

/** `size` bytes that start with `signature`, filled with a pattern that differs per `seed`. */
function bytes(signature: number[], size: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * seed + 17) & 0xff;
  out.set(signature.slice(0, size));
  return out;
}

function file(content: Uint8Array<ArrayBuffer>, type: string): Blob {
  return new Blob([content], { type });
}

/** Whether a failed answer says what went wrong, as `{ error: "<message>" }`. */
function explainsError(answer: Answer): boolean {
  const error = (answer.body as { error?: unknown } | null)?.error;
  return typeof error === 'string' && error.length > 0;
}

/** The value of `promise`, or 'timed out' if it takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timed out'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const BOUNDARY = '----workbench7MA4YWxkTrZu0gW';

/** The start of a file part, as it appears on the wire. */
function fileHead(name: string, filename: string, type: string): string {
  return (
    `--${BOUNDARY}\r\n` +
    `Content-Disposition: form-data; name="${name}"; filename="${filename}"\r\n` +
    `Content-Type: ${type}\r\n\r\n`
  );
}
const CLOSE = `\r\n--${BOUNDARY}--\r\n`;

/**
 * One test's own upload server and directory. Every test gets a fresh one, so the tests can run
 * at the same time: most of them wait for something that a wrong handler never does, and one
 * after another those waits would add up.
 */
interface Harness {
  base: string;
  /** Where handleUpload() saves; a test may point it elsewhere before its first request. */
  dir: string;
  url: string;
  /** Options for this test's requests; the server reads them on each request. */
  options: Omit<UploadOptions, 'dir'>;
  /**
   * What handleUpload() returned (or will return) for each request, in arrival order; `threw`
   * says it threw or rejected instead, which the server answers with a 500.
   */
  results: Array<Promise<Answer & { threw?: string }>>;
  /** Settles once the server has read each request's body to its end, in arrival order. */
  bodiesRead: Array<Promise<'read to the end'>>;
  post(form: FormData): Promise<Answer>;
  /** The directory's contents, sorted. */
  listing(): Promise<string[]>;
  openUpload(): Upload;
}

interface Upload {
  response: Promise<Answer>;
  /** Resolves once the chunk has been handed to the socket. */
  write(chunk: string | Uint8Array): Promise<void>;
  end(): void;
  destroy(): void;
}

// vitest reads a fixture's dependencies from its first parameter, which must be an object
// pattern even when, as here, there are none.
// eslint-disable-next-line no-empty-pattern
const it = base.extend('up', async ({}, { onCleanup }): Promise<Harness> => {
  const root = await mkdtemp(join(tmpdir(), 'upload-handler-'));
  const dir = join(root, 'uploads');
  await mkdir(dir);
  const server: Server = createServer((req, res) => {
    up.bodiesRead.push(new Promise((resolve) => req.once('end', () => resolve('read to the end'))));
    const result = (async () => handleUpload(req, { dir: up.dir, ...up.options }))().catch(
      (error: unknown) => ({
        status: 500,
        body: { error: `handleUpload() threw: ${error}` },
        threw: String(error),
      }),
    );
    up.results.push(result);
    void result.then(({ status, body }) => {
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? null));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`;
  onCleanup(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  const up: Harness = {
    base: root,
    dir,
    url,
    options: {},
    results: [],
    bodiesRead: [],
    async post(form) {
      const res = await fetch(url, { method: 'POST', body: form });
      return { status: res.status, body: await res.json() };
    },
    async listing() {
      return (await readdir(up.dir)).sort();
    },
    // Written by hand, piece by piece, with node:http: fetch() cannot pause in the middle of a
    // body or disconnect halfway through a file.
    openUpload() {
      const req = request(url, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      });
      const response = new Promise<Answer>((resolve, reject) => {
        req.on('error', reject);
        req.on('response', (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
          res.on('error', reject);
        });
      });
      response.catch(() => {}); // destroy() below rejects it on purpose
      return {
        response,
        write: (chunk) =>
          new Promise<void>((resolve, reject) =>
            req.write(chunk, (error) => (error ? reject(error) : resolve())),
          ),
        end: () => req.end(),
        destroy: () => req.destroy(),
      };
    },
  };
  return up;
});

describe('handleUpload()', () => {
  it('saves a file under a new name in dir and returns it with the text fields', async ({ up }) => {
    const photo = bytes(PNG, 2000);
    const form = new FormData();
    form.append('title', 'Holiday');
    form.append('photo', file(photo, 'image/png'), 'beach.png');
    const { status, body } = await up.post(form);
    expect(status, `a valid upload must get 200 (body: ${JSON.stringify(body)})`).toBe(200);

    const { files, fields } = body as UploadBody;
    expect(fields, 'text parts are returned in `fields`, keyed by name').toEqual({
      title: 'Holiday',
    });
    expect(
      files.map(({ field, filename, type, size }) => ({ field, filename, type, size })),
      'each saved file is described by field, filename (as sent), sniffed type and size',
    ).toEqual([{ field: 'photo', filename: 'beach.png', type: 'image/png', size: 2000 }]);
    const savedAs = files[0]!.savedAs;
    expect(
      await up.listing(),
      'dir must hold exactly the saved file, under the name given in savedAs: rename the ' +
        'temporary file once the upload has succeeded',
    ).toEqual([savedAs]);
    expect(
      Buffer.compare(await readFile(join(up.dir, savedAs)), photo),
      'the saved file must hold exactly the uploaded bytes',
    ).toBe(0);
  });

  it('keeps two files with the same client file name apart', async ({ up }) => {
    const first = bytes(PNG, 500, 3);
    const second = bytes(PNG, 700, 5);
    const form = new FormData();
    form.append('photo', file(first, 'image/png'), 'photo.png');
    form.append('photo', file(second, 'image/png'), 'photo.png');
    const { status, body } = await up.post(form);
    expect(status, `two valid files must get 200 (body: ${JSON.stringify(body)})`).toBe(200);
    const { files } = body as UploadBody;
    expect(
      (await up.listing()).length,
      'both files must be kept: choose the name on disk yourself (randomUUID), never use the ' +
        "client's file name, which any other upload can repeat",
    ).toBe(2);
    expect(Buffer.compare(await readFile(join(up.dir, files[0]!.savedAs)), first)).toBe(0);
    expect(Buffer.compare(await readFile(join(up.dir, files[1]!.savedAs)), second)).toBe(0);
  });

  it('sniffs the type from the first bytes: a PNG labelled octet-stream is a PNG', async ({
    up,
  }) => {
    up.options = { allow: ['image/png'] };
    const form = new FormData();
    form.append('photo', file(bytes(PNG, 1000), 'application/octet-stream'), 'IMG_0042');
    const { status, body } = await up.post(form);
    expect(
      status,
      "the part's Content-Type is whatever the client chose to send; decide from the file's " +
        `first bytes, which here are a PNG signature (body: ${JSON.stringify(body)})`,
    ).toBe(200);
    expect((body as UploadBody).files[0]?.type, 'type is the sniffed type').toBe('image/png');
  });

  it('answers 415 for a file that claims to be image/png but is not, keeping nothing', async ({
    up,
  }) => {
    const form = new FormData();
    const exe = new TextEncoder().encode('MZ\u0090\u0000 this is not an image');
    form.append('photo', file(exe, 'image/png'), 'cat.png');
    const answer = await up.post(form);
    expect(
      answer.status,
      'a part labelled image/png whose bytes are not a PNG must get 415: never trust the ' +
        "client's Content-Type (or file name), sniff the first bytes",
    ).toBe(415);
    expect(
      explainsError(answer),
      `a failure answers { error: "<what went wrong>" } (body: ${JSON.stringify(answer.body)})`,
    ).toBe(true);
    expect(await up.listing(), 'a rejected file must not stay in dir, not even partly').toEqual([]);
  });

  it('recognises JPEG and PDF, and answers 415 for a sniffed type missing from allow', async ({
    up,
  }) => {
    up.options = { allow: ['image/jpeg', 'application/pdf'] };
    const form = new FormData();
    form.append('scan', file(bytes(JPEG, 3000), 'image/jpeg'), 'scan.jpg');
    form.append('invoice', file(bytes(PDF, 3000), 'application/pdf'), 'invoice.pdf');
    const accepted = await up.post(form);
    expect(
      accepted.status,
      `JPEG and PDF are allowed here (body: ${JSON.stringify(accepted.body)})`,
    ).toBe(200);
    expect(
      (accepted.body as UploadBody).files.map((f) => f.type),
      'JPEG starts with FF D8 FF, PDF with "%PDF-"',
    ).toEqual(['image/jpeg', 'application/pdf']);

    up.options = { allow: ['image/jpeg'] };
    const disguised = new FormData();
    disguised.append('scan', file(bytes(PDF, 3000), 'image/jpeg'), 'scan.jpg');
    expect(
      (await up.post(disguised)).status,
      'a PDF is not in allow, whatever its label and name say',
    ).toBe(415);
  });

  it('types bytes that match no signature application/octet-stream', async ({ up }) => {
    up.options = { allow: ['application/octet-stream'] };
    const notes = new TextEncoder().encode('meeting notes, no signature here');
    const upload = up.openUpload();
    // A part with no filename is still a file when it is typed application/octet-stream.
    await upload.write(
      `--${BOUNDARY}\r\n` +
        'Content-Disposition: form-data; name="notes"\r\n' +
        'Content-Type: application/octet-stream\r\n\r\n',
    );
    await upload.write(notes);
    await upload.write(CLOSE);
    upload.end();
    const answer = await within(upload.response, 2000);
    expect(
      answer === 'timed out' ? answer : answer.status,
      'bytes that match none of the signatures are application/octet-stream, which this ' +
        `allow list accepts (answer: ${JSON.stringify(answer)})`,
    ).toBe(200);
    const { files } = (answer as Answer).body as UploadBody;
    expect(
      files.map(({ field, filename, type, size }) => ({ field, filename, type, size })),
      "the sniffed type is application/octet-stream, and a part sent without a file name has the filename ''",
    ).toEqual([
      { field: 'notes', filename: '', type: 'application/octet-stream', size: notes.length },
    ]);
  });

  it('sniffs a signature whose bytes arrive in separate chunks', async ({ up }) => {
    up.options = { allow: ['image/png'] };
    const photo = bytes(PNG, 4000);
    const upload = up.openUpload();
    await upload.write(fileHead('photo', 'slow.png', 'image/png'));
    await upload.write(photo.subarray(0, 3));
    await sleep(40);
    await upload.write(photo.subarray(3, 6));
    await sleep(40);
    await upload.write(photo.subarray(6));
    await upload.write(CLOSE);
    upload.end();
    const answer = await within(upload.response, 2000);
    expect(
      answer === 'timed out' ? answer : answer.status,
      'the first chunk of a file can be shorter than a signature (here 3 bytes, then 3, then ' +
        'the rest): collect bytes until you have enough to sniff',
    ).toBe(200);
  });

  it('sniffs a file shorter than a signature once it has ended', async ({ up }) => {
    up.options = { allow: ['application/pdf'] };
    const tiny = new TextEncoder().encode('%PDF-');
    const form = new FormData();
    form.append('doc', file(tiny, 'application/pdf'), 'tiny.pdf');
    const { status, body } = await up.post(form);
    expect(
      status,
      'a file of 5 bytes, "%PDF-", ends before you have 8 bytes to sniff: sniff what there ' +
        `is once the file ends, and save it (body: ${JSON.stringify(body)})`,
    ).toBe(200);
    const saved = (body as UploadBody).files[0];
    expect(
      saved?.type,
      'a file that ends before 8 bytes must be sniffed then: these 5 bytes are a PDF signature',
    ).toBe('application/pdf');
    expect(
      Buffer.compare(await readFile(join(up.dir, saved?.savedAs ?? 'missing')), tiny),
      'the bytes held back for sniffing must be written to the file too',
    ).toBe(0);

    const form2 = new FormData();
    form2.append('report', file(bytes(PDF, 3000), 'application/pdf'), 'report.pdf');
    form2.append('empty', file(new Uint8Array(0), 'application/pdf'), 'empty.pdf');
    expect(
      (await up.post(form2)).status,
      'a file that ends before 8 bytes must still be checked: an empty file is no PDF',
    ).toBe(415);
    expect(
      await up.listing(),
      'a short file rejected at its end fails the request like any other: the first file ' +
        'of the request must not stay in dir',
    ).toEqual([saved?.savedAs]);
  });

  it('accepts a file of exactly maxFileBytes and answers 413 one byte over', async ({ up }) => {
    up.options = { maxFileBytes: 1000 };
    const exact = new FormData();
    exact.append('photo', file(bytes(PNG, 1000), 'image/png'), 'exact.png');
    const { status, body } = await up.post(exact);
    expect(
      status,
      'a file of exactly maxFileBytes is allowed. busboy emits "limit" when a file reaches ' +
        `limits.fileSize, so pass maxFileBytes + 1 (body: ${JSON.stringify(body)})`,
    ).toBe(200);

    const over = new FormData();
    over.append('photo', file(bytes(PNG, 1001), 'image/png'), 'over.png');
    const tooLarge = await up.post(over);
    expect(tooLarge.status, 'one byte over maxFileBytes is too large').toBe(413);
    expect(
      explainsError(tooLarge),
      `a failure answers { error: "<what went wrong>" } (body: ${JSON.stringify(tooLarge.body)})`,
    ).toBe(true);
    expect(
      await up.listing(),
      'only the first, accepted file may be in dir: delete what you wrote of the rejected one',
    ).toEqual([(body as UploadBody).files[0]?.savedAs]);
  });

  it('answers 413 for a 6 MB file under the default 5 MB limit, leaving no file', async ({
    up,
  }) => {
    const big = bytes(PNG, 6 * 1024 * 1024);
    const form = new FormData();
    form.append('video', file(big, 'image/png'), 'big.png');
    expect(
      (await up.post(form)).status,
      'with no maxFileBytes the limit is 5 MB (5 * 1024 * 1024 bytes)',
    ).toBe(413);
    expect(
      await up.listing(),
      'a file that broke the limit must be deleted: no partial file may stay in dir',
    ).toEqual([]);
  });

  // These tests wait for an answer (or a settled promise) that a handler which buffers the
  // whole body never gives: each waits its full time for such a handler. They run together, so
  // that a learner with that bug waits seconds once, not once per test; each has its own server
  // and directory.
  it.concurrent(
    'answers 413 as soon as a file passes the limit, while the upload is still arriving',
    async ({ up }) => {
      up.options = { maxFileBytes: 64 * 1024 };
      const upload = up.openUpload();
      await upload.write(fileHead('photo', 'huge.png', 'image/png'));
      // Four times the limit, and then the client goes quiet without ending the request.
      void upload.write(bytes(PNG, 256 * 1024)).catch(() => {});
      const answer = await within(upload.response, 1500);
      expect(
        answer === 'timed out' ? 'no answer while the client was still sending' : answer.status,
        'the limit must stop the upload as the bytes arrive (busboy limits.fileSize and the ' +
          "file stream's 'limit' event), not once the whole file is in memory or on disk: " +
          'a client can send gigabytes before that',
      ).toBe(413);
      expect(await up.listing(), 'no partial file may stay in dir after a 413').toEqual([]);
      upload.destroy();
    },
  );

  it.concurrent(
    'answers 415 as soon as the first 8 bytes show a type not allowed',
    async ({ up }) => {
      const upload = up.openUpload();
      await upload.write(fileHead('photo', 'photo.png', 'image/png'));
      // The first bytes of a Windows executable, and then the client goes quiet.
      await upload.write(Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]));
      const answer = await within(upload.response, 1500);
      expect(
        answer === 'timed out' ? 'no answer while the client was still sending' : answer.status,
        '8 bytes, the longest signature, are enough to refuse a file: decide then, not once ' +
          'the whole file has arrived',
      ).toBe(415);
      expect(await up.listing(), 'no partial file may stay in dir after a 415').toEqual([]);
      upload.destroy();
    },
  );

  it.concurrent(
    'reads the rest of the body after a failure, so the client can finish sending',
    async ({ up }) => {
      const upload = up.openUpload();
      await upload.write(fileHead('photo', 'photo.png', 'image/png'));
      await upload.write(new TextEncoder().encode('this is no PNG at all'));
      const answer = await within(upload.response, 1500);
      expect(answer === 'timed out' ? answer : answer.status, 'the file is not a PNG').toBe(415);
      // The client has not looked at the answer yet: it sends the rest of its body.
      void upload.write(bytes([], 512 * 1024)).catch(() => {});
      void upload.write(CLOSE).catch(() => {});
      upload.end();
      expect(
        await within(up.bodiesRead[0] ?? Promise.resolve('no request'), 2000),
        'after answering, keep reading (and discarding) the request: stop feeding the parser ' +
          '(unpipe) and resume() the request, or a client that is still sending stalls',
      ).toBe('read to the end');
    },
  );

  it.concurrent('keeps no file when the body breaks off after a complete file', async ({ up }) => {
    const photo = bytes(PNG, 3000);
    const upload = up.openUpload();
    await upload.write(fileHead('first', 'whole.png', 'image/png'));
    await upload.write(photo);
    await upload.write(`\r\n--${BOUNDARY}\r\nContent-Disposition: form-da`);
    // Let the first file reach the disk completely (and a little more time to be done with it)
    // before the body ends in the middle of the second part's headers.
    const fileIsWhole = async () =>
      (await Promise.all((await up.listing()).map((name) => stat(join(up.dir, name))))).some(
        ({ size }) => size === photo.length,
      );
    for (let i = 0; i < 50 && !(await fileIsWhole()); i++) await sleep(20);
    await sleep(50);
    upload.end();
    const answer = await within(upload.response, 2000);
    expect(
      answer === 'timed out' ? answer : answer.status,
      "a body that ends before the closing boundary is malformed: busboy emits 'error', " +
        'answer 400',
    ).toBe(400);
    expect(
      await up.listing(),
      "the request failed, so its complete first file must go too: busboy's 'close' follows " +
        "its 'error', and must not give the files of a failed request their final names",
    ).toEqual([]);
  });

  it.concurrent('answers 500 when a file cannot be given its final name', async ({ up }) => {
    const upload = up.openUpload();
    await upload.write(fileHead('photo', 'beach.png', 'image/png'));
    await upload.write(bytes(PNG, 4000));
    for (let i = 0; i < 50 && (await up.listing()).length === 0; i++) await sleep(20);
    // Something else (a clean-up job, an operator) deletes the temporary file under our feet.
    for (const name of await up.listing()) await rm(join(up.dir, name));
    await upload.write(CLOSE);
    upload.end();
    const answer = await within(upload.response, 2000);
    expect(
      answer === 'timed out' ? 'no answer' : answer.status,
      'renaming the temporary file fails here: that is a disk error too, answer 500 instead ' +
        'of leaving the request without an answer',
    ).toBe(500);
  });

  it.concurrent(
    'deletes the partial file and settles when the client disconnects mid-upload',
    async ({ up }) => {
      const upload = up.openUpload();
      await upload.write(fileHead('photo', 'gone.png', 'image/png'));
      await upload.write(bytes(PNG, 100 * 1024));
      // Give the handler time to start writing the file, then drop the connection.
      for (let i = 0; i < 25 && (await up.listing()).length === 0; i++) await sleep(20);
      upload.destroy();

      const outcome = await within<unknown>(up.results[0] ?? Promise.resolve('no request'), 1500);
      expect(
        outcome === 'timed out' ? 'still pending 1.5 s after the disconnect' : 'settled',
        'a client that disconnects never ends the request, so busboy never finishes: listen for ' +
          "the request's 'close' event (req.complete is false) and fail the upload",
      ).toBe('settled');
      expect(
        explainsError(outcome as Answer),
        `a failure resolves to { error: "<what went wrong>" } even when nobody is left to read ` +
          `it (result: ${JSON.stringify(outcome)})`,
      ).toBe(true);
      expect(
        await up.listing(),
        'the partial file of an upload whose client went away must be deleted',
      ).toEqual([]);
    },
  );

  it('starts no file after a failure, even one that begins in the same chunk', async ({ up }) => {
    up.options = { maxFileBytes: 1000 };
    // Every name that appears in dir while the request is handled, even for a moment: a file
    // created and removed again before the answer leaves no trace in a listing.
    const seen = new Set<string>();
    const MARK = 'watch-caught-up';
    let caughtUp!: () => void;
    const watched = new Promise<void>((resolve) => (caughtUp = resolve));
    const watcher = watch(up.dir, (_event, name) => {
      if (name === MARK) caughtUp();
      else if (name) seen.add(String(name));
    });
    try {
      const upload = up.openUpload();
      // One write, so the parser gets it in one piece: the first file passes the limit inside
      // it, and the second one begins after that, in the part of the chunk parsed after the
      // failure.
      await upload.write(
        Buffer.concat([
          Buffer.from(fileHead('first', 'big.png', 'image/png')),
          bytes(PNG, 2000),
          Buffer.from(`\r\n${fileHead('second', 'small.png', 'image/png')}`),
          bytes(PNG, 100),
          Buffer.from(CLOSE),
        ]),
      );
      upload.end();
      const answer = await within(upload.response, 5000);
      expect(answer === 'timed out' ? answer : answer.status, 'the first file is too large').toBe(
        413,
      );
      // Change notifications arrive in order: once this file's shows up, every earlier one has.
      await writeFile(join(up.dir, MARK), '');
      await watched;
      await rm(join(up.dir, MARK));
    } finally {
      watcher.close();
    }
    expect(
      seen.size,
      `files created in dir during the request: ${[...seen].join(', ')}. After the failure ` +
        'busboy still parses the rest of the chunk it was given and emits "file" for the next ' +
        'part: a file handler that starts writing then creates a file nobody waits for, which ' +
        'the clean-up can miss. Once the request has failed, resume() such a stream and start ' +
        'nothing',
    ).toBeLessThanOrEqual(1);
  });

  it('fails the whole request, keeping no file, when a later file is rejected', async ({ up }) => {
    const form = new FormData();
    form.append('first', file(bytes(PNG, 3000), 'image/png'), 'good.png');
    form.append('second', file(new TextEncoder().encode('plain text'), 'image/png'), 'bad.png');
    expect((await up.post(form)).status, 'the second file is not a PNG').toBe(415);
    expect(
      await up.listing(),
      'the request failed, so none of its files may remain, not even the valid first one: ' +
        'keep every file under a temporary name until the whole request has succeeded',
    ).toEqual([]);
  });

  it('answers 413 when there are more text fields than maxFields', async ({ up }) => {
    up.options = { maxFields: 2 };
    const ok = new FormData();
    ok.append('a', '1');
    ok.append('b', '2');
    expect((await up.post(ok)).status, 'exactly maxFields fields are allowed').toBe(200);

    const tooMany = new FormData();
    tooMany.append('photo', file(bytes(PNG, 3000), 'image/png'), 'photo.png');
    tooMany.append('a', '1');
    tooMany.append('b', '2');
    tooMany.append('c', '3');
    const answer = await up.post(tooMany);
    expect(
      answer.status,
      "more than maxFields text fields must get 413 (busboy's limits.fields and its " +
        "'fieldsLimit' event)",
    ).toBe(413);
    expect(
      explainsError(answer),
      `a failure answers { error: "<what went wrong>" } (body: ${JSON.stringify(answer.body)})`,
    ).toBe(true);
    expect(await up.listing(), 'the failed request must not leave its file behind').toEqual([]);
  });

  it('answers 400 for a body that is not valid multipart', async ({ up }) => {
    const noBoundary = await fetch(up.url, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data' },
      body: 'hello',
    });
    expect(
      noBoundary.status,
      'a multipart Content-Type without a boundary cannot be parsed: busboy() throws, answer 400',
    ).toBe(400);
    const body: unknown = await noBoundary.json();
    expect(
      explainsError({ status: noBoundary.status, body }),
      `a failure answers { error: "<what went wrong>" } (body: ${JSON.stringify(body)})`,
    ).toBe(true);

    const noParts = await fetch(up.url, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      body: 'hello',
    });
    expect(
      noParts.status,
      "a body without a single delimiter is malformed too, file or no file: busboy emits 'error', " +
        'answer 400',
    ).toBe(400);

    const cutOff = await fetch(up.url, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      body: new Blob([fileHead('photo', 'cut.png', 'image/png'), bytes(PNG, 5000)]),
    });
    expect(
      cutOff.status,
      "a body that ends before the closing boundary is malformed: busboy emits 'error', " +
        'answer 400',
    ).toBe(400);
    expect(await up.listing(), 'the half-received file must be deleted').toEqual([]);
  });

  it('answers 500 when a file cannot be written to dir', async ({ up }) => {
    up.dir = join(up.base, 'missing');
    const form = new FormData();
    form.append('photo', file(bytes(PNG, 2000), 'image/png'), 'beach.png');
    const answer = await within(up.post(form), 2000);
    expect(
      answer === 'timed out' ? 'no answer' : answer.status,
      "a disk error (here dir does not exist) is the server's fault: answer 500, not 400",
    ).toBe(500);
    expect(
      (await up.results[0])?.threw ?? 'resolved',
      'handleUpload() must resolve with the answer, not reject: removing temporary files that ' +
        'were never created is no error (rm with force)',
    ).toBe('resolved');
    expect(
      explainsError(answer as Answer),
      `a failure answers { error: "<what went wrong>" } (answer: ${JSON.stringify(answer)})`,
    ).toBe(true);
  });
});
