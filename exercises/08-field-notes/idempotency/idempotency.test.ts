import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptySchema, openDatabase, type PGlite } from '@workbench/exercise-kit/db';
import {
  withIdempotency,
  type Db,
  type Handler,
  type IdempotentRequest,
  type Queryable,
  type Reply,
} from './idempotency.ts';

let db: PGlite;

beforeAll(async () => {
  db = await openDatabase();
}, 20_000);

beforeEach(async () => {
  // A wrapper that failed without ROLLBACK leaves the connection inside a transaction; start
  // every test on a clean one (the test that caused it has already failed and said so).
  if (db.isInTransaction()) await db.query('ROLLBACK');
  await emptySchema(db);
  await db.exec(`
    CREATE TABLE idempotency_keys (
      key text PRIMARY KEY,
      request_hash text NOT NULL,
      status integer,
      body jsonb
    );
    CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL, quantity integer NOT NULL);
  `);
});

afterAll(() => db.close());

/**
 * The endpoint under test: it places an order (one row in `orders`) and replies 201 with the
 * order's id. `calls` counts how often it ran; `failNext` makes the next call fail after its
 * insert, by throwing or by replying with that status.
 */
function placeOrder(): Handler & { calls: number; failNext: 'throw' | number | undefined } {
  const handler = Object.assign(
    async (tx: Queryable, body: string): Promise<Reply> => {
      handler.calls++;
      const { item, quantity } = JSON.parse(body) as { item: string; quantity: number };
      const { rows } = await tx.query<{ id: number }>(
        'INSERT INTO orders (item, quantity) VALUES ($1, $2) RETURNING id',
        [item, quantity],
      );
      const failure = handler.failNext;
      handler.failNext = undefined;
      if (failure === 'throw') {
        throw Object.assign(new Error('card declined (injected by the test)'), {
          code: 'ERR_INJECTED',
        });
      }
      if (failure !== undefined) return { status: failure, body: { error: 'upstream failed' } };
      return { status: 201, body: { orderId: rows[0]!.id, item, quantity } };
    },
    { calls: 0, failNext: undefined as 'throw' | number | undefined },
  );
  return handler;
}

async function orderCount(): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
  return rows[0]!.n;
}

/** How a call ended: its reply, or the `code` (or text) of the error it rejected with. */
async function settle(call: Promise<Reply>): Promise<Reply | { rejected: string }> {
  try {
    return await call;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return { rejected: typeof code === 'string' ? code : String(error) };
  }
}

function expectNoOpenTransaction(): void {
  expect(
    db.isInTransaction(),
    'the request returned with a transaction still open on the connection: every path must end ' +
      'in COMMIT or ROLLBACK (db.transaction does it for you)',
  ).toBe(false);
}

const order = (item: string, quantity: number): string => JSON.stringify({ item, quantity });

describe('withIdempotency()', () => {
  it('runs the handler and returns its reply for a new key', async () => {
    const handler = placeOrder();
    const post = withIdempotency(handler, { db });
    const reply = await post({ key: 'k-1', body: order('book', 1) });
    expectNoOpenTransaction();
    expect(reply, 'the first request with a key must get the handler’s own reply').toEqual({
      status: 201,
      body: { orderId: 1, item: 'book', quantity: 1 },
    });
    expect(handler.calls, 'the handler must run once for a new key').toBe(1);
    expect(await orderCount(), 'the handler’s order must be committed').toBe(1);
    const other = await post({ key: 'k-2', body: order('pen', 3) });
    expect(other.status, 'a second key is a second request: it must run the handler').toBe(201);
    expect(await orderCount()).toBe(2);
  });

  it('replays the stored reply for a retry with the same key and body', async () => {
    const handler = placeOrder();
    const post = withIdempotency(handler, { db });
    const request: IdempotentRequest = { key: 'retry-after-timeout', body: order('book', 1) };
    const first = await post(request);
    const second = await post({ ...request });
    const third = await withIdempotency(handler, { db })({ ...request });
    expectNoOpenTransaction();
    expect(
      handler.calls,
      'the retry ran the handler again, so the client now has two orders: look the key up ' +
        'before calling the handler, and return what was stored for it',
    ).toBe(1);
    expect(await orderCount(), 'a retry must not place a second order').toBe(1);
    expect(second, 'the retry must get the same status and body as the first request').toEqual(
      first,
    );
    expect(
      third,
      'the reply must be kept in the database, not in memory: another instance of the service ' +
        '(another withIdempotency) must replay it too',
    ).toEqual(first);
  });

  it('runs the handler once when two requests with one key arrive together', async () => {
    const handler = placeOrder();
    const post = withIdempotency(handler, { db });
    const request: IdempotentRequest = { key: 'double-click', body: order('lamp', 2) };
    const [a, b] = await Promise.all([settle(post(request)), settle(post({ ...request }))]);
    expectNoOpenTransaction();
    expect(
      handler.calls,
      'both requests found the key free and both ran the handler: a look-up, then an insert ' +
        'after an await, lets a second request in between. Claim the key in one statement ' +
        '(INSERT ... ON CONFLICT DO NOTHING) inside the transaction',
    ).toBe(1);
    expect(await orderCount(), 'one key must place one order').toBe(1);
    expect(
      [a, b],
      'both requests must get the one order’s reply; an error (such as unique_violation, 23505, ' +
        'from a plain INSERT of a key another request just stored) is not a reply',
    ).toEqual([
      { status: 201, body: { orderId: 1, item: 'lamp', quantity: 2 } },
      { status: 201, body: { orderId: 1, item: 'lamp', quantity: 2 } },
    ]);
  });

  it('answers 422 for a key reused with a different body', async () => {
    const handler = placeOrder();
    const post = withIdempotency(handler, { db });
    const first = await post({ key: 'k-reused', body: order('book', 1) });
    const changed = await post({ key: 'k-reused', body: order('book', 100) });
    expectNoOpenTransaction();
    expect(
      changed.status,
      'the same key came with another body, and the stored reply (for 1 book) was returned as ' +
        'if 100 books had been ordered: keep a hash of the body with the key, and answer 422 ' +
        'when it differs',
    ).toBe(422);
    expect(handler.calls, 'a reused key must not run the handler').toBe(1);
    expect(changed.body, 'a 422 says why in its body: { error: message }').toEqual({
      error: expect.stringMatching(/\S/),
    });
    expect(await orderCount()).toBe(1);
    expect(
      await post({ key: 'k-reused', body: order('book', 1) }),
      'after a 422 the stored reply must still be there for the original body',
    ).toEqual(first);
  });

  it('answers 400 to a request without a key', async () => {
    const handler = placeOrder();
    const post = withIdempotency(handler, { db });
    const missing = await post({ body: order('book', 1) });
    const empty = await post({ key: '', body: order('book', 1) });
    expectNoOpenTransaction();
    expect(
      [missing.status, empty.status],
      'a request with no Idempotency-Key (or an empty one) cannot be retried safely: answer 400',
    ).toEqual([400, 400]);
    expect(handler.calls, 'a request without a key must not run the handler').toBe(0);
    for (const reply of [missing, empty]) {
      expect(reply.body, 'a 400 says why in its body: { error: message }').toEqual({
        error: expect.stringMatching(/\S/),
      });
    }
  });

  it('frees the key when the handler throws, so the retry runs it again', async () => {
    const handler = placeOrder();
    const post = withIdempotency(handler, { db });
    handler.failNext = 'throw';
    const failed = await settle(post({ key: 'k-declined', body: order('book', 1) }));
    expectNoOpenTransaction();
    expect(failed, 'the handler’s error must reach the caller, not be swallowed').toEqual({
      rejected: 'ERR_INJECTED',
    });
    expect(
      await orderCount(),
      'the handler failed after its insert; its transaction must roll back',
    ).toBe(0);
    const retry = await post({ key: 'k-declined', body: order('book', 1) });
    expect(
      retry.status,
      'the retry after a failure got a stored answer instead of a new attempt: a failure must ' +
        'leave the key free (roll back the claim with the effect), never be stored as the reply',
    ).toBe(201);
    expect(handler.calls).toBe(2);
    expect(await orderCount()).toBe(1);
  });

  it('stores no 5xx reply: it rolls back and lets the retry run again', async () => {
    const handler = placeOrder();
    const post = withIdempotency(handler, { db });
    handler.failNext = 503;
    const failed = await settle(post({ key: 'k-503', body: order('book', 1) }));
    expectNoOpenTransaction();
    expect(failed, 'a 5xx reply must be returned to the client as it is').toEqual({
      status: 503,
      body: { error: 'upstream failed' },
    });
    expect(
      await orderCount(),
      'the handler replied 503 after its insert: nothing it did may be kept (roll back)',
    ).toBe(0);
    handler.failNext = 500;
    expect((await post({ key: 'k-503', body: order('book', 1) })).status).toBe(500);
    const retry = await post({ key: 'k-503', body: order('book', 1) });
    expect(
      retry.status,
      'a 5xx reply was stored and replayed, so the client can never succeed with this key: ' +
        'only replies below 500 are kept',
    ).toBe(201);
    expect([handler.calls, await orderCount()]).toEqual([3, 1]);
  });

  it('keeps 4xx replies: a retry gets the same answer without running the handler', async () => {
    const handler = placeOrder();
    const post = withIdempotency(handler, { db });
    handler.failNext = 409;
    const first = await post({ key: 'k-409', body: order('book', 1) });
    const retry = await post({ key: 'k-409', body: order('book', 1) });
    expect(first.status).toBe(409);
    expect(
      [retry, handler.calls],
      'a reply below 500 is the answer to this request and must be replayed, not recomputed',
    ).toEqual([first, 1]);
    expect(await orderCount(), 'a 4xx reply is kept, with what the handler did').toBe(1);
  });

  it('stores the key in the same transaction as the handler’s effect', async () => {
    // The fault: the first statement sent after the handler has returned fails, as if the
    // process died between doing the work and recording that it was done.
    const handler = placeOrder();
    let handlerReturned = false;
    let injected = false;
    const tracked: Handler = async (tx, body) => {
      const reply = await handler(tx, body);
      handlerReturned = true;
      return reply;
    };
    const send = async <T>(target: Queryable, sql: string, params?: unknown[]) => {
      if (handlerReturned && !injected) {
        injected = true;
        throw Object.assign(new Error('process died (injected by the test)'), {
          code: 'ERR_INJECTED',
        });
      }
      return target.query<T>(sql, params);
    };
    const faulty: Db = {
      query: (sql, params) => send(db, sql, params),
      transaction: (fn) =>
        db.transaction((tx) => fn({ query: (sql, params) => send(tx, sql, params) })),
    };
    const post = withIdempotency(tracked, { db: faulty });
    const request: IdempotentRequest = { key: 'k-crash', body: order('book', 1) };
    const crashed = await settle(post(request));
    expectNoOpenTransaction();
    expect(
      injected,
      'nothing was sent to the database after the handler returned, so its reply was never stored',
    ).toBe(true);
    expect(crashed, 'the failure to store the reply must reach the caller').toEqual({
      rejected: 'ERR_INJECTED',
    });
    const retry = await settle(post({ ...request }));
    expect(
      await orderCount(),
      'the order was committed but its key was not, so the retry placed a second order: claim ' +
        'the key and store the reply inside the same transaction as the handler’s statements',
    ).toBe(1);
    expect(retry, 'the retry must succeed and place the one order').toEqual({
      status: 201,
      body: expect.objectContaining({ item: 'book', quantity: 1 }),
    });
  });
});
