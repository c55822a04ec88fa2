import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UploadAssembler } from './upload-assembler.ts';

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `size` bytes in a pattern that differs from one 16-byte block to the next. */
function payload(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 7 + (i >> 4) * 13) & 0xff;
  return out;
}

/** Cuts `bytes` the way a client does: chunkSize bytes each, the last one shorter. */
function cut(bytes: Uint8Array, chunkSize: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.byteLength; start += chunkSize) {
    chunks.push(Buffer.from(bytes.subarray(start, start + chunkSize)));
  }
  return chunks;
}

/**
 * What a call came to, as one short value: its result, or the `code` of what it threw. Keeps
 * a failure to one line, and turns an unexpected crash into a readable assertion.
 */
function outcome<T>(call: () => T): T | string {
  try {
    return call();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : `an error without a code: ${String(error)}`;
  }
}

/** complete() as text, or the code it failed with. */
function completeText(assembler: UploadAssembler, id: string, expected: string): string {
  return outcome(() => assembler.complete(id, sha256(Buffer.from(expected))).toString());
}

/** Where two byte sequences first differ, in one line ('none' if they are equal). */
function firstDifference(actual: Uint8Array | string, expected: Uint8Array): string {
  if (typeof actual === 'string') return `complete() failed with ${actual}`;
  const length = Math.min(actual.byteLength, expected.byteLength);
  for (let i = 0; i < length; i++) {
    if (actual[i] !== expected[i]) return `byte ${i} differs (of ${expected.byteLength})`;
  }
  if (actual.byteLength !== expected.byteLength) {
    return `${actual.byteLength} bytes instead of ${expected.byteLength}`;
  }
  return 'none';
}

describe('UploadAssembler', () => {
  it('assembles chunks sent in order into the original bytes', () => {
    const assembler = new UploadAssembler();
    const text = 'The quick brown fox jumps';
    const id = assembler.init(text.length, 5);
    cut(Buffer.from(text), 5).forEach((chunk, i) => assembler.putChunk(id, i, chunk));
    expect(completeText(assembler, id, text), 'five chunks sent in order').toBe(text);
  });

  it('puts chunks that arrive out of order at their index, not in arrival order', () => {
    const assembler = new UploadAssembler();
    const text = 'The quick brown fox jumps';
    const chunks = cut(Buffer.from(text), 5);
    const id = assembler.init(text.length, 5);
    for (const i of [3, 0, 4, 1, 2]) assembler.putChunk(id, i, chunks[i]!);
    expect(
      completeText(assembler, id, text),
      'parallel uploads make chunks arrive in any order: chunk i belongs at byte i * chunkSize, ' +
        'so assemble by index instead of appending chunks as they arrive',
    ).toBe(text);
  });

  it('accepts a repeated chunk as a duplicate and stores its bytes once', () => {
    const assembler = new UploadAssembler();
    const bytes = payload(40);
    const chunks = cut(bytes, 16);
    const id = assembler.init(40, 16);
    expect(assembler.putChunk(id, 1, chunks[1]!), 'the first copy of chunk 1').toBe('stored');
    expect(
      outcome(() => assembler.putChunk(id, 1, Buffer.from(chunks[1]!))),
      'a client whose connection dropped before it saw the answer sends the chunk again: the ' +
        'same bytes for a stored index must be accepted and reported as a duplicate',
    ).toBe('duplicate');
    expect(
      assembler.status(id).receivedBytes,
      'a retried chunk must not be stored twice: receivedBytes counts each chunk once',
    ).toBe(16);
    assembler.putChunk(id, 0, chunks[0]!);
    assembler.putChunk(id, 2, chunks[2]!);
    expect(assembler.putChunk(id, 2, chunks[2]!), 'the last chunk sent twice').toBe('duplicate');
    expect(
      firstDifference(
        outcome(() => assembler.complete(id, sha256(bytes))),
        bytes,
      ),
      'the file must hold each chunk exactly once, however often it was sent',
    ).toBe('none');
  });

  it('refuses other bytes for a stored chunk with ERR_CHUNK_CONFLICT and keeps the first', () => {
    const assembler = new UploadAssembler();
    const id = assembler.init(8, 4);
    assembler.putChunk(id, 0, Buffer.from('good'));
    let conflict: unknown = 'putChunk() did not throw';
    try {
      assembler.putChunk(id, 0, Buffer.from('evil'));
    } catch (error) {
      conflict = {
        code: (error as { code?: unknown }).code,
        missing: (error as { missing?: unknown }).missing,
      };
    }
    expect(
      conflict,
      'different bytes for an index that is already stored are a conflict, not a retry: ' +
        'throw an error with code ERR_CHUNK_CONFLICT instead of overwriting (or appending) it, ' +
        'and with an empty `missing` (only ERR_UPLOAD_INCOMPLETE lists missing chunks)',
    ).toEqual({ code: 'ERR_CHUNK_CONFLICT', missing: [] });
    assembler.putChunk(id, 1, Buffer.from('data'));
    expect(
      completeText(assembler, id, 'gooddata'),
      'a rejected conflicting chunk must leave the chunk that was stored first untouched',
    ).toBe('gooddata');
  });

  it('copies each chunk, so the caller may reuse its buffer', () => {
    const assembler = new UploadAssembler();
    const bytes = payload(50);
    const id = assembler.init(50, 16);
    // A client reading a file into one scratch buffer, chunk after chunk, as fs reads often do.
    const scratch = Buffer.alloc(16);
    cut(bytes, 16).forEach((chunk, i) => {
      chunk.copy(scratch);
      assembler.putChunk(id, i, scratch.subarray(0, chunk.byteLength));
    });
    expect(
      firstDifference(
        outcome(() => assembler.complete(id, sha256(bytes))),
        bytes,
      ),
      "putChunk() must copy the bytes: storing the caller's Buffer keeps a view of memory " +
        'the caller overwrites with the next chunk',
    ).toBe('none');
  });

  it('rejects a chunk of the wrong size with ERR_CHUNK_SIZE', () => {
    const assembler = new UploadAssembler();
    const id = assembler.init(10, 4); // chunks of 4, 4 and 2 bytes
    expect(
      outcome(() => assembler.putChunk(id, 0, Buffer.from('abc'))),
      'every chunk but the last must be exactly chunkSize bytes: a short chunk would shift ' +
        'every byte after it',
    ).toBe('ERR_CHUNK_SIZE');
    expect(
      outcome(() => assembler.putChunk(id, 1, Buffer.from('abcde'))),
      'a chunk longer than chunkSize must be rejected with ERR_CHUNK_SIZE',
    ).toBe('ERR_CHUNK_SIZE');
    expect(
      outcome(() => assembler.putChunk(id, 1, Buffer.alloc(0))),
      'an empty chunk is the wrong size too',
    ).toBe('ERR_CHUNK_SIZE');
    expect(
      outcome(() => assembler.putChunk(id, 2, Buffer.from('abcd'))),
      'the last chunk must be exactly the remainder (totalSize - 2 * chunkSize = 2 bytes here), ' +
        'not a full chunkSize',
    ).toBe('ERR_CHUNK_SIZE');
    expect(
      outcome(() => assembler.putChunk(id, 2, Buffer.from('a'))),
      'a last chunk shorter than the remainder must be rejected',
    ).toBe('ERR_CHUNK_SIZE');
    expect(assembler.putChunk(id, 2, Buffer.from('ab')), 'the 2-byte last chunk').toBe('stored');
    expect(
      assembler.status(id).received,
      'rejected chunks must not be recorded as received',
    ).toEqual([2]);
  });

  it('counts the chunks right when totalSize is a multiple of chunkSize', () => {
    const assembler = new UploadAssembler();
    const id = assembler.init(8, 4);
    expect(
      assembler.status(id).missing,
      '8 bytes in chunks of 4 are 2 chunks (Math.ceil), not 3',
    ).toEqual([0, 1]);
    expect(
      outcome(() => assembler.putChunk(id, 1, Buffer.from('full'))),
      'when totalSize divides evenly, the last chunk is a full chunkSize',
    ).toBe('stored');
    expect(
      assembler.status(assembler.init(9, 4)).missing,
      '9 bytes in chunks of 4 are 3 chunks: the last one holds 1 byte',
    ).toEqual([0, 1, 2]);
  });

  it('refuses with a RangeError sizes that no chunk could fit', () => {
    const assembler = new UploadAssembler();
    const invalid: Array<[number, number]> = [
      [-1, 4],
      [1.5, 4],
      [Number.NaN, 4],
      [Number.POSITIVE_INFINITY, 4],
      [10, 0],
      [10, -4],
      [10, 2.5],
      [10, Number.NaN],
      // No chunks to cut, but the chunk size is still wrong.
      [0, 0],
      [0, -4],
    ];
    const accepted: string[] = [];
    for (const [totalSize, chunkSize] of invalid) {
      try {
        assembler.init(totalSize, chunkSize);
        accepted.push(`init(${totalSize}, ${chunkSize}) returned an id`);
      } catch (error) {
        if (!(error instanceof RangeError)) {
          accepted.push(`init(${totalSize}, ${chunkSize}) threw ${String(error)}`);
        }
      }
    }
    expect(
      accepted,
      'the sizes come from the client: totalSize must be a whole number of bytes, 0 or more, ' +
        'and chunkSize a whole number of at least 1, or init() must throw a RangeError ' +
        '(a fractional or negative size makes every chunk offset and length meaningless)',
    ).toEqual([]);
  });

  it('accepts an empty file and chunks of a single byte', () => {
    const assembler = new UploadAssembler();
    let empty = '';
    expect(
      outcome(() => {
        empty = assembler.init(0, 4);
        return 'an id';
      }),
      'init(0, 4): an empty file is a file too',
    ).toBe('an id');
    expect(
      outcome(() => assembler.status(empty).missing),
      'an empty file has no chunks, so none is missing',
    ).toEqual([]);
    expect(
      completeText(assembler, empty, ''),
      'an empty upload completes at once, into zero bytes',
    ).toBe('');
    let id = '';
    expect(
      outcome(() => {
        id = assembler.init(3, 1);
        return [0, 1, 2].map((i) => assembler.putChunk(id, i, Buffer.from('abc'[i]!)));
      }),
      'init(3, 1): a chunkSize of 1 byte is small but valid',
    ).toEqual(['stored', 'stored', 'stored']);
    expect(completeText(assembler, id, 'abc'), 'three one-byte chunks').toBe('abc');
  });

  it('rejects an index outside the upload with ERR_CHUNK_INDEX', () => {
    const assembler = new UploadAssembler();
    const id = assembler.init(12, 4); // indexes 0, 1 and 2
    for (const index of [-1, 3, 1.5, Number.NaN]) {
      expect(
        outcome(() => assembler.putChunk(id, index, Buffer.from('abcd'))),
        `index ${index} is not one of this upload's chunks (0 to 2): throw ERR_CHUNK_INDEX`,
      ).toBe('ERR_CHUNK_INDEX');
    }
    expect(
      assembler.status(id).received,
      'chunks with an invalid index must not be recorded',
    ).toEqual([]);
  });

  it('reports received and missing chunks in index order in status()', () => {
    const assembler = new UploadAssembler();
    const chunks = cut(payload(70), 16); // 5 chunks, the last 6 bytes
    const id = assembler.init(70, 16);
    expect(assembler.status(id), 'a fresh upload').toEqual({
      totalSize: 70,
      chunkSize: 16,
      chunkCount: 5,
      received: [],
      missing: [0, 1, 2, 3, 4],
      receivedBytes: 0,
    });
    for (const i of [4, 1]) assembler.putChunk(id, i, chunks[i]!);
    expect(
      assembler.status(id),
      'after chunks 4 and 1: a resuming client sends exactly the missing indexes, ascending',
    ).toEqual({
      totalSize: 70,
      chunkSize: 16,
      chunkCount: 5,
      received: [1, 4],
      missing: [0, 2, 3],
      receivedBytes: 22,
    });
  });

  it('fails complete() with ERR_UPLOAD_INCOMPLETE listing missing chunks, then resumes', () => {
    const assembler = new UploadAssembler();
    const bytes = payload(70);
    const chunks = cut(bytes, 16);
    const id = assembler.init(70, 16);
    for (const i of [0, 2, 4]) assembler.putChunk(id, i, chunks[i]!);
    let missing: unknown = 'complete() did not throw';
    try {
      assembler.complete(id, sha256(bytes));
    } catch (error) {
      missing = {
        code: (error as { code?: unknown }).code,
        missing: (error as { missing?: unknown }).missing,
      };
    }
    expect(
      missing,
      'complete() before every chunk is there must throw ERR_UPLOAD_INCOMPLETE with a `missing` ' +
        'array of the absent indexes, ascending',
    ).toEqual({ code: 'ERR_UPLOAD_INCOMPLETE', missing: [1, 3] });
    expect(
      outcome(() => assembler.status(id).missing),
      'an incomplete upload must survive a premature complete(): the client sends the rest',
    ).toEqual([1, 3]);
    for (const i of [3, 1]) assembler.putChunk(id, i, chunks[i]!);
    expect(
      firstDifference(
        outcome(() => assembler.complete(id, sha256(bytes))),
        bytes,
      ),
      'complete() after the missing chunks arrived',
    ).toBe('none');
  });

  it('rejects a checksum mismatch with ERR_CHECKSUM_MISMATCH and discards the upload', () => {
    const assembler = new UploadAssembler();
    const id = assembler.init(8, 4);
    assembler.putChunk(id, 0, Buffer.from('abcd'));
    assembler.putChunk(id, 1, Buffer.from('efgh'));
    expect(
      outcome(() => {
        const file = assembler.complete(id, sha256(Buffer.from('abcdefgX')));
        return `returned ${file.byteLength} bytes`;
      }),
      'complete() must hash the assembled bytes and throw ERR_CHECKSUM_MISMATCH when they do ' +
        'not match the sha256 the client sent',
    ).toBe('ERR_CHECKSUM_MISMATCH');
    expect(
      outcome(() => assembler.status(id)),
      'after a mismatch no stored chunk can be trusted (the digest does not say which one is ' +
        'bad): the upload must be discarded, so its id is unknown from then on',
    ).toBe('ERR_UPLOAD_NOT_FOUND');
  });

  it('forgets an upload once complete() has returned its bytes', () => {
    const assembler = new UploadAssembler();
    const id = assembler.init(4, 4);
    assembler.putChunk(id, 0, Buffer.from('done'));
    expect(completeText(assembler, id, 'done'), 'a one-chunk upload').toBe('done');
    expect(
      outcome(() => assembler.putChunk(id, 0, Buffer.from('more'))),
      'a completed upload must release its chunks: its id is unknown afterwards',
    ).toBe('ERR_UPLOAD_NOT_FOUND');
  });

  it('fails with ERR_UPLOAD_NOT_FOUND for an unknown id and keeps uploads apart', () => {
    const assembler = new UploadAssembler();
    const calls: Array<[string, () => unknown]> = [
      ['putChunk()', () => assembler.putChunk('no-such-upload', 0, Buffer.from('x'))],
      ['status()', () => assembler.status('no-such-upload')],
      ['complete()', () => assembler.complete('no-such-upload', sha256(Buffer.from('x')))],
    ];
    for (const [name, call] of calls) {
      expect(outcome(call), `${name} with an id that init() never returned`).toBe(
        'ERR_UPLOAD_NOT_FOUND',
      );
    }
    const a = assembler.init(8, 4);
    const b = assembler.init(8, 4);
    expect(a, 'every init() must return a new id').not.toBe(b);
    assembler.putChunk(a, 0, Buffer.from('aaaa'));
    expect(assembler.status(b).received, 'a chunk of upload a must not appear in upload b').toEqual(
      [],
    );
  });

  describe('over HTTP', () => {
    /**
     * The HTTP face of the assembler, as small as it can be:
     *   POST /uploads                    {"totalSize","chunkSize"}  201 {"id"}
     *   PUT  /uploads/:id/chunks/:index  the chunk's raw bytes      201 stored, 200 duplicate
     *   GET  /uploads/:id                                           200 status()
     *   POST /uploads/:id/complete       {"sha256"}                 200 {"size","sha256"}
     * A refusal answers with the status mapped from its code, and {"code","missing"} as JSON.
     */
    const STATUS_FOR: Record<string, number> = {
      ERR_UPLOAD_NOT_FOUND: 404,
      ERR_CHUNK_INDEX: 400,
      ERR_CHUNK_SIZE: 400,
      ERR_CHUNK_CONFLICT: 409,
      ERR_UPLOAD_INCOMPLETE: 409,
      ERR_CHECKSUM_MISMATCH: 422,
    };

    let server: Server;
    let base: string;
    /** Files that complete() handed over, by upload id: where a real server would save them. */
    let saved: Map<string, Buffer>;
    /** Chunk indexes whose answer is lost: the server stores the chunk, then drops the socket. */
    let dropAnswerTo: Set<number>;

    async function readBody(req: IncomingMessage): Promise<Buffer> {
      const parts: Buffer[] = [];
      for await (const part of req) parts.push(part as Buffer);
      return Buffer.concat(parts);
    }

    function send(res: ServerResponse, status: number, body: unknown): void {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }

    async function route(assembler: UploadAssembler, req: IncomingMessage, res: ServerResponse) {
      const [, uploads, id, action, index] = new URL(req.url ?? '/', base).pathname.split('/');
      const body = await readBody(req);
      try {
        if (uploads !== 'uploads') return send(res, 404, { code: 'NO_ROUTE' });
        if (req.method === 'POST' && id === undefined) {
          const { totalSize, chunkSize } = JSON.parse(body.toString()) as Record<string, number>;
          return send(res, 201, { id: assembler.init(totalSize!, chunkSize!) });
        }
        if (req.method === 'PUT' && id && action === 'chunks' && index !== undefined) {
          const result = assembler.putChunk(id, Number(index), body);
          if (dropAnswerTo.delete(Number(index))) return void res.socket?.destroy();
          return send(res, result === 'stored' ? 201 : 200, { result });
        }
        if (req.method === 'GET' && id && action === undefined) {
          return send(res, 200, assembler.status(id));
        }
        if (req.method === 'POST' && id && action === 'complete') {
          const { sha256: expected } = JSON.parse(body.toString()) as { sha256: string };
          const file = assembler.complete(id, expected);
          saved.set(id, file);
          return send(res, 200, { size: file.byteLength, sha256: sha256(file) });
        }
        return send(res, 404, { code: 'NO_ROUTE' });
      } catch (error) {
        const { code, missing } = error as { code?: string; missing?: number[] };
        send(res, STATUS_FOR[code ?? ''] ?? 500, { code: code ?? String(error), missing });
      }
    }

    beforeEach(async () => {
      const assembler = new UploadAssembler();
      saved = new Map();
      dropAnswerTo = new Set();
      server = createServer((req, res) => void route(assembler, req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterEach(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    async function call(method: string, path: string, body?: Uint8Array | object) {
      // Bytes go as they are (copied to a plain Uint8Array for fetch's types), objects as JSON.
      const payload = body instanceof Uint8Array ? new Uint8Array(body) : JSON.stringify(body);
      const res = await fetch(base + path, {
        method,
        ...(body === undefined ? {} : { body: payload }),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    }

    async function start(totalSize: number, chunkSize: number): Promise<string> {
      const { json } = await call('POST', '/uploads', { totalSize, chunkSize });
      return String(json['id']);
    }

    it('assembles parallel, out-of-order chunks and a retry after a dropped answer', async () => {
      const bytes = payload(100_000);
      const chunks = cut(bytes, 16_384); // 7 chunks, the last 1,696 bytes
      const id = await start(100_000, 16_384);
      const put = (i: number) => call('PUT', `/uploads/${id}/chunks/${i}`, chunks[i]);

      // Three uploaders at once: they finish in whatever order the server gets to them.
      const first = await Promise.all([5, 2, 6].map(put));
      expect(
        first.map((r) => r.status),
        'three new chunks sent in parallel',
      ).toEqual([201, 201, 201]);
      const progress = await call('GET', `/uploads/${id}`);
      expect(progress.json['missing'], 'GET /uploads/:id tells a client what to resume').toEqual([
        0, 1, 3, 4,
      ]);

      // The server stores chunk 3 but the connection dies before the client reads the answer.
      dropAnswerTo.add(3);
      const lost = await put(3).then(
        () => 'answered',
        () => 'connection dropped',
      );
      expect(lost, 'the test server drops the first answer to chunk 3').toBe('connection dropped');
      const retry = await put(3);
      expect(
        retry,
        'the client cannot know chunk 3 arrived, so it sends it again: the same bytes for a ' +
          'stored index must be answered as a duplicate (200), not stored a second time',
      ).toEqual({ status: 200, json: { result: 'duplicate' } });

      for (const i of [0, 4, 1]) expect((await put(i)).status, `chunk ${i}`).toBe(201);
      const done = await call('POST', `/uploads/${id}/complete`, { sha256: sha256(bytes) });
      expect(
        done,
        'complete after out-of-order, parallel and repeated chunks: every chunk in its place, once',
      ).toEqual({ status: 200, json: { size: 100_000, sha256: sha256(bytes) } });
      expect(firstDifference(saved.get(id) ?? 'nothing saved', bytes), 'the saved file').toBe(
        'none',
      );
    });

    it('answers each refusal with its status code and error code', async () => {
      const id = await start(10, 4);
      const chunk = (i: number, text: string) =>
        call('PUT', `/uploads/${id}/chunks/${i}`, Buffer.from(text));
      const answers = {
        stored: (await chunk(0, 'abcd')).status,
        conflict: (await chunk(0, 'abce')).json['code'],
        wrongSize: (await chunk(1, 'ab')).json['code'],
        outOfRange: (await chunk(3, 'ab')).json['code'],
        early: (await call('POST', `/uploads/${id}/complete`, { sha256: '00' })).json,
      };
      expect(answers, 'refusals over HTTP, in the order the client made them').toEqual({
        stored: 201,
        conflict: 'ERR_CHUNK_CONFLICT',
        wrongSize: 'ERR_CHUNK_SIZE',
        outOfRange: 'ERR_CHUNK_INDEX',
        early: { code: 'ERR_UPLOAD_INCOMPLETE', missing: [1, 2] },
      });
      await chunk(1, 'efgh');
      await chunk(2, 'ij');
      const wrong = await call('POST', `/uploads/${id}/complete`, {
        sha256: sha256(Buffer.from('abcdefghiX')),
      });
      expect(wrong.status, 'a checksum mismatch answers 422').toBe(422);
      expect((await call('GET', `/uploads/${id}`)).status, 'a discarded upload is gone').toBe(404);
    });
  });
});
