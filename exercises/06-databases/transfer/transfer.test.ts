import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptySchema, openDatabase, type PGlite } from '@workbench/exercise-kit/db';
import { transfer, type Db, type Queryable } from './transfer.ts';

let db: PGlite;

beforeAll(async () => {
  db = await openDatabase();
}, 20_000);

beforeEach(async () => {
  // A transfer that failed without ROLLBACK leaves the connection inside a transaction; start
  // every test on a clean one (the test that caused it has already failed and said so).
  if (db.isInTransaction()) await db.query('ROLLBACK');
  await emptySchema(db);
  await db.exec(`
    CREATE TABLE accounts (
      id text PRIMARY KEY,
      balance integer NOT NULL CONSTRAINT balance_not_negative CHECK (balance >= 0)
    );
    INSERT INTO accounts (id, balance) VALUES ('alice', 100), ('bob', 20), ('carol', 0);
  `);
});

afterAll(() => db.close());

/** Every balance, as one object: { alice: 100, bob: 20, carol: 0 }. */
async function balances(): Promise<Record<string, number>> {
  const { rows } = await db.query<{ id: string; balance: number }>(
    'SELECT id, balance FROM accounts ORDER BY id',
  );
  return Object.fromEntries(rows.map((row) => [row.id, row.balance]));
}

const initial = { alice: 100, bob: 20, carol: 0 };

/** How a call ended, in one short string: 'done', or the `code` of the error it rejected with. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'done';
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : `an error without a code: ${String(error)}`;
  }
}

/** Fails the test if the transfer returned with a transaction still open on the connection. */
function expectNoOpenTransaction(): void {
  expect(
    db.isInTransaction(),
    'the transfer returned with a transaction still open on the connection: after BEGIN, every ' +
      'path (errors included) must end in COMMIT or ROLLBACK, or the next user of this ' +
      'connection runs inside your half-done transaction',
  ).toBe(false);
}

/**
 * The database, with a fault injected: the second UPDATE statement sent (through `query` or
 * through a `transaction`'s `tx`) throws instead of running, as if the connection dropped or the
 * process crashed right between the debit and the credit.
 */
function failingOnSecondUpdate(real: PGlite): Db & { updates: number } {
  const spy = {
    updates: 0,
    query: <T>(sql: string, params?: unknown[]) => send<T>(real, sql, params),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
      real.transaction((tx) => fn({ query: (sql, params) => send(tx, sql, params) })),
  };
  async function send<T>(target: Queryable, sql: string, params?: unknown[]) {
    if (/\bupdate\b/i.test(sql) && ++spy.updates === 2) {
      throw Object.assign(new Error('connection lost (injected by the test)'), {
        code: 'ERR_INJECTED',
      });
    }
    return target.query<T>(sql, params);
  }
  return spy;
}

describe('transfer()', () => {
  it('moves the amount from one account to the other', async () => {
    await transfer(db, 'alice', 'bob', 30);
    expectNoOpenTransaction();
    expect(await balances(), 'alice must lose 30 and bob gain 30').toEqual({
      alice: 70,
      bob: 50,
      carol: 0,
    });
    await transfer(db, 'bob', 'carol', 50);
    expect(await balances(), 'a transfer that empties an account exactly is allowed').toEqual({
      alice: 70,
      bob: 0,
      carol: 50,
    });
  });

  it('leaves both balances intact when a failure strikes between the two updates', async () => {
    const faulty = failingOnSecondUpdate(db);
    const result = await outcome(transfer(faulty, 'alice', 'bob', 30));
    expectNoOpenTransaction();
    if (faulty.updates < 2) {
      // One UPDATE statement that changes both rows is atomic by itself: nothing to inject.
      expect(await balances(), 'a single-statement transfer must still move the money').toEqual({
        alice: 70,
        bob: 50,
        carol: 0,
      });
      return;
    }
    expect(
      result,
      'the second UPDATE failed: the transfer must reject with that error, not swallow it',
    ).toBe('ERR_INJECTED');
    expect(
      await balances(),
      'the debit was committed without the credit, so 30 vanished: two statements sent one ' +
        'after the other are two transactions (autocommit). Atomicity needs both UPDATEs ' +
        'inside one transaction (BEGIN ... COMMIT, or db.transaction) so a failure rolls back both',
    ).toEqual(initial);
  });

  it("rejects an overdraft with the CHECK constraint's error (23514) and changes nothing", async () => {
    const result = await outcome(transfer(db, 'bob', 'alice', 21));
    expectNoOpenTransaction();
    expect(
      result,
      'bob has 20 and sends 21: the CHECK (balance >= 0) constraint rejects the debit, and its ' +
        'error (code 23514, check_violation) must reach the caller as it is. Reading the balance ' +
        'in JS and comparing first is a race: another transfer can commit between your SELECT ' +
        'and your UPDATE, so let the constraint decide at the moment of the write',
    ).toBe('23514');
    expect(await balances(), 'a rejected overdraft must change no balance').toEqual(initial);
  });

  it('rejects an unknown account and changes nothing', async () => {
    expect(
      await outcome(transfer(db, 'alice', 'mallory', 10)),
      'an UPDATE that matches no row is not an error in SQL: check how many rows the credit ' +
        'changed (affectedRows) and throw an error with code ERR_UNKNOWN_ACCOUNT',
    ).toBe('ERR_UNKNOWN_ACCOUNT');
    expectNoOpenTransaction();
    expect(
      await balances(),
      'the credit to a missing account changed nothing, so the debit must be rolled back too',
    ).toEqual(initial);
    expect(
      await outcome(transfer(db, 'mallory', 'alice', 10)),
      'a missing source account must be rejected with ERR_UNKNOWN_ACCOUNT, not conjure money',
    ).toBe('ERR_UNKNOWN_ACCOUNT');
    expectNoOpenTransaction();
    expect(await balances(), 'money must not appear out of a missing account').toEqual(initial);
  });

  it('rejects an amount that is not a positive integer', async () => {
    for (const amount of [0, -25, 2.5, Number.NaN]) {
      expect(
        await outcome(transfer(db, 'alice', 'bob', amount)),
        `amount ${amount} must be rejected with ERR_INVALID_AMOUNT: a negative amount would ` +
          'move money from the receiver to the sender',
      ).toBe('ERR_INVALID_AMOUNT');
      expectNoOpenTransaction();
    }
    expect(await balances(), 'an invalid amount must change no balance').toEqual(initial);
  });

  it('rejects a transfer from an account to itself', async () => {
    expect(
      await outcome(transfer(db, 'alice', 'alice', 10)),
      'from and to are the same account: reject with ERR_SAME_ACCOUNT',
    ).toBe('ERR_SAME_ACCOUNT');
    expectNoOpenTransaction();
    expect(await balances(), 'a self-transfer must change nothing').toEqual(initial);
  });
});
