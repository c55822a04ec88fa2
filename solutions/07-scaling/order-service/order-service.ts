import type { NewOrder, Order, OrderRepository, OrderStore, Product } from './repository.ts';

export interface OrderRequest {
  customer: string;
  lines: Array<{ sku: string; quantity: number }>;
}

export interface OrderService {
  placeOrder(request: OrderRequest): Promise<Order>;
}

/**
 * The shop's rules, on any OrderRepository (repository.ts says what one must do).
 *
 * placeOrder(request) places an order for `request.customer`:
 * - customer must be a non-empty string, lines a non-empty array, every sku a non-empty string
 *   and every quantity a positive whole number; otherwise it rejects with an Error whose `code`
 *   is 'ERR_INVALID_ORDER'.
 * - Lines for the same sku count as one line with the quantities added up.
 * - A sku with no product: code 'ERR_UNKNOWN_PRODUCT'. More units than in stock: code
 *   'ERR_OUT_OF_STOCK'. Either way nothing changes.
 * - Otherwise it takes the quantities out of stock and stores the order, lines at the products'
 *   current prices and totalCents their sum, and resolves with the order as stored. The stock
 *   changes and the order are kept together or not at all, and two orders placed at the same
 *   time never sell the same unit twice.
 * Errors from the repository reach the caller as they are.
 */
export function orderService(repo: OrderRepository): OrderService {
  return {
    async placeOrder(request) {
      const wanted = validate(request);
      // One transaction from the first read to the last write: the stock you check is the
      // stock you change, and a failure anywhere undoes every write before it.
      return repo.transaction(async (store) => {
        const products: Array<[Product, number]> = [];
        // Check every line before writing anything, so a bad last line never leaves the first
        // ones half done (the transaction would undo them too; this keeps the rule readable).
        for (const [sku, quantity] of wanted) {
          const product = await store.findProduct(sku);
          if (!product) throw coded('ERR_UNKNOWN_PRODUCT', `there is no product ${sku}`);
          if (product.stock < quantity) {
            throw coded(
              'ERR_OUT_OF_STOCK',
              `${sku}: ${quantity} wanted, ${product.stock} in stock`,
            );
          }
          products.push([product, quantity]);
        }
        const order: NewOrder = { customer: request.customer, lines: [], totalCents: 0 };
        for (const [product, quantity] of products) {
          await store.setStock(product.sku, product.stock - quantity);
          order.lines.push({ sku: product.sku, quantity, priceCents: product.priceCents });
          order.totalCents += quantity * product.priceCents;
        }
        return store.addOrder(order);
      });
    },
  };
}

/** The request's quantities per sku, lines for the same sku added up; throws if malformed. */
function validate(request: OrderRequest): Map<string, number> {
  const { customer, lines } = (request ?? {}) as Partial<OrderRequest>;
  if (typeof customer !== 'string' || customer === '') {
    throw invalid('customer must be a non-empty string');
  }
  if (!Array.isArray(lines) || lines.length === 0) {
    throw invalid('an order needs at least one line');
  }
  const wanted = new Map<string, number>();
  for (const line of lines) {
    const { sku, quantity } = (line ?? {}) as Partial<OrderRequest['lines'][number]>;
    if (typeof sku !== 'string' || sku === '') {
      throw invalid('every line needs a sku');
    }
    if (!Number.isSafeInteger(quantity) || (quantity as number) <= 0) {
      throw invalid(`${sku}: quantity must be a positive whole number`);
    }
    // Two lines of the same product are checked against its stock together; checked one by
    // one, each would fit and together they would sell units that do not exist.
    wanted.set(sku, (wanted.get(sku) ?? 0) + (quantity as number));
  }
  return wanted;
}

interface State {
  products: Map<string, Product>;
  orders: Map<number, Order>;
  lastId: number;
}

/**
 * An OrderRepository in memory that keeps the same contract as PostgreSQL (repository.ts),
 * for tests that need no database: copies in and out, transactions that commit or roll back
 * as a whole, hidden until they commit and run one at a time.
 */
export function memoryRepository(): OrderRepository {
  let committed: State = { products: new Map(), orders: new Map(), lastId: 0 };
  // Everything waits its turn behind the transaction that is running, as on PGlite's single
  // connection: that is what makes two orders for the last unit take turns.
  let queue: Promise<unknown> = Promise.resolve();
  function exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  }
  const outside = storeOn(() => committed);
  return {
    findProduct: (sku) => exclusive(() => outside.findProduct(sku)),
    addProduct: (product) => exclusive(() => outside.addProduct(product)),
    setStock: (sku, stock) => exclusive(() => outside.setStock(sku, stock)),
    addOrder: (order) => exclusive(() => outside.addOrder(order)),
    findOrder: (id) => exclusive(() => outside.findOrder(id)),
    transaction: (work) =>
      exclusive(async () => {
        // Work on a copy: nobody else sees it, and a throw just drops it (the rollback).
        const draft = copyState(committed);
        const result = await work(storeOn(() => draft));
        committed = draft; // the commit
        return result;
      }),
  };
}

/** A store on the state `current()` returns; copies every value in and out, like a driver. */
function storeOn(current: () => State): OrderStore {
  return {
    async findProduct(sku) {
      const product = current().products.get(sku);
      return product && { ...product };
    },
    async addProduct(product) {
      current().products.set(product.sku, { ...product });
    },
    async setStock(sku, stock) {
      const product = current().products.get(sku);
      if (product) product.stock = stock;
    },
    async addOrder(order) {
      const state = current();
      const stored = copyOrder({ ...order, id: ++state.lastId });
      state.orders.set(stored.id, stored);
      return copyOrder(stored);
    },
    async findOrder(id) {
      const order = current().orders.get(id);
      return order && copyOrder(order);
    },
  };
}

function copyOrder(order: Order): Order {
  return {
    id: order.id,
    customer: order.customer,
    lines: order.lines.map((line) => ({ ...line })),
    totalCents: order.totalCents,
  };
}

function copyState(state: State): State {
  return {
    products: new Map([...state.products].map(([sku, product]) => [sku, { ...product }])),
    orders: new Map([...state.orders].map(([id, order]) => [id, copyOrder(order)])),
    lastId: state.lastId,
  };
}

function invalid(message: string): Error {
  return coded('ERR_INVALID_ORDER', message);
}

function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
