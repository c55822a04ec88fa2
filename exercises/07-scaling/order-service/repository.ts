/**
 * The contract between the order service and wherever orders are kept. Two implementations
 * keep it: postgres-repository.ts (the real database) and memoryRepository() in
 * order-service.ts (yours). The tests run one suite against both, so where they differ, the
 * in-memory one is wrong: PostgreSQL is what production runs.
 *
 * What PostgreSQL does, and so what every implementation must do:
 * - Values are copies both ways, like rows on the wire: changing an object you passed in or got
 *   back changes nothing stored.
 * - transaction(work) gives `work` a store whose writes all become visible when `work`
 *   resolves, or are all undone when it throws (the error is rethrown). Nobody else sees them
 *   before the commit, and transactions run one at a time: anything else waits until the one
 *   running has finished (PGlite has one connection; on a server, the service's SELECT ... FOR
 *   UPDATE makes a second order for the same product wait the same way).
 * - Ids of new orders are unique positive integers; they need not be consecutive (a sequence
 *   in PostgreSQL is not rolled back).
 *
 * No business rules here: a repository stores and finds, it does not decide.
 */

export interface Product {
  sku: string;
  name: string;
  /** The price of one unit, in cents. */
  priceCents: number;
  /** Units in stock; PostgreSQL refuses a negative number (CHECK (stock >= 0)). */
  stock: number;
}

export interface OrderLine {
  sku: string;
  quantity: number;
  /** The unit price when the order was placed: later price changes do not alter the order. */
  priceCents: number;
}

export interface NewOrder {
  customer: string;
  /** At most one line per product (PostgreSQL's primary key is the order and the sku). */
  lines: OrderLine[];
  totalCents: number;
}

export interface Order extends NewOrder {
  id: number;
}

/** What a transaction's `work` may do: read and write, but not open another transaction. */
export interface OrderStore {
  /** The product, or undefined if there is none with this sku. */
  findProduct(sku: string): Promise<Product | undefined>;
  /** Adds a new product (the tests use it to stock the shop). */
  addProduct(product: Product): Promise<void>;
  /** Sets the stock of an existing product; does nothing if there is none with this sku. */
  setStock(sku: string, stock: number): Promise<void>;
  /** Stores a new order, gives it an id and resolves with the order as stored. */
  addOrder(order: NewOrder): Promise<Order>;
  /** The order, lines in any order, or undefined if there is none with this id. */
  findOrder(id: number): Promise<Order | undefined>;
}

export interface OrderRepository extends OrderStore {
  /** Runs `work` in one transaction: all of its writes are kept, or none. See above. */
  transaction<T>(work: (store: OrderStore) => Promise<T>): Promise<T>;
}
