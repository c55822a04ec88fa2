import type * as NodeCrypto from 'node:crypto';
import { createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyToken } from './verify-token.ts';

/**
 * crypto.timingSafeEqual, still the real one, but counted: whether the signature was compared in
 * constant time cannot be measured reliably on a busy machine, so the test checks that the
 * comparison node:crypto provides for it was used.
 */
const timingSafeEqual = vi.hoisted(() => vi.fn());
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof NodeCrypto>();
  timingSafeEqual.mockImplementation(crypto.timingSafeEqual);
  return {
    ...crypto,
    timingSafeEqual,
    default: { ...crypto, timingSafeEqual },
  };
});

const SECRET = 'k7-session-secret-8f2d';
const NOW = Date.UTC(2030, 0, 1); // a clock far from the real one, in ms
const EXP = NOW / 1000 + 3600; // an hour later, in seconds

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token signed the way the statement says, computed here independently of the learner. */
function sign(
  claims: unknown,
  { secret = SECRET, header = { alg: 'HS256', typ: 'JWT' } as unknown, hash = 'sha256' } = {},
): string {
  const signed = `${b64(header)}.${b64(claims)}`;
  return `${signed}.${createHmac(hash, secret).update(signed).digest('base64url')}`;
}

const at = (ms: number) => ({ now: () => ms });

/** What verifyToken returned, or a one-line description of what it threw. */
function verify(token: unknown, now = NOW): unknown {
  try {
    return verifyToken(token as string, SECRET, at(now));
  } catch (error) {
    return `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
}

beforeEach(() => {
  timingSafeEqual.mockClear();
});

describe('verifyToken()', () => {
  it('accepts a valid token and returns its claims', () => {
    const claims = { sub: 'user-42', role: 'editor', exp: EXP };
    expect(
      verify(sign(claims)),
      'a token signed with HMAC-SHA256 over "<header>.<payload>" with the secret, alg HS256, ' +
        'not expired, is valid: return { ok: true, claims } with the decoded payload',
    ).toEqual({ ok: true, claims });
  });

  it('rejects a token once the injected clock reaches exp', () => {
    const token = sign({ sub: 'user-42', exp: EXP });
    expect(
      verify(token, EXP * 1000 - 1),
      'one millisecond before exp the token is still valid (exp is in seconds, now() in ms)',
    ).toMatchObject({ ok: true });
    expect(
      verify(token, EXP * 1000),
      'at exp the token has expired (RFC 7519: "on or after"); use options.now(), not Date.now()',
    ).toEqual({ ok: false, reason: 'expired' });
    expect(verify(token, EXP * 1000 + 86_400_000), 'a day after exp it is still expired').toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('rejects a payload changed after signing', () => {
    const token = sign({ sub: 'user-42', role: 'viewer', exp: EXP });
    const [header, , signature] = token.split('.');
    const forged = `${header}.${b64({ sub: 'user-42', role: 'admin', exp: EXP })}.${signature}`;
    expect(
      verify(forged),
      'the signature covers the payload: decoding the claims without checking the HMAC lets ' +
        'anyone make themselves admin',
    ).toEqual({ ok: false, reason: 'signature' });
    const extended = `${header}.${b64({ sub: 'user-42', role: 'viewer', exp: EXP + 1e6 })}.${signature}`;
    expect(verify(extended), 'pushing exp forward is a change to the payload too').toEqual({
      ok: false,
      reason: 'signature',
    });
  });

  it('rejects a token signed with another secret', () => {
    expect(
      verify(sign({ sub: 'user-42', exp: EXP }, { secret: 'guessed' })),
      'the HMAC must be keyed with the secret passed in',
    ).toEqual({ ok: false, reason: 'signature' });
  });

  it("rejects alg 'none', with or without a signature", () => {
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'mallory', exp: EXP })}`;
    expect(
      verify(`${unsigned}.`),
      "a header that says alg 'none' asks you to skip the signature: the answer is 'algorithm'",
    ).toEqual({ ok: false, reason: 'algorithm' });
    const signedAnyway = sign({ sub: 'mallory', exp: EXP }, { header: { alg: 'none' } });
    expect(
      verify(signedAnyway),
      "alg must be exactly HS256 even when the signature happens to match: 'algorithm'",
    ).toEqual({ ok: false, reason: 'algorithm' });
  });

  it('rejects any other algorithm in the header, even with a matching HMAC', () => {
    for (const alg of ['RS256', 'HS384', 'hs256', 'HS256 ']) {
      expect(
        verify(sign({ sub: 'mallory', exp: EXP }, { header: { alg, typ: 'JWT' } })),
        `alg ${JSON.stringify(alg)} signed with HMAC-SHA256 and the secret: the server picks the ` +
          'algorithm, never the token (letting the header choose is how key-confusion attacks work)',
      ).toEqual({ ok: false, reason: 'algorithm' });
    }
    expect(
      verify(sign({ sub: 'mallory', exp: EXP }, { header: { alg: 'HS512' }, hash: 'sha512' })),
      'a token signed with HMAC-SHA512 and alg HS512 is still refused: do not pick the hash ' +
        "from the header's alg",
    ).toEqual({ ok: false, reason: 'algorithm' });
    expect(
      verify(sign({ sub: 'mallory', exp: EXP }, { header: { typ: 'JWT' } })),
      "a header with no alg at all is not HS256 either: 'algorithm'",
    ).toEqual({ ok: false, reason: 'algorithm' });
  });

  it('compares the signature with crypto.timingSafeEqual', () => {
    const token = sign({ sub: 'user-42', exp: EXP });
    const [header, payload, signature = ''] = token.split('.');
    // Same length, last character changed: only a byte-by-byte comparison can tell.
    const last = signature.endsWith('A') ? 'B' : 'A';
    const forged = `${header}.${payload}.${signature.slice(0, -1)}${last}`;
    expect(verify(forged), 'a signature with one character changed is wrong').toEqual({
      ok: false,
      reason: 'signature',
    });
    expect(
      timingSafeEqual.mock.calls.length,
      'compare the signature you computed with the one in the token using ' +
        'crypto.timingSafeEqual: === and Buffer#equals stop at the first difference, and that ' +
        'time can be measured to guess a valid signature one byte at a time',
    ).toBeGreaterThan(0);
  });

  it('rejects a signature of the wrong length without throwing', () => {
    const token = sign({ sub: 'user-42', exp: EXP });
    const [header, payload, signature = ''] = token.split('.');
    for (const bad of ['', 'AAAA', signature.slice(0, 20), `${signature}AAAA`]) {
      expect(
        verify(`${header}.${payload}.${bad}`),
        `signature ${JSON.stringify(bad)}: timingSafeEqual throws a RangeError when the ` +
          "lengths differ, so check the lengths first and answer 'signature'",
      ).toEqual({ ok: false, reason: 'signature' });
    }
  });

  it('checks the signature before trusting anything in the payload', () => {
    const header = b64({ alg: 'HS256', typ: 'JWT' });
    const garbage = Buffer.from('not json').toString('base64url');
    expect(
      verify(`${header}.${garbage}.${'A'.repeat(43)}`),
      "an unsigned payload is not read at all: a wrong signature is 'signature', whatever the " +
        'payload holds',
    ).toEqual({ ok: false, reason: 'signature' });
    const token = sign({ sub: 'user-42', exp: EXP });
    const expired = sign({ sub: 'user-42', exp: 1 }, { secret: 'guessed' });
    expect(
      verify(expired),
      "an expired token with a wrong signature is 'signature': check the HMAC before the claims",
    ).toEqual({ ok: false, reason: 'signature' });
    expect(verify(token), 'and a good one still passes').toMatchObject({ ok: true });
  });

  it('answers malformed input with a reason instead of throwing', () => {
    const valid = sign({ sub: 'user-42', exp: EXP });
    const [, payload, signature] = valid.split('.');
    const cases: Array<[string, unknown]> = [
      ['an empty string', ''],
      ['one part', 'abc'],
      ['two parts', 'abc.def'],
      ['four parts', `${valid}.extra`],
      [
        'a header that is not JSON',
        `${Buffer.from('{alg').toString('base64url')}.${payload}.${signature}`,
      ],
      ['a header that is JSON null', `${b64(null)}.${payload}.${signature}`],
      ['a header that is a JSON array', `${b64(['HS256'])}.${payload}.${signature}`],
      ['a header that is a JSON string', `${b64('HS256')}.${payload}.${signature}`],
      ['undefined instead of a string', undefined],
      ['a number instead of a string', 42],
    ];
    for (const [what, token] of cases) {
      expect(
        verify(token),
        `${what}: a verifier sees attacker-controlled input; it must answer ` +
          "{ ok: false, reason: 'malformed' }, never throw",
      ).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('rejects a correctly signed payload that is not an object with a numeric exp', () => {
    const cases: Array<[string, unknown]> = [
      ['no exp', { sub: 'user-42' }],
      ['exp as a string', { sub: 'user-42', exp: String(EXP) }],
      ['exp null', { sub: 'user-42', exp: null }],
      ['a JSON array', [EXP]],
      ['JSON null', null],
    ];
    for (const [what, claims] of cases) {
      expect(
        verify(sign(claims)),
        `${what}: a session token without an expiry would be valid forever; answer 'malformed'`,
      ).toEqual({ ok: false, reason: 'malformed' });
    }
    const forever = `${b64({ alg: 'HS256' })}.${Buffer.from('{"exp":1e999}').toString('base64url')}`;
    expect(
      verify(`${forever}.${createHmac('sha256', SECRET).update(forever).digest('base64url')}`),
      'exp 1e999 parses as Infinity, a token that never expires: require a finite number',
    ).toEqual({ ok: false, reason: 'malformed' });
    const notJson = `${b64({ alg: 'HS256' })}.${Buffer.from('{"exp":').toString('base64url')}`;
    const signed = `${notJson}.${createHmac('sha256', SECRET).update(notJson).digest('base64url')}`;
    expect(verify(signed), "a signed payload that is not JSON: 'malformed', not a throw").toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});
