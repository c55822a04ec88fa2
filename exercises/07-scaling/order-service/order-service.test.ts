import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type PGlite } from '@workbench/exercise-kit/db';
import { memoryRepository, orderService, type OrderRequest } from './order-service.ts';
import { postgresRepository, schema } from './postgres-repository.ts';
import type { NewOrder, Order, OrderRepository, OrderStore } from './repository.ts';

let db: PGlite;

// No timeout of its own: the runner gives hooks the whole set-up budget, and opening the
// database on a loaded machine has taken more than 20 s.
beforeAll(async () => {
  db = await openDatabase();
  // The tables are made once; each test empties them, which is several times cheaper than
  // dropping and creating them again, and keeps the suite on PostgreSQL fast.
  await db.exec(schema);
});

afterAll(() => db.close());

/** The shop every test starts with. */
const products = [
  { sku: 'mug', name: 'Mug', priceCents: 1200, stock: 5 },
  { sku: 'tee', name: 'T-shirt', priceCents: 2500, stock: 2 },
  { sku: 'pin', name: 'Pin', priceCents: 300, stock: 1 },
];
const initialStock = { mug: 5, tee: 2, pin: 1 };

/** A fresh, stocked repository of each kind. The same suite runs against both. */
const repositories: Array<[string, () => Promise<OrderRepository>]> = [
  ['in-memory repository', async () => memoryRepository()],
  [
    'PostgreSQL repository (PGlite)',
    async () => {
      // A transaction left open by a failed test would swallow this one's statements.
      if (db.isInTransaction()) await db.query('ROLLBACK');
      await db.exec('TRUNCATE order_lines, orders, products RESTART IDENTITY');
      return postgresRepository(db);
    },
  ],
];

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

/** Runs `fn` now, turning a synchronous throw into a rejection, so outcome() sees both. */
function attempt<T>(fn: () => Promise<T>): Promise<T> {
  return Promise.resolve().then(fn);
}

/** An order's lines sorted by sku: the contract leaves their order open. */
function sorted(order: Order | undefined): Order | undefined {
  return order && { ...order, lines: [...order.lines].sort((a, b) => a.sku.localeCompare(b.sku)) };
}

function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * The repository with a fault injected: storing an order fails, through the repository itself
 * and through a transaction's store, as if the database went away between the stock changes
 * and the order.
 */
function failingOnAddOrder(repo: OrderRepository): OrderRepository {
  const fail = async (): Promise<Order> => {
    throw coded('ERR_INJECTED', 'the database went away (injected by the test)');
  };
  const wrap = (store: OrderStore): OrderStore => ({
    findProduct: (sku) => store.findProduct(sku),
    addProduct: (product) => store.addProduct(product),
    setStock: (sku, stock) => store.setStock(sku, stock),
    findOrder: (id) => store.findOrder(id),
    addOrder: fail,
  });
  return { ...wrap(repo), transaction: (work) => repo.transaction((store) => work(wrap(store))) };
}

describe.each(repositories)('%s', (_name, open) => {
  let repo: OrderRepository;

  beforeEach(async () => {
    repo = await open();
    for (const product of products) await repo.addProduct({ ...product });
  });

  async function stock(): Promise<Record<string, number | undefined>> {
    const found = await Promise.all(products.map(({ sku }) => repo.findProduct(sku)));
    return Object.fromEntries(products.map(({ sku }, i) => [sku, found[i]?.stock]));
  }

  describe('the repository', () => {
    it('hands out copies: changing an object passed in or given back changes nothing stored', async () => {
      const cup = { sku: 'cup', name: 'Cup', priceCents: 900, stock: 4 };
      await repo.addProduct(cup);
      cup.stock = 99;
      const found = await repo.findProduct('cup');
      expect(
        found?.stock,
        'addProduct() kept the caller’s object: changing it afterwards changed the stored product. ' +
          'A database stores the values; store a copy ({ ...product })',
      ).toBe(4);
      found!.stock = 0;
      expect(
        (await repo.findProduct('cup'))?.stock,
        'findProduct() handed out the stored object: the caller set its stock to 0 and the stored ' +
          'product changed without any write. Hand out a copy, as a row read from PostgreSQL is',
      ).toBe(4);

      const input: NewOrder = {
        customer: 'ada',
        lines: [{ sku: 'cup', quantity: 2, priceCents: 900 }],
        totalCents: 1800,
      };
      const saved = await repo.addOrder(input);
      const expected = { id: saved.id, ...structuredClone(input) };
      expect(
        Number.isSafeInteger(saved.id) && saved.id > 0,
        `addOrder() must give the order an id, a positive whole number (it gave ${saved.id})`,
      ).toBe(true);
      expect(saved, 'addOrder() must resolve with the order as stored, id included').toEqual(
        expected,
      );
      input.lines[0]!.quantity = 99;
      saved.lines[0]!.quantity = 77;
      expect(
        await repo.findOrder(saved.id),
        'the stored order changed when the caller changed its own objects afterwards: copy the ' +
          'order and its lines (they are objects in an array) on the way in and on the way out',
      ).toEqual(expected);
      const again = await repo.findOrder(saved.id);
      again!.lines.push({ sku: 'mug', quantity: 1, priceCents: 1200 });
      expect(
        await repo.findOrder(saved.id),
        'findOrder() handed out the stored order: pushing a line onto it added a line to the stored order',
      ).toEqual(expected);
      const other = await repo.addOrder({ ...input, customer: 'bob' });
      expect(other.id, 'every new order needs an id of its own').not.toBe(saved.id);
      expect(
        await repo.findOrder(-1),
        'findOrder() of an id nobody has must give undefined',
      ).toBeUndefined();
    });

    it('keeps a write made outside any transaction at once', async () => {
      await repo.setStock('tee', 9);
      expect(
        await stock(),
        'setStock() on the repository itself, outside any transaction, must be kept at once, as ' +
          'a single UPDATE is (it commits by itself)',
      ).toEqual({ ...initialStock, tee: 9 });
    });

    it('keeps every write of a transaction whose work resolves', async () => {
      const result = await repo.transaction(async (store) => {
        await store.setStock('mug', 3);
        await store.addProduct({ sku: 'cap', name: 'Cap', priceCents: 1500, stock: 7 });
        // Like an UPDATE that matches no row: nothing happens, and nothing is created.
        await store.setStock('hat', 4);
        return store.addOrder({
          customer: 'ada',
          lines: [{ sku: 'mug', quantity: 2, priceCents: 1200 }],
          totalCents: 2400,
        });
      });
      expect(result?.customer, 'transaction() must resolve with what the work resolved with').toBe(
        'ada',
      );
      expect(await stock(), 'the stock the transaction set must be kept after it commits').toEqual({
        ...initialStock,
        mug: 3,
      });
      expect(
        (await repo.findProduct('cap'))?.stock,
        'a product added in a committed transaction must be kept',
      ).toBe(7);
      expect(
        await repo.findProduct('hat'),
        'setStock() of a sku with no product must do nothing, as an UPDATE that matches no row does',
      ).toBeUndefined();
      expect(
        (await repo.findOrder(result.id))?.customer,
        'an order added in a committed transaction must be kept',
      ).toBe('ada');
    });

    it('undoes every write of a transaction whose work throws, and rethrows the error', async () => {
      let id = 0;
      const result = await outcome(
        repo.transaction(async (store) => {
          await store.setStock('mug', 0);
          await store.addProduct({ sku: 'cap', name: 'Cap', priceCents: 1500, stock: 7 });
          id = (
            await store.addOrder({
              customer: 'ada',
              lines: [{ sku: 'mug', quantity: 5, priceCents: 1200 }],
              totalCents: 6000,
            })
          ).id;
          throw coded('ERR_WORK', 'the work failed after three writes');
        }),
      );
      expect(result, 'transaction() must reject with the error the work threw, as it is').toBe(
        'ERR_WORK',
      );
      expect(
        await stock(),
        'the work threw, yet its stock change was kept: PostgreSQL rolls back every write of a ' +
          'failed transaction. Write to a copy of the data and keep it only when the work resolves',
      ).toEqual(initialStock);
      expect(
        await repo.findProduct('cap'),
        'a product added in a rolled-back transaction must be gone',
      ).toBeUndefined();
      expect(
        await repo.findOrder(id),
        'an order added in a rolled-back transaction must be gone',
      ).toBeUndefined();
    });

    it('hides a transaction’s writes from everyone else until it commits', async () => {
      let wrote!: () => void;
      const written = new Promise<void>((resolve) => (wrote = resolve));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const transaction = repo.transaction(async (store) => {
        await store.setStock('mug', 0);
        wrote();
        await gate;
        throw coded('ERR_WORK', 'rolled back in the end');
      });
      await written;
      // Asked while the transaction is still open; PostgreSQL answers once it has ended.
      const seen = repo.findProduct('mug');
      release();
      expect(await outcome(transaction), 'transaction() must reject with the work’s error').toBe(
        'ERR_WORK',
      );
      expect(
        (await seen)?.stock,
        'a read outside the transaction saw its stock of 0 before it committed, and it never ' +
          'did: it rolled back. Others must see only committed writes (PostgreSQL makes them wait ' +
          'or shows them the last committed value), so write to a private copy, not the shared data',
      ).toBe(5);
    });
  });

  describe('placeOrder()', () => {
    it('saves the order at current prices and takes the quantities out of stock', async () => {
      const service = orderService(repo);
      const order = await service.placeOrder({
        customer: 'ada',
        lines: [
          { sku: 'tee', quantity: 2 },
          { sku: 'mug', quantity: 3 },
        ],
      });
      const expected = {
        id: order?.id,
        customer: 'ada',
        lines: [
          { sku: 'mug', quantity: 3, priceCents: 1200 },
          { sku: 'tee', quantity: 2, priceCents: 2500 },
        ],
        totalCents: 3 * 1200 + 2 * 2500,
      };
      expect(
        sorted(order),
        'placeOrder() must resolve with the order as stored: the customer, a line per product at ' +
          'its current price, and totalCents the sum of quantity × price',
      ).toEqual(expected);
      expect(
        await stock(),
        'the quantities ordered must be taken out of stock (all 2 tees is allowed)',
      ).toEqual({
        mug: 2,
        tee: 0,
        pin: 1,
      });
      expect(
        sorted(await repo.findOrder(order.id)),
        'the order must be stored in the repository',
      ).toEqual(expected);

      const next = await service.placeOrder({
        customer: 'bob',
        lines: [{ sku: 'pin', quantity: 1 }],
      });
      expect(next?.id, 'a second order needs an id of its own').not.toBe(order.id);
      expect(
        sorted(await repo.findOrder(order.id)),
        'placing a second order lost the first: a transaction must start from everything ' +
          'committed before it, orders included, and its commit must keep them',
      ).toEqual(expected);
    });

    it('counts two lines of the same product together against its stock', async () => {
      const service = orderService(repo);
      const tooMany = await outcome(
        attempt(() =>
          service.placeOrder({
            customer: 'ada',
            lines: [
              { sku: 'tee', quantity: 1 },
              { sku: 'tee', quantity: 2 },
            ],
          }),
        ),
      );
      expect(
        tooMany,
        '1 tee and then 2 tees is 3 tees, and there are 2: add up the lines for the same sku and ' +
          'check the sum (checked one line at a time, each fits) — reject with ERR_OUT_OF_STOCK',
      ).toBe('ERR_OUT_OF_STOCK');
      expect(await stock(), 'a rejected order must change no stock').toEqual(initialStock);

      const order = await service.placeOrder({
        customer: 'bob',
        lines: [
          { sku: 'mug', quantity: 2 },
          { sku: 'mug', quantity: 3 },
        ],
      });
      expect(
        order?.lines,
        'two lines for the mug must become one line of 5 (an order has one line per product: ' +
          'PostgreSQL’s key on order_lines is the order and the sku)',
      ).toEqual([{ sku: 'mug', quantity: 5, priceCents: 1200 }]);
      expect(order.totalCents, 'the total of 5 mugs at 1200').toBe(6000);
      expect(await stock(), 'all 5 mugs were sold').toEqual({ ...initialStock, mug: 0 });
    });

    it('rejects an unknown product with ERR_UNKNOWN_PRODUCT and changes nothing', async () => {
      const result = await outcome(
        attempt(() =>
          orderService(repo).placeOrder({
            customer: 'ada',
            lines: [
              { sku: 'mug', quantity: 1 },
              { sku: 'hat', quantity: 1 },
            ],
          }),
        ),
      );
      expect(result, 'there is no product "hat": reject with code ERR_UNKNOWN_PRODUCT').toBe(
        'ERR_UNKNOWN_PRODUCT',
      );
      expect(
        await stock(),
        'the order was rejected on its second line, yet the mug on the first line left the stock: ' +
          'check every line before writing, inside one transaction, so a rejection undoes everything',
      ).toEqual(initialStock);
    });

    it('rejects an order larger than the stock with ERR_OUT_OF_STOCK and changes nothing', async () => {
      const result = await outcome(
        attempt(() =>
          orderService(repo).placeOrder({
            customer: 'ada',
            lines: [
              { sku: 'mug', quantity: 2 },
              { sku: 'tee', quantity: 3 },
            ],
          }),
        ),
      );
      expect(
        result,
        '3 tees wanted and 2 in stock: the service must check and reject with code ERR_OUT_OF_STOCK. ' +
          'That is a business rule, so it belongs in the service, where it holds whatever the ' +
          'repository is (an error from PostgreSQL’s CHECK constraint, 23514, means the service ' +
          'never checked)',
      ).toBe('ERR_OUT_OF_STOCK');
      expect(
        await stock(),
        'the order was rejected on its second line, yet the mugs on the first line left the stock: ' +
          'check every line before writing, inside one transaction, so a rejection undoes everything',
      ).toEqual(initialStock);
    });

    it('rejects invalid input with ERR_INVALID_ORDER', async () => {
      const service = orderService(repo);
      const bad: Array<[string, unknown]> = [
        ['no request at all', null],
        ['an empty customer', { customer: '', lines: [{ sku: 'mug', quantity: 1 }] }],
        ['no customer', { lines: [{ sku: 'mug', quantity: 1 }] }],
        ['a customer that is not a string', { customer: 7, lines: [{ sku: 'mug', quantity: 1 }] }],
        ['no lines', { customer: 'ada', lines: [] }],
        ['lines that are not an array', { customer: 'ada', lines: 'mug' }],
        ['a line that is null', { customer: 'ada', lines: [null] }],
        ['an empty sku', { customer: 'ada', lines: [{ sku: '', quantity: 1 }] }],
        ['a line without a sku', { customer: 'ada', lines: [{ quantity: 1 }] }],
        ['a sku that is not a string', { customer: 'ada', lines: [{ sku: ['mug'], quantity: 1 }] }],
        ['a quantity of 0', { customer: 'ada', lines: [{ sku: 'mug', quantity: 0 }] }],
        ['a negative quantity', { customer: 'ada', lines: [{ sku: 'mug', quantity: -2 }] }],
        ['a fractional quantity', { customer: 'ada', lines: [{ sku: 'mug', quantity: 1.5 }] }],
        [
          'a quantity that is a string',
          { customer: 'ada', lines: [{ sku: 'mug', quantity: '1' }] },
        ],
        [
          'a quantity that is NaN',
          { customer: 'ada', lines: [{ sku: 'mug', quantity: Number.NaN }] },
        ],
      ];
      for (const [what, request] of bad) {
        expect(
          await outcome(attempt(() => service.placeOrder(request as OrderRequest))),
          `an order with ${what} must be rejected with code ERR_INVALID_ORDER (a negative ` +
            'quantity would put stock back and charge a negative total)',
        ).toBe('ERR_INVALID_ORDER');
      }
      expect(await stock(), 'an invalid order must change no stock').toEqual(initialStock);
    });

    it('changes no stock when saving the order fails', async () => {
      const result = await outcome(
        attempt(() =>
          orderService(failingOnAddOrder(repo)).placeOrder({
            customer: 'ada',
            lines: [{ sku: 'mug', quantity: 2 }],
          }),
        ),
      );
      expect(
        result,
        'saving the order failed: placeOrder() must reject with that error, as it is',
      ).toBe('ERR_INJECTED');
      expect(
        await stock(),
        'saving the order failed, yet 2 mugs left the stock for an order that does not exist: ' +
          'the stock change and the order must be written in one repo.transaction(), through ' +
          'the store it hands you, so a failure undoes both',
      ).toEqual(initialStock);
    });

    it('sells each unit once when orders arrive at the same time', async () => {
      const service = orderService(repo);
      const results = await Promise.all(
        ['ada', 'bob', 'cy', 'dee', 'eve'].map((customer) =>
          outcome(
            attempt(() => service.placeOrder({ customer, lines: [{ sku: 'mug', quantity: 2 }] })),
          ),
        ),
      );
      expect(
        results.filter((r) => r === 'done').length,
        `5 customers each ordered 2 of the 5 mugs at the same time (${results.join(', ')}): ` +
          'exactly 2 orders fit. More means two orders read the same stock before either wrote ' +
          'it: read, check and write inside one transaction, and make transactions take turns',
      ).toBe(2);
      expect(
        results.filter((r) => r !== 'done'),
        'the orders that did not fit must be rejected with ERR_OUT_OF_STOCK by the service (23514, ' +
          'from PostgreSQL’s CHECK constraint, means nothing checked the stock before writing it)',
      ).toEqual(['ERR_OUT_OF_STOCK', 'ERR_OUT_OF_STOCK', 'ERR_OUT_OF_STOCK']);
      expect(await stock(), '4 mugs were sold, 1 is left').toEqual({ ...initialStock, mug: 1 });
    });
  });
});
