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
  // A negative amount would quietly move money the other way; zero would write two rows for
  // nothing. Both are caller bugs, so refuse them before opening a transaction.
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw coded('ERR_INVALID_AMOUNT', `amount must be a positive integer, got ${amount}`);
  }
  if (from === to) throw coded('ERR_SAME_ACCOUNT', `cannot transfer from ${from} to itself`);

  // One transaction: if anything throws before COMMIT (a constraint, a missing account, a
  // dropped connection), ROLLBACK undoes the debit too. Atomicity is the database's job.
  await db.transaction(async (tx) => {
    // No SELECT of the balance first: it would be stale as soon as another transfer commits.
    // The CHECK (balance >= 0) constraint rejects an overdraft at the moment of the write.
    const debit = await tx.query('UPDATE accounts SET balance = balance - $2 WHERE id = $1', [
      from,
      amount,
    ]);
    if (debit.affectedRows === 0) throw coded('ERR_UNKNOWN_ACCOUNT', `no account ${from}`);
    const credit = await tx.query('UPDATE accounts SET balance = balance + $2 WHERE id = $1', [
      to,
      amount,
    ]);
    // Throwing here rolls back the debit that already ran.
    if (credit.affectedRows === 0) throw coded('ERR_UNKNOWN_ACCOUNT', `no account ${to}`);
  });
}

function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
