/** The part of a PostgreSQL client this exercise needs (PGlite and node-postgres both fit). */
export interface Queryable {
  query<T = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: T[]; affectedRows?: number }>;
}

export interface Db extends Queryable {
  /**
   * Runs `fn` between BEGIN and COMMIT on one connection, and sends ROLLBACK instead of COMMIT
   * if `fn` throws (the error is rethrown). Statements must go through `tx`, not `db`.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

/**
 * Moves `amount` (a positive whole number of cents) from account `from` to account `to` in the
 * table `accounts (id text PRIMARY KEY, balance integer NOT NULL CHECK (balance >= 0))`.
 *
 * Either both balances change or neither does. Rejections, with nothing changed:
 * - amount not a positive integer: an Error with code 'ERR_INVALID_AMOUNT';
 * - from === to: code 'ERR_SAME_ACCOUNT';
 * - an account that does not exist: code 'ERR_UNKNOWN_ACCOUNT';
 * - not enough money: the database's own check_violation error (code '23514'), as it is.
 * Any other error is rethrown as it is.
 */
export async function transfer(db: Db, from: string, to: string, amount: number): Promise<void> {
  // TODO: amount, from and to are not validated.

  // TODO: each of these statements is a transaction of its own, committed as soon as it
  // finishes. If the process dies or the connection drops between them, the money taken from
  // `from` never reaches `to`. An account that does not exist is not noticed either.
  await db.query('UPDATE accounts SET balance = balance - $2 WHERE id = $1', [from, amount]);
  await db.query('UPDATE accounts SET balance = balance + $2 WHERE id = $1', [to, amount]);
}
