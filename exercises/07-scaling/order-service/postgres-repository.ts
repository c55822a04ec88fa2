import type { NewOrder, Order, OrderRepository, OrderStore, Product } from './repository.ts';

/** The part of a PostgreSQL client this repository needs (PGlite and node-postgres both fit). */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

export interface Db extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

export const schema = `
  CREATE TABLE products (
    sku text PRIMARY KEY,
    name text NOT NULL,
    price_cents integer NOT NULL CHECK (price_cents >= 0),
    stock integer NOT NULL CHECK (stock >= 0)
  );
  CREATE TABLE orders (
    id serial PRIMARY KEY,
    customer text NOT NULL,
    total_cents integer NOT NULL
  );
  CREATE TABLE order_lines (
    order_id integer NOT NULL REFERENCES orders (id),
    sku text NOT NULL REFERENCES products (sku),
    quantity integer NOT NULL CHECK (quantity > 0),
    price_cents integer NOT NULL,
    PRIMARY KEY (order_id, sku)
  );
`;

/** The orders repository on PostgreSQL: SQL in, plain objects out, and no rules of its own. */
export function postgresRepository(db: Db): OrderRepository {
  return {
    ...store(db, false),
    // The work gets a store bound to the transaction's connection; BEGIN, COMMIT and ROLLBACK
    // are the driver's.
    transaction: (work) => db.transaction((tx) => work(store(tx, true))),
  };
}

function store(db: Queryable, inTransaction: boolean): OrderStore {
  return {
    async findProduct(sku) {
      // Inside a transaction, lock the row: a second order for the same product waits here
      // until this one commits, then reads the stock as it left it.
      const lock = inTransaction ? ' FOR UPDATE' : '';
      const { rows } = await db.query<Product>(
        `SELECT sku, name, price_cents AS "priceCents", stock FROM products WHERE sku = $1${lock}`,
        [sku],
      );
      return rows[0];
    },
    async addProduct({ sku, name, priceCents, stock }) {
      await db.query(
        'INSERT INTO products (sku, name, price_cents, stock) VALUES ($1, $2, $3, $4)',
        [sku, name, priceCents, stock],
      );
    },
    async setStock(sku, stock) {
      await db.query('UPDATE products SET stock = $2 WHERE sku = $1', [sku, stock]);
    },
    async addOrder(order: NewOrder): Promise<Order> {
      const { rows } = await db.query<{ id: number }>(
        'INSERT INTO orders (customer, total_cents) VALUES ($1, $2) RETURNING id',
        [order.customer, order.totalCents],
      );
      const id = rows[0]!.id;
      for (const line of order.lines) {
        await db.query(
          'INSERT INTO order_lines (order_id, sku, quantity, price_cents) VALUES ($1, $2, $3, $4)',
          [id, line.sku, line.quantity, line.priceCents],
        );
      }
      return {
        id,
        customer: order.customer,
        lines: order.lines.map((l) => ({ ...l })),
        totalCents: order.totalCents,
      };
    },
    async findOrder(id) {
      const orders = await db.query<{ id: number; customer: string; totalCents: number }>(
        'SELECT id, customer, total_cents AS "totalCents" FROM orders WHERE id = $1',
        [id],
      );
      const order = orders.rows[0];
      if (!order) return undefined;
      const lines = await db.query<{ sku: string; quantity: number; priceCents: number }>(
        'SELECT sku, quantity, price_cents AS "priceCents" FROM order_lines WHERE order_id = $1',
        [id],
      );
      return { ...order, lines: lines.rows };
    },
  };
}
