import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The SHA-256 of a file's contents, as 64 lowercase hex characters. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  // Feeding the hash chunk by chunk keeps memory flat (64 KiB at a time) for a file of any size.
  // for await also turns the stream's 'error' event (ENOENT, EISDIR) into a rejection.
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/**
 * A webhook-style signature header: `t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`.
 * `timestamp` is in Unix seconds.
 */
export function signPayload(secret: string, body: string | Buffer, timestamp: number): string {
  return `t=${timestamp},v1=${hmacHex(secret, String(timestamp), body)}`;
}

export interface VerifyOptions {
  /** The current time in Unix seconds; a parameter so tests (and replays of old logs) can set it. */
  now: number;
  /** How far the header's timestamp may be from `now`, in seconds. Default: 300. */
  toleranceSeconds?: number;
}

// Exactly what signPayload produces. Anything else is rejected before any crypto runs.
const HEADER = /^t=(\d{1,15}),v1=([0-9a-f]{64})$/;

/**
 * Whether `header` is a valid signature of `body` with `secret`, made no more than
 * `toleranceSeconds` away from `now`. Never throws: a malformed header is simply not valid.
 */
export function verifySignature(
  secret: string,
  body: string | Buffer,
  header: string,
  { now, toleranceSeconds = 300 }: VerifyOptions,
): boolean {
  const match = HEADER.exec(header);
  const [, t, v1] = match ?? [];
  if (t === undefined || v1 === undefined) return false;

  // A captured request stays correctly signed forever. The signed timestamp limits how long it
  // can be replayed, and it cannot be changed without breaking the signature.
  if (Math.abs(now - Number(t)) > toleranceSeconds) return false;

  // Sign the timestamp exactly as it was received: it is part of what the sender signed.
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  // Both are 32 bytes (the regex checked v1), so timingSafeEqual cannot throw. Unlike ===, it
  // takes the same time wherever the first wrong byte is, so a guess cannot be refined byte by
  // byte from response times.
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}

function hmacHex(secret: string, timestamp: string, body: string | Buffer): string {
  // Two update() calls hash the same bytes as one call on the concatenation, without turning a
  // Buffer body into a string (which would corrupt bytes that are not valid UTF-8).
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}
