import { createHash } from 'node:crypto';

/** The part of a PostgreSQL client this exercise needs (PGlite and node-postgres both fit). */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

export interface Db extends Queryable {
  /**
   * Runs `fn` between BEGIN and COMMIT on one connection, and sends ROLLBACK instead of COMMIT
   * if `fn` throws (the error is rethrown). Statements must go through `tx`, not `db`.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

/** A POST as it arrives: the Idempotency-Key header (if any) and the raw body text. */
export interface IdempotentRequest {
  key?: string | undefined;
  body: string;
}

export interface Reply {
  status: number;
  body: unknown;
}

/** Does the work of a request (inserts the order, charges the card) through `tx`. */
export type Handler = (tx: Queryable, body: string) => Promise<Reply>;

/**
 * Wraps `handler` so that a client may send the same request again, with the same
 * Idempotency-Key, and the effect still happens once. The tests create this table:
 *
 *   CREATE TABLE idempotency_keys (
 *     key          text PRIMARY KEY,
 *     request_hash text NOT NULL,   -- identifies the body first sent with this key
 *     status       integer,         -- the stored reply
 *     body         jsonb
 *   );
 *
 * The returned function:
 * - without a key (missing or empty) answers 400 and does not call the handler;
 * - the first time it sees a key, claims it, calls the handler and stores its reply, all in one
 *   transaction, then returns the reply; the handler's statements go through that transaction;
 * - for a key already answered and the same body, returns the stored status and body without
 *   calling the handler; two requests with one key at the same time call it once, and both get
 *   its reply;
 * - for a key already used with a different body, answers 422 without calling the handler and
 *   leaves the stored reply as it was;
 * - keeps nothing when the handler throws (the error is rethrown) or replies with a status of
 *   500 or more (the reply is returned): the transaction rolls back, the handler's effect and the
 *   claim with it, so the client's retry with the same key runs the handler again.
 */
export function withIdempotency(
  handler: Handler,
  options: { db: Db },
): (request: IdempotentRequest) => Promise<Reply> {
  const { db } = options;

  /** Thrown inside the transaction to roll back a 5xx reply, and caught outside it. */
  class Discard {
    constructor(readonly reply: Reply) {}
  }

  return async (request) => {
    const { key, body } = request;
    if (key === undefined || key === '') {
      return { status: 400, body: { error: 'Send an Idempotency-Key header with this request.' } };
    }
    const hash = createHash('sha256').update(body).digest('hex');
    try {
      return await db.transaction(async (tx) => {
        // The claim and the effect commit or roll back together. A second request with this key
        // waits here (in PostgreSQL, on the first one's uncommitted row) until it has finished.
        const claimed = await tx.query(
          `INSERT INTO idempotency_keys (key, request_hash) VALUES ($1, $2)
           ON CONFLICT (key) DO NOTHING RETURNING key`,
          [key, hash],
        );
        if (claimed.rows.length === 0) {
          // The row another request claimed has committed by now, and a claim commits only
          // together with its reply, so status is set.
          const { rows } = await tx.query<{ request_hash: string; status: number; body: unknown }>(
            'SELECT request_hash, status, body FROM idempotency_keys WHERE key = $1',
            [key],
          );
          const stored = rows[0]!;
          if (stored.request_hash !== hash) {
            return {
              status: 422,
              body: { error: 'This Idempotency-Key was already used with a different body.' },
            };
          }
          return { status: stored.status, body: stored.body };
        }
        const reply = await handler(tx, body);
        if (reply.status >= 500) throw new Discard(reply);
        await tx.query('UPDATE idempotency_keys SET status = $2, body = $3 WHERE key = $1', [
          key,
          reply.status,
          JSON.stringify(reply.body),
        ]);
        return reply;
      });
    } catch (error) {
      if (error instanceof Discard) return error.reply;
      throw error;
    }
  };
}
