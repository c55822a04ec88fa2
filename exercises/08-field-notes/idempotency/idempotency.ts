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
 * - answers its own 400 and 422 with a body `{ error: message }`, the message saying what went
 *   wrong, so a client's developer can tell them from the handler's replies;
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
  // TODO: the key is ignored, so a client that retries after a timeout (the first attempt had
  // committed, the reply was lost) gets a second order, a second charge.
  return (request) => db.transaction((tx) => handler(tx, request.body));
}
