import { createHmac, timingSafeEqual } from 'node:crypto';

/** The claims of a valid token: whatever the issuer put in, with `exp` in Unix seconds. */
export type Claims = Record<string, unknown> & { exp: number };

export type VerifyResult =
  | { ok: true; claims: Claims }
  | { ok: false; reason: 'malformed' | 'algorithm' | 'signature' | 'expired' };

export interface VerifyOptions {
  /** The current time in milliseconds since the epoch, like Date.now. */
  now: () => number;
}

/**
 * Verifies an HS256 token, `<header>.<payload>.<signature>`, each part base64url.
 *
 * Checks, in this order, stopping at the first that fails:
 * 1. 'malformed': not a string of three parts, or the header is not a JSON object.
 * 2. 'algorithm': the header's `alg` is not exactly "HS256" (`none`, RS256, HS512...), whatever
 *    the signature says.
 * 3. 'signature': the signature is not the HMAC-SHA256, keyed with `secret`, of the text
 *    `<header>.<payload>`; compared with crypto.timingSafeEqual.
 * 4. 'malformed': the payload is not a JSON object with a finite numeric `exp`.
 * 5. 'expired': `now()` is at or after `exp` (seconds, so compare with now() / 1000).
 *
 * Never throws, whatever it is given.
 */
export function verifyToken(token: string, secret: string, options: VerifyOptions): VerifyResult {
  if (typeof token !== 'string') return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [header, payload, signature] = parts as [string, string, string];

  const head = parseObject(header);
  if (head === undefined) return { ok: false, reason: 'malformed' };
  // The algorithm is ours to choose, never the token's: a token that names another one is
  // either a forgery (none) or meant to make us use a public key as an HMAC secret (RS256).
  if (head['alg'] !== 'HS256') return { ok: false, reason: 'algorithm' };

  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  // timingSafeEqual throws on a length mismatch; the length of a MAC is no secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'signature' };
  }

  // Only now is the payload trusted enough to read.
  const claims = parseObject(payload);
  // Number.isFinite is false for anything that is not a number, and for 1e999 (Infinity).
  if (claims === undefined || !Number.isFinite(claims['exp'])) {
    return { ok: false, reason: 'malformed' };
  }
  if (options.now() / 1000 >= claims['exp']) return { ok: false, reason: 'expired' };
  return { ok: true, claims: claims as Claims };
}

/** A base64url part decoded as a JSON object, or undefined when it is anything else. */
function parseObject(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // Not JSON: the caller reports it as malformed.
  }
  return undefined;
}
