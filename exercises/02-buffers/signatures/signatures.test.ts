import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { sha256OfFile, signPayload, verifySignature } from './signatures.ts';

const SECRET = 'whsec_test_4f1c2b9e';
const T = 1_700_000_000; // 2023-11-14, in Unix seconds

/** The header a correct sender produces, computed here independently of the learner's code. */
function referenceHeader(secret: string, body: string | Buffer, timestamp: number): string {
  const signed = Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.from(body)]);
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(signed).digest('hex')}`;
}

/** The value `run` returns, or a one-line description of what it threw. */
function outcome(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    return error instanceof Error ? `threw ${error.name}: ${error.message}` : 'threw';
  }
}

/** How a promise settled, as one short string; gives up after `ms` instead of hanging. */
async function settle(promise: Promise<unknown>, ms = 2_000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`still pending after ${ms} ms`), ms);
  });
  const result = promise.then(
    (value) => `resolved with ${JSON.stringify(value)}`,
    (error: unknown) => `rejected with ${(error as { code?: unknown } | null)?.code ?? error}`,
  );
  try {
    return await Promise.race([result, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('sha256OfFile()', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signatures-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('hashes a 20 MB file to the same hex digest as hashing its bytes in memory', async () => {
    // Every byte value, in a pattern that does not repeat at 64 KiB boundaries.
    const data = Buffer.alloc(20 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >>> 16)) & 0xff;
    const path = join(dir, 'big.bin');
    await writeFile(path, data);
    expect(
      await sha256OfFile(path),
      'the digest must be the hex SHA-256 of all the bytes, every chunk fed to the same hash in ' +
        'order (one createHash per file, update() per chunk, digest("hex") once at the end)',
    ).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('hashes an empty file', async () => {
    const path = join(dir, 'empty.bin');
    await writeFile(path, '');
    expect(
      await sha256OfFile(path),
      'an empty file has a SHA-256 too: the digest of zero bytes',
    ).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('rejects with ENOENT when the file does not exist', async () => {
    expect(
      await settle(sha256OfFile(join(dir, 'missing.bin'))),
      "a read error must reject the promise: a stream reports it as an 'error' event, which " +
        'for await (or pipeline) turns into a rejection; a bare .on("data")/.on("end") hangs',
    ).toBe('rejected with ENOENT');
  });
});

describe('signPayload()', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256 and formats the header', () => {
    const body = '{"id":"evt_1","type":"invoice.paid"}';
    expect(
      signPayload(SECRET, body, T),
      'the header is t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>">: the ' +
        'timestamp must be signed too, or a captured request can be resent with a fresh t=',
    ).toBe(referenceHeader(SECRET, body, T));
    expect(
      signPayload('another secret', body, T + 1),
      'the secret and the timestamp both change the signature',
    ).toBe(referenceHeader('another secret', body, T + 1));
  });

  it('signs the exact bytes of a Buffer body, even bytes that are not valid UTF-8', () => {
    const body = Buffer.from([0x7b, 0xff, 0x00, 0xc3, 0x7d]);
    expect(
      signPayload(SECRET, body, T),
      'a Buffer body must be signed as its raw bytes, after "<timestamp>.": `${t}.${body}` ' +
        'decodes it as UTF-8 and signs U+FFFD instead of 0xFF and 0xC3; call update() twice',
    ).toBe(referenceHeader(SECRET, body, T));
    expect(
      signPayload(SECRET, 'héllo', T),
      'a string body is signed as its UTF-8 bytes, so it signs like Buffer.from(body)',
    ).toBe(signPayload(SECRET, Buffer.from('héllo'), T));
  });
});

describe('verifySignature()', () => {
  const body = '{"id":"evt_2","type":"charge.refunded"}';

  it('accepts a correct signature made within the tolerance', () => {
    const header = referenceHeader(SECRET, body, T);
    expect(
      verifySignature(SECRET, body, header, { now: T }),
      'a header signed now with the right secret is valid (the HMAC covers "<t>.<body>")',
    ).toBe(true);
    expect(
      verifySignature(SECRET, body, header, { now: T + 299 }),
      'the HMAC must be computed with the t= from the header, not with options.now',
    ).toBe(true);
    expect(
      verifySignature(SECRET, body, header, { now: T + 300 }),
      'exactly toleranceSeconds (default 300) old is still accepted',
    ).toBe(true);
    expect(
      verifySignature(SECRET, body, header, { now: T + 3_000, toleranceSeconds: 3_600 }),
      'options.toleranceSeconds replaces the default of 300',
    ).toBe(true);
  });

  it('verifies the raw bytes of a Buffer body', () => {
    const raw = Buffer.from([0x7b, 0xff, 0x00, 0xc3, 0x7d]);
    expect(
      verifySignature(SECRET, raw, referenceHeader(SECRET, raw, T), { now: T }),
      'a Buffer body must be verified as raw bytes, not decoded to a string first',
    ).toBe(true);
  });

  it('rejects a body that was changed after signing', () => {
    const header = referenceHeader(SECRET, body, T);
    expect(
      verifySignature(SECRET, body.replace('evt_2', 'evt_3'), header, { now: T }),
      'one changed byte in the body must invalidate the signature',
    ).toBe(false);
  });

  it('rejects a signature made with another secret', () => {
    expect(
      verifySignature(SECRET, body, referenceHeader('not the secret', body, T), { now: T }),
      'a signature made with a different secret is not valid',
    ).toBe(false);
  });

  it('rejects a stale timestamp, and one too far in the future', () => {
    const header = referenceHeader(SECRET, body, T);
    expect(
      verifySignature(SECRET, body, header, { now: T + 301 }),
      'a header more than 300 s old (the default tolerance) is a possible replay: compare ' +
        'the t= in the header with options.now',
    ).toBe(false);
    expect(
      verifySignature(SECRET, body, header, { now: T + 61, toleranceSeconds: 60 }),
      'options.toleranceSeconds must be honoured',
    ).toBe(false);
    expect(
      verifySignature(SECRET, body, header, { now: T - 301 }),
      'a timestamp more than the tolerance in the future is rejected too',
    ).toBe(false);
  });

  it('rejects a captured request replayed with a fresh timestamp', () => {
    // The attacker keeps the v1= of a request seen at T and rewrites t= to the present.
    const captured = referenceHeader(SECRET, body, T);
    const now = T + 86_400;
    const replayed = captured.replace(`t=${T}`, `t=${now}`);
    expect(
      verifySignature(SECRET, body, replayed, { now }),
      'changing t= must break the signature: the HMAC has to cover "<t>.<body>", not the ' +
        'body alone, or the tolerance check protects nothing',
    ).toBe(false);
  });

  it('returns false for malformed headers without throwing', () => {
    const good = referenceHeader(SECRET, body, T);
    const v1 = good.slice(good.indexOf('v1=') + 3);
    const malformed = [
      '',
      'garbage',
      `v1=${v1}`,
      `t=${T}`,
      `t=,v1=${v1}`,
      `t=soon,v1=${v1}`,
      `t=${T},v1=`,
      `t=${T},v1=${v1.slice(0, 32)}`,
      `t=${T},v1=${v1.slice(0, -1)}`,
      `t=${T},v1=${v1}00`,
      `t=${T},v1=${'z'.repeat(64)}`,
      `x${good}`,
    ];
    for (const header of malformed) {
      expect(
        outcome(() => verifySignature(SECRET, body, header, { now: T })),
        `header ${JSON.stringify(header)} must give false: check its shape before comparing ` +
          '(timingSafeEqual throws when the lengths differ), all of it from the first character ' +
          'to the last ("xt=" is not the field "t=")',
      ).toBe(false);
    }
  });
});
