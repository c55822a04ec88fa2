import type { NewOrder, Order, OrderRepository, Product } from './repository.ts';

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
      // TODO: nothing checks the request before it is used.
      const order: NewOrder = { customer: request.customer, lines: [], totalCents: 0 };
      for (const { sku, quantity } of request.lines) {
        // TODO: two lines for the same sku are each checked against the whole stock.
        const product = await repo.findProduct(sku);
        if (!product) throw coded('ERR_UNKNOWN_PRODUCT', `there is no product ${sku}`);
        if (product.stock < quantity) {
          throw coded('ERR_OUT_OF_STOCK', `${sku}: ${quantity} wanted, ${product.stock} in stock`);
        }
        // TODO: this write stays if a later line is rejected or saving the order fails, and
        // another order can read the same stock before it happens.
        await repo.setStock(sku, product.stock - quantity);
        order.lines.push({ sku, quantity, priceCents: product.priceCents });
        order.totalCents += quantity * product.priceCents;
      }
      return repo.addOrder(order);
    },
  };
}

/**
 * An OrderRepository in memory that keeps the same contract as PostgreSQL (repository.ts),
 * for tests that need no database.
 */
export function memoryRepository(): OrderRepository {
  const products = new Map<string, Product>();
  const orders = new Map<number, Order>();
  let lastId = 0;
  const repo: OrderRepository = {
    // TODO: PostgreSQL hands out and keeps copies; these are the very objects stored.
    async findProduct(sku) {
      return products.get(sku);
    },
    async addProduct(product) {
      products.set(product.sku, product);
    },
    async setStock(sku, stock) {
      const product = products.get(sku);
      if (product) product.stock = stock;
    },
    async addOrder(order) {
      const stored = { ...order, id: ++lastId };
      orders.set(stored.id, stored);
      return stored;
    },
    async findOrder(id) {
      return orders.get(id);
    },
    // TODO: in PostgreSQL a transaction's writes are undone if it fails, nobody else sees them
    // before it commits, and transactions run one at a time. This one only calls the work.
    transaction: (work) => work(repo),
  };
  return repo;
}

function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
